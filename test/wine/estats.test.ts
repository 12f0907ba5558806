// EStats under Wine: what Wine's iphlpapi.dll does with GetPerTcpConnectionEStats /
// SetPerTcpConnectionEStats for a real loopback connection (Wine 8: the functions are not exported),
// and that netmon turns it into a clean, named "not available" for the whole table — never a throw.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleForWindows, prepareWine, runWindowsNode, winPath, RUNTIME_DIR } from './wine-env';

interface Probe {
  fatal?: string;
  exported: boolean;
  calls?: { kind: string; set: number; get: number; rw: number }[];
  collector?: { counters: (number | null)[] | null; note: string | null; unavailable: { name: string; message: string; code: number | null } | null };
  collectorThrew?: string;
  source: { rows: number; note: string | null; hasCounters: boolean };
}

let probe: Probe;

beforeAll(async () => {
  const w = prepareWine();
  const script = await bundleForWindows(join(__dirname, 'estats-probe.ts'), 'estats-probe.cjs');
  const outFile = join(RUNTIME_DIR, `estats-${process.pid}.json`);
  rmSync(outFile, { force: true });
  const r = runWindowsNode(w, script, [winPath(outFile)], 240_000);
  if (!existsSync(outFile)) throw new Error(`the probe wrote no result (exit ${r.status}).\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  probe = JSON.parse(readFileSync(outFile, 'utf8')) as Probe;
  rmSync(outFile, { force: true });
  console.log(`[wine] EStats: exported ${probe.exported}; calls ${JSON.stringify(probe.calls)}; collector ${JSON.stringify(probe.collector)}; source ${JSON.stringify(probe.source)}`);
});

describe('EStats under Wine', () => {
  it('ran without a fatal error; the collector did not throw', () => {
    expect(probe.fatal).toBeUndefined();
    expect(probe.collectorThrew).toBeUndefined();
  });

  // Wine 8's iphlpapi.dll has no Get/SetPerTcp(6)ConnectionEStats at all. Should a Wine version
  // export them, this fails and says so: then pin what its calls return instead.
  it('finds no EStats exports in Wine, and says so by name instead of failing the poll', () => {
    expect(probe.exported).toBe(false);
    const c = probe.collector!;
    expect(c.counters).toBeNull();
    expect(c.note).toBe('not available: iphlpapi.dll does not export the EStats functions');
    expect(c.unavailable).toEqual({ name: 'EStatsUnavailableError', message: 'iphlpapi.dll does not export the EStats functions', code: null });
    // The source still reads the table, and its table carries the same reason.
    expect(probe.source.rows).toBeGreaterThan(0);
    expect(probe.source.hasCounters).toBe(false);
    expect(probe.source.note).toBe(c.note);
  });
});
