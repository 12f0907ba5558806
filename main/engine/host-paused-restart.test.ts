// A late viewer after an engine restart while paused: the replacement engine does not poll (paused),
// so its snapshot is empty although the run's history holds live rows and every earlier viewer
// still shows them. A window opened now shows an empty table until someone resumes.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch, type EventBatch } from '../../shared/ipc';
import { startEngineHost, type StartedEngineHost } from './host';

let dir: string;
let workerPath: string;
const hosts: StartedEngineHost[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netmon-worker-'));
  workerPath = join(dir, 'engine-worker.cjs');
  await build({ entryPoints: [resolve(__dirname, 'worker.ts')], outfile: workerPath, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron', 'koffi', 'ws'], logLevel: 'error' });
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('engine host: restart while paused', () => {
  for (const how of ['crash', 'restart'] as const) {
    it(`a late viewer's snapshot after a ${how} while paused holds the live rows`, async () => {
      const host = startEngineHost({ workerPath, source: 'scripted', intervalMs: 100, testHooks: true, restartDelayMs: 20 });
      hosts.push(host);
      const batches: EventBatch[] = [];
      host.onBatch((j) => batches.push(decodeBatch(j)));
      await until(() => batches.length >= 3, 'three batches');
      await host.setPaused(true);
      const before = await host.getSnapshot();
      expect(before.connections.length).toBeGreaterThan(0);
      if (how === 'crash') {
        await host.crashForTest();
        await until(() => batches.some((b) => /crashed/.test(b.status.lastError ?? '')), 'crash report');
      } else await host.restart();
      await until(async () => host.getStatus().then(() => true, () => false), 'the new engine answering');
      const after = await host.getSnapshot();
      expect(after.status.paused).toBe(true);
      // The present table, read once by the paused replacement (the scripted source starts its
      // loop again, so it need not be the table before), and the one every viewer was sent.
      expect(after.connections.length).toBeGreaterThan(0);
      await until(() => batches.some((b) => b.full && b.seq > 1), "the replacement's table");
      const table = batches.filter((b) => b.full).at(-1)!;
      expect(after.connections.map((c) => c.id).sort()).toEqual(table.connections!.map((c) => c.id).sort());
    });
  }

  it("a late viewer's timeline after a crash starts where the run started, not at the replacement's first poll", async () => {
    const host = startEngineHost({ workerPath, source: 'scripted', intervalMs: 100, testHooks: true, restartDelayMs: 20 });
    hosts.push(host);
    const batches: EventBatch[] = [];
    host.onBatch((j) => batches.push(decodeBatch(j)));
    await until(() => batches.length >= 3, 'three batches');
    const before = await host.getTimeline();
    const history = await host.getHistory();
    expect(before.since).toBe(history.since);
    const portsBefore = await host.getPortUsage();
    expect(portsBefore.trend.length).toBeGreaterThan(0);
    await host.crashForTest();
    await until(() => batches.some((b) => /crashed/.test(b.status.lastError ?? '')), 'crash report');
    const crash = batches.find((b) => /crashed/.test(b.status.lastError ?? ''))!;
    await until(() => batches.some((b) => b.seq > crash.seq && b.full), 'full batch from the new worker');
    const after = await host.getTimeline();
    // getHistory keeps the run's start; getTimeline, served by the replacement, has lost it.
    expect((await host.getHistory()).since).toBe(before.since);
    expect(after.since).toBe(before.since);
    expect(after.samples[0].time).toBe(before.samples[0].time);
    // The port-usage trend goes on from the run's first poll too, and its latest is the replacement's.
    const portsAfter = await host.getPortUsage();
    expect(portsAfter.trend[0].time).toBe(portsBefore.trend[0].time);
    expect(portsAfter.trend.length).toBeGreaterThan(portsBefore.trend.length);
    expect(portsAfter.latest?.time).toBe(batches.filter((b) => b.ports).at(-1)!.ports!.time);
  });
});
