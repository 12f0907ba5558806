// The host for real: the worker is bundled with esbuild (as scripts/build.mjs does) and run in a
// worker thread with the scripted / demo sources.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch, type EventBatch } from '../../shared/ipc';
import { describeExitCode, startEngineHost, type StartedEngineHost } from './host';
import { portUsageReport } from '../../shared/ports';
import { rangesFrom, validatePortUsageHistory } from '../../shared/port-usage';

let dir: string;
let workerPath: string;
const hosts: StartedEngineHost[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netmon-worker-'));
  workerPath = join(dir, 'engine-worker.cjs');
  await build({
    entryPoints: [resolve(__dirname, 'worker.ts')],
    outfile: workerPath,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron', 'koffi', 'ws'],
    logLevel: 'error',
  });
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});

function start(opts: Partial<Parameters<typeof startEngineHost>[0]> = {}) {
  const host = startEngineHost({ workerPath, source: 'scripted', intervalMs: 100, ...opts });
  hosts.push(host);
  const batches: EventBatch[] = [];
  host.onBatch((json) => batches.push(decodeBatch(json)));
  return { host, batches };
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('engine host (worker thread)', () => {
  it('streams JSON batches: full first, then events', async () => {
    const { batches } = start();
    await until(() => batches.length >= 4, 'four batches');
    expect(batches[0].full).toBe(true);
    expect(batches[0].connections?.length).toBe(3);
    expect(batches[0].status.source).toBe('scripted');
    expect(batches.map((b) => b.seq).slice(0, 4)).toEqual([1, 2, 3, 4]);
    // Step 2 of the scripted cycle opens a client connection.
    expect(batches[1].events.map((e) => `${e.type}:${e.connection.localPort}:${e.connection.process}`)).toEqual(['opened:50000:client']);
    expect(batches[2].events[0]).toMatchObject({ type: 'changed', previousState: 'SYN-SENT', connection: { state: 'ESTABLISHED' } });
  });

  it('pauses, resumes, changes the interval and returns snapshots', async () => {
    const { host, batches } = start({ source: 'demo', seed: 5, connections: 300 });
    await until(() => batches.length >= 1, 'first batch');
    const snap = await host.getSnapshot();
    expect(snap.connections.length).toBeGreaterThanOrEqual(300);
    expect(snap.status.source).toBe('demo');
    expect(JSON.parse(await host.getSnapshotJson()).connections.length).toBe(snap.connections.length);

    const st = await host.setPaused(true);
    expect(st.paused).toBe(true);
    const n = batches.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(batches.length).toBe(n);
    expect((await host.getStatus()).paused).toBe(true);
    await host.setPaused(false);
    await until(() => batches.length >= n + 2, 'batches after resume');

    const s2 = await host.setInterval(2000);
    expect(s2.intervalMs).toBe(2000);
    const m = batches.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(batches.length).toBeLessThanOrEqual(m + 1);
    expect((await host.getStatus()).intervalMs).toBe(2000);
  });

  it('rejects bad arguments with the reason', async () => {
    const { host } = start();
    await expect(host.setInterval(5 as number)).rejects.toThrow(/between 100 and 60000/);
    await expect(host.setInterval('1000' as unknown as number)).rejects.toThrow(/integer/);
    await expect(host.setInterval(1000.5)).rejects.toThrow(/integer/);
    await expect(host.setPaused('yes' as unknown as boolean)).rejects.toThrow(/true or false/);
    expect((await host.getStatus()).intervalMs).toBe(100);
  });

  it('stamps batches and snapshots with the run history; getHistory returns the ring a late viewer needs', async () => {
    const { host, batches } = start({ historyCapacity: 4 });
    await until(() => batches.filter((b) => b.events.length > 0).length >= 3, 'three batches with events');
    const first = batches[0];
    expect(first.connections?.every((c) => c.preexisting === true && c.firstSeenAt === first.time && c.lastChangeAt === first.time)).toBe(true);
    const opened = batches.flatMap((b) => b.events).find((e) => e.type === 'opened')!;
    expect(opened.connection).toMatchObject({ firstSeenAt: opened.time, lastChangeAt: opened.time, preexisting: false });
    // A viewer arriving now: the snapshot keeps the first poll's time for the rows open since then.
    const snap = await host.getSnapshot();
    const old = snap.connections.filter((c) => first.connections?.some((f) => f.id === c.id));
    expect(old.length).toBeGreaterThan(0);
    for (const c of old) expect(c).toMatchObject({ firstSeenAt: first.time, preexisting: true });
    const h = await host.getHistory();
    expect(h.capacity).toBe(4);
    expect(h.since).toBe(first.time);
    expect(h.events.length).toBeLessThanOrEqual(4);
    const streamed = batches.flatMap((b) => b.events);
    // The ring's events are the stream's newest, with the same times (up to what arrived since).
    const tail = streamed.slice(-h.events.length - 4);
    for (const e of h.events.slice(0, 1)) expect(tail).toContainEqual(e);
    expect((await host.getHistory(1)).events).toHaveLength(1);
    await expect(host.getHistory(0)).rejects.toThrow(/history limit/);
  });

  it('every batch carries its timeline sample, and getTimeline serves the series a late viewer needs', async () => {
    const { host, batches } = start();
    await until(() => batches.filter((b) => b.events.length > 0).length >= 2, 'two batches with events');
    const first = batches[0];
    const live = first.connections?.length ?? 0;
    expect(first.timeline?.time).toBe(first.time);
    expect(first.timeline?.counts.reduce((a, b) => a + b, 0)).toBe(live);
    const withEvents = batches.find((b) => b.events.length > 0)!;
    expect(withEvents.timeline?.opened).toBe(withEvents.events.filter((e) => e.type === 'opened').length);
    expect(withEvents.timeline?.closed).toBe(withEvents.events.filter((e) => e.type === 'closed').length);
    const t = await host.getTimeline();
    expect(t.since).toBe(first.time);
    const streamed = batches.map((b) => b.timeline?.time);
    expect(t.samples.slice(0, 2).map((s) => s.time)).toEqual(streamed.slice(0, 2));
    // Paused, the newest sample counts exactly the rows of the table.
    await host.setPaused(true);
    await new Promise((r) => setTimeout(r, 250));
    const [snap, after] = await Promise.all([host.getSnapshot(), host.getTimeline()]);
    const newest = after.samples[after.samples.length - 1];
    expect(newest.counts.reduce((a, b) => a + b, 0)).toBe(snap.connections.length);
  });

  it('every batch carries the poll\'s port usage, counted in the worker; getPortUsage serves what a late viewer needs', async () => {
    // The demo source: a lively machine whose clients hold ports from 49700 up (default range 49152–65535).
    const { host, batches } = start({ source: 'demo', connections: 300, seed: 3 });
    await until(() => batches.filter((b) => b.events.length > 0).length >= 3, 'three batches with events');
    await host.setPaused(true);
    await new Promise((r) => setTimeout(r, 250));
    const [snap, h] = await Promise.all([host.getSnapshot(), host.getPortUsage()]);
    const polled = batches.filter((b) => b.ports);
    expect(polled.length).toBeGreaterThanOrEqual(3);
    expect(polled.every((b) => b.ports!.time === b.time)).toBe(true);
    // Paused, the newest sample is exactly the report over the table.
    const want = portUsageReport(snap.connections, { ranges: rangesFrom(snap.status).ranges });
    expect(want.addresses.length).toBeGreaterThan(0);
    expect(h.latest?.addresses).toEqual(want.addresses.map((a) => ({ ...a, warning: false })));
    expect(polled[polled.length - 1].ports).toEqual(h.latest);
    expect(h.trend.map((p) => p.time)).toEqual(polled.map((b) => b.time));
    expect(h.marks[0].time).toBe(polled[0].time);
    expect(validatePortUsageHistory(h)).toBe(h);
  });

  it('reports a crashed worker in the stream and restarts it, continuing the numbering', async () => {
    const { host, batches } = start({ testHooks: true, restartDelayMs: 50 });
    await until(() => batches.length >= 2, 'two batches');
    await host.setPaused(true);
    await host.setInterval(150);
    await host.crashForTest();
    await until(() => batches.some((b) => /crashed/.test(b.status.lastError ?? '')), 'crash report');
    const crash = batches.find((b) => /crashed/.test(b.status.lastError ?? ''))!;
    expect(crash.status.lastError).toMatch(/crash requested by test/);
    // The new worker keeps the settings (paused) and continues seq after the crash report.
    const status = await (async () => {
      for (let i = 0; i < 100; i++) {
        try {
          return await host.getStatus();
        } catch {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      throw new Error('worker did not come back');
    })();
    expect(status).toMatchObject({ paused: true, intervalMs: 150 });
    await host.setPaused(false);
    await until(() => batches.some((b) => b.seq > crash.seq && !b.full && b.status.paused === false), 'the resume');
    // Numbering continues: first the new worker's table (read once, though paused: a viewer that
    // comes now gets the present), then the resume pushed to every viewer.
    const after = batches.filter((b) => b.seq > crash.seq);
    expect(after[0]).toMatchObject({ seq: crash.seq + 1, full: true, status: { paused: true } });
    expect(after[0].connections?.length).toBeGreaterThan(0);
    expect(after[1]).toMatchObject({ seq: crash.seq + 2, full: false, events: [], status: { paused: false } });
  });

  it("a crashed worker's replacement goes on with the run's history: its events, its start, each live row's first-seen time", async () => {
    const { host, batches } = start({ testHooks: true, restartDelayMs: 50 });
    await until(() => batches.filter((b) => b.events.length > 0).length >= 3, 'three batches with events');
    await host.setPaused(true);
    const before = await host.getHistory();
    expect(before.events.length).toBeGreaterThan(0);
    // What the stream said each live row was, as the crash finds it.
    const live = new Map<string, { firstSeenAt?: number; preexisting?: boolean }>();
    for (const b of batches) {
      for (const c of b.connections ?? []) live.set(c.id, c);
      for (const e of b.events) {
        if (e.type === 'closed') live.delete(e.connection.id);
        else live.set(e.connection.id, e.connection);
      }
    }
    await host.crashForTest();
    await until(() => batches.some((b) => /crashed/.test(b.status.lastError ?? '')), 'crash report');
    // Asked while the worker is down: the host answers from its own copy.
    const during = await host.getHistory();
    expect(during.since).toBe(before.since);
    expect(during.events.slice(0, before.events.length)).toEqual(before.events);
    const crash = batches.find((b) => /crashed/.test(b.status.lastError ?? ''))!;
    for (let i = 0; i < 100; i++) {
      try {
        await host.setPaused(false);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await until(() => batches.some((b) => b.seq > crash.seq && b.full), 'full batch from the new worker');
    const table = batches.find((b) => b.seq > crash.seq && b.full)!;
    const kept = table.connections!.filter((c) => live.has(c.id));
    expect(kept.length).toBeGreaterThan(0);
    for (const c of kept) {
      // The old worker's first-seen time and flag, not the new worker's first poll.
      expect(c.firstSeenAt).toBe(live.get(c.id)!.firstSeenAt);
      expect(c.preexisting).toBe(live.get(c.id)!.preexisting);
      expect(c.firstSeenAt).toBeLessThan(table.time);
    }
    for (const c of table.connections!.filter((x) => !live.has(x.id))) expect(c).toMatchObject({ firstSeenAt: table.time, preexisting: false });
    const after = await host.getHistory();
    expect(after.since).toBe(before.since);
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
  });

  it('reports a source that cannot read here in every batch and keeps polling', async () => {
    const other = process.platform === 'win32' ? 'linux' : 'windows';
    const { host, batches } = start({ source: other });
    await until(() => batches.length >= 3, 'three error batches');
    const expected = process.platform === 'win32' ? /linux/i : /^iphlpapi\.dll exists only on Windows \(this is linux\)$/;
    // Each poll fails the same way, and each still arrives as a batch: the engine does not die.
    for (const b of batches.slice(0, 3)) {
      expect(b.status.lastError).toMatch(expected);
      expect(b.events).toEqual([]);
      expect(b.full).toBe(false);
    }
    expect(batches.slice(0, 3).map((b) => b.seq)).toEqual([1, 2, 3]);
    const snap = await host.getSnapshot();
    expect(snap.connections).toEqual([]);
    expect(snap.status.lastError).toMatch(expected);
  });

  it('a source that cannot be created is fatal: the stream says why and every request is rejected with it', async () => {
    const { host, batches } = start({ source: 'no-such-source' as never, restartDelayMs: 20 });
    await until(() => batches.length >= 1, 'fatal report');
    const why = batches[0].status.lastError;
    expect(why).toBe('unknown source "no-such-source"; expected one of auto, linux, windows, demo');
    await expect(host.getStatus()).rejects.toThrow(why!);
    await expect(host.getSnapshot()).rejects.toThrow(why!);
    await expect(host.setPaused(true)).rejects.toThrow(why!);
    // Not restarted in a loop: a fatal error is final.
    await new Promise((r) => setTimeout(r, 200));
    expect(batches.length).toBe(1);
  });

  it('forwards request ops it does not know to the engine side, which answers them', async () => {
    const { host, batches } = start();
    await until(() => batches.length >= 1, 'first batch');
    expect((await host.request<{ source: string }>('getStatus')).source).toBe('scripted');
    await expect(host.request('historySince', 3)).rejects.toThrow('unknown request: historySince');
  });

  it('tells onCrash, once per crash, what the stream says', async () => {
    const crashes: string[] = [];
    const { host, batches } = start({ testHooks: true, restartDelayMs: 50, onCrash: (m) => crashes.push(m) });
    await until(() => batches.length >= 1, 'first batch');
    await host.crashForTest();
    await until(() => crashes.length >= 1, 'onCrash');
    expect(crashes).toEqual([batches.find((b) => /crashed/.test(b.status.lastError ?? ''))!.status.lastError]);
  });

  it('carries the OS dynamic port range in the status once read (the Linux source here)', async () => {
    const { batches } = start({ source: 'linux', intervalMs: 200 });
    // Generous: a loaded machine's Linux polls can take seconds, and the range arrives with the poll after it is read.
    await until(() => batches.some((b) => b.status.portRanges !== undefined), 'a status with port ranges', 45_000);
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const st = batches.find((b) => b.status.portRanges)!.status;
    expect(st.portRanges).toEqual({ tcp: { low, high }, udp: { low, high }, origin: '/proc/sys/net/ipv4/ip_local_port_range' });
  }, 60_000);

  it('simulated sources carry the range of the machine they simulate, not the host range', async () => {
    const { batches } = start();
    await until(() => batches.some((b) => b.status.portRanges !== undefined), 'a status with port ranges');
    const st = batches.find((b) => b.status.portRanges)!.status;
    expect(st.portRanges).toEqual({
      tcp: { low: 49152, high: 65535 },
      udp: { low: 49152, high: 65535 },
      origin: `the ${st.source} source (a simulated Windows machine's default range)`,
    });
  });

  it('rejects everything after close', async () => {
    const { host } = start();
    await host.close();
    await expect(host.getStatus()).rejects.toThrow(/closed/);
  });
});

describe('describeExitCode', () => {
  it('adds the NTSTATUS of a faulted Windows process, in either sign', () => {
    expect(describeExitCode(1)).toBe('exit code 1');
    expect(describeExitCode(139)).toBe('exit code 139');
    expect(describeExitCode(3221225477)).toBe('exit code 3221225477 (0xC0000005)');
    expect(describeExitCode(-1073741819)).toBe('exit code -1073741819 (0xC0000005)');
  });
});

/** Waits until a (restarted) engine answers requests. */
async function answering(host: StartedEngineHost): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await host.getStatus().then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out waiting for the new engine to answer');
}

// A late viewer after an engine restart while paused, and the run's timeline and port usage across a
// crash: the host keeps what the run has seen, the replacement reads the present once.
describe('engine host: restart while paused', () => {
  for (const how of ['crash', 'restart'] as const) {
    it(`a late viewer's snapshot after a ${how} while paused holds the live rows`, async () => {
      const { host, batches } = start({ testHooks: true, restartDelayMs: 20 });
      await until(() => batches.length >= 3, 'three batches');
      await host.setPaused(true);
      const before = await host.getSnapshot();
      expect(before.connections.length).toBeGreaterThan(0);
      if (how === 'crash') {
        await host.crashForTest();
        await until(() => batches.some((b) => /crashed/.test(b.status.lastError ?? '')), 'crash report');
      } else await host.restart();
      await answering(host);
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
    const { host, batches } = start({ testHooks: true, restartDelayMs: 20 });
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
    // The run's start, in the history and in the timeline (kept by the host, not the replacement).
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
