// Runs inside Windows Node under Wine: asks win-process.ts about its own process, a child it
// spawned, and PIDs that do not exist, and writes what it got as JSON to the file named by argv[2].
import { spawn } from 'node:child_process';
import { createWinProcessDetails, koffiWinProcessApi, winProcessDetails } from '../../main/native/win-process';
import * as k from '../../main/native/koffi';
import { runProbe } from './probe-run';

const out: Record<string, unknown> = { pid: process.pid, execPath: process.execPath, argv: process.argv, now: Date.now() };

/** One raw API call, reporting a throw instead of hiding it (win-process itself never throws). */
function raw<T>(f: () => T): { value: T } | { threw: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: String((e as Error).message) };
  }
}

async function main(): Promise<void> {
  out.self = winProcessDetails(process.pid);

  // Field by field through the raw API, so the test can tell "Wine returned nothing" from "threw".
  const api = koffiWinProcessApi();
  const h = api.open(process.pid);
  out.rawOpen = h !== null;
  if (h !== null) {
    out.raw = {
      imagePath: raw(() => api.imagePath(h)),
      creationTicks: raw(() => String(api.creationTicks(h))),
      commandLine: raw(() => api.commandLine(h, process.pid)),
      user: raw(() => api.user(h)),
    };
    // The raw NTSTATUS of ProcessCommandLineInformation, to say what Wine does with it.
    const nt = k.bindWin32('ntdll.dll', 'NtQueryInformationProcess', 'uint32', ['void *', 'int', 'void *', 'uint32', 'void *']);
    const buf = Buffer.alloc(4096);
    const len = Buffer.alloc(4);
    out.commandLineStatus = nt ? { status: (nt(h, 60, buf, buf.length, len) as number) >>> 0, returnLength: len.readUInt32LE(0) } : 'missing';
    api.close(h);
  }
  const services = raw(() => api.services());
  out.rawServices = 'value' in services ? { value: services.value === null ? null : services.value.length, sample: services.value?.slice(0, 5) } : services;
  // A service host's details must list the services it hosts.
  const first = 'value' in services ? services.value?.find((e) => e.pid > 4) : undefined;
  if (first) out.serviceHost = { expect: first.name, details: winProcessDetails(first.pid) };

  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'netmon-marker-arg', 'with space'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  out.childPid = child.pid;
  out.child = createWinProcessDetails({ api })(child.pid!);
  child.kill();

  out.bogus = winProcessDetails(0x7ffffff0);
  out.system = winProcessDetails(4);
  out.idle = winProcessDetails(0);
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) winProcessDetails(process.pid);
  out.msPerLookup = (performance.now() - t0) / 20;
}

runProbe(out, main);
