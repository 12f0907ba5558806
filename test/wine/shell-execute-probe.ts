// Runs inside Windows Node under Wine: what ShellExecuteExW does with verb "runas" (the call behind
// "Restart as administrator"), SHELLEXECUTEINFOW's layout in the Windows koffi, and the Program
// Files folders SHGetKnownFolderPath names. Writes its findings as JSON to the file named by argv[2].
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { windowsCommandLine } from '../../main/electron/elevate';
import { FOLDERID_ProgramFiles, FOLDERID_ProgramFilesX86, knownFolderPath, shellExecuteEx, shellExecuteInfoLayout } from '../../main/native/koffi';
import { runProbe } from './probe-run';
import { ECHO_ARGS } from './shell-execute-args';


const out: Record<string, unknown> = {};

async function waitFor(file: string, ms: number): Promise<unknown> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // written but not complete yet
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/** Writes what is known so far: a native fault ends the process without runProbe's final write. */
function step(name: string): void {
  out.step = name;
  writeFileSync(process.argv[2], JSON.stringify(out, null, 1));
}

async function main(): Promise<void> {
  step('layout');
  out.layout = shellExecuteInfoLayout();
  step('known folders');
  out.programFiles = knownFolderPath(FOLDERID_ProgramFiles);
  out.programFilesX86 = knownFolderPath(FOLDERID_ProgramFilesX86);
  step('bogus folder');
  out.bogusFolder = knownFolderPath('{00000000-0000-0000-0000-000000000001}');

  const echo = path.join(path.dirname(process.argv[1]), 'shell-execute-echo.cjs');
  const echoed = path.join(path.dirname(process.argv[2]), `echo-${process.pid}.json`);
  rmSync(echoed, { force: true });
  process.env.NETMON_PROBE_ENV = 'carried';
  const parameters = windowsCommandLine([echo, echoed, ...ECHO_ARGS]);
  step('runas');
  const t0 = Date.now();
  out.runas = shellExecuteEx({ verb: 'runas', file: process.execPath, parameters, directory: path.dirname(process.execPath), hwnd: null });
  out.runasMs = Date.now() - t0;
  out.echo = await waitFor(echoed, 60_000);
  rmSync(echoed, { force: true });

  step('missing');
  out.missing = shellExecuteEx({ verb: 'runas', file: path.join(path.dirname(process.execPath), 'no-such-netmon.exe'), parameters: '', hwnd: null });
  out.missingDir = shellExecuteEx({ verb: 'runas', file: 'C:\\no\\such\\netmon.exe', parameters: '', hwnd: null });
  step('bad verb');
  out.badVerb = shellExecuteEx({ verb: 'no-such-verb', file: process.execPath, parameters: '--version', hwnd: null });
  step('done');
}

runProbe(out, main);
