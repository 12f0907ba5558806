// win-process.ts for real: Windows Node under Wine asks for its own details, a child's and a
// service host's. What Wine does not implement is asserted as such: NtQueryInformationProcess
// class 60 (ProcessCommandLineInformation) answers STATUS_INVALID_INFO_CLASS there, so the command
// line must come from the PEB fallback, and PIDs that do not exist must give null fields, not throws.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDetails } from '../../shared/ipc';
import { bundleForWindows, prepareWine, runWindowsNode, winPath, RUNTIME_DIR } from './wine-env';

type Raw<T> = { value: T } | { threw: string };
interface Probe {
  pid: number;
  now: number;
  fatal?: string;
  self: ProcessDetails;
  rawOpen: boolean;
  raw: Record<'imagePath' | 'creationTicks' | 'commandLine' | 'user', Raw<string | null>>;
  commandLineStatus: { status: number; returnLength: number } | string;
  rawServices: { value: number | null; sample: { name: string; pid: number }[] } | { threw: string };
  serviceHost?: { expect: string; details: ProcessDetails };
  childPid: number;
  child: ProcessDetails;
  bogus: ProcessDetails;
  system: ProcessDetails;
  idle: ProcessDetails;
  msPerLookup: number;
}

const STATUS_INVALID_INFO_CLASS = 0xc0000003;
const BUNDLE = 'process-details-probe.cjs';
let probe: Probe;

beforeAll(async () => {
  const w = prepareWine();
  const script = await bundleForWindows(join(__dirname, 'process-details-probe.ts'), BUNDLE);
  const outFile = join(RUNTIME_DIR, `process-details-${process.pid}.json`);
  rmSync(outFile, { force: true });
  const r = runWindowsNode(w, script, [winPath(outFile)], 240_000);
  if (!existsSync(outFile)) throw new Error(`the probe wrote no result (exit ${r.status}).\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  probe = JSON.parse(readFileSync(outFile, 'utf8')) as Probe;
  rmSync(outFile, { force: true });
  console.log(`[wine] process details: ${probe.msPerLookup?.toFixed(2)} ms a lookup; class 60 status ${JSON.stringify(probe.commandLineStatus)}; services seen ${JSON.stringify(probe.rawServices)}`);
});

describe('Windows process details under Wine', () => {
  it('ran without a fatal error and no raw call threw', () => {
    expect(probe.fatal).toBeUndefined();
    expect(probe.rawOpen).toBe(true);
    for (const [field, r] of Object.entries(probe.raw)) expect({ field, r }).toEqual({ field, r: { value: expect.anything() } });
  });

  it('reports its own pid, image path and name', () => {
    expect(probe.self.pid).toBe(probe.pid);
    expect(probe.self.path).toMatch(/\\node\.exe$/i);
    expect(probe.self.name?.toLowerCase()).toBe('node.exe');
  });

  it('reads the command line (through the PEB where class 60 is missing)', () => {
    expect(probe.self.commandLine).toContain(BUNDLE);
    expect(probe.self.commandLine).toMatch(/node\.exe/i);
    expect(probe.child.commandLine).toContain('netmon-marker-arg');
    expect(probe.child.commandLine).toContain('"with space"');
    // What Wine does with ProcessCommandLineInformation: if it ever implements it, this tells us.
    expect(probe.commandLineStatus).toMatchObject({ status: STATUS_INVALID_INFO_CLASS });
  });

  it('gives a start time close to now', () => {
    expect(probe.self.startTime).not.toBeNull();
    const age = probe.now - probe.self.startTime!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(120_000);
    expect(probe.child.startTime!).toBeGreaterThan(probe.self.startTime!);
  });

  it('names the owning user as DOMAIN\\user', () => {
    expect(probe.self.user).toMatch(/^[^\\]+\\[^\\]+$/);
    expect(probe.child.user).toBe(probe.self.user);
  });

  it('maps service hosts to their services', () => {
    expect('value' in probe.rawServices && probe.rawServices.value).toBeGreaterThan(0);
    expect(probe.serviceHost).toBeDefined();
    expect(probe.serviceHost!.details.services).toContain(probe.serviceHost!.expect);
    expect(probe.self.services).toEqual([]);
  });

  it('answers PIDs it cannot open with null fields instead of failing', () => {
    expect(probe.bogus).toEqual({ pid: 0x7ffffff0, name: null, path: null, commandLine: null, user: null, startTime: null, services: [] });
    expect(probe.system).toMatchObject({ pid: 4, name: 'System', path: null, commandLine: null });
    expect(probe.idle).toMatchObject({ pid: 0, name: 'System Idle Process', path: null });
  });
});
