// The counters a viewer ends up with, held to values computed from the script alone, poll after
// poll: a viewer that applies every batch (through JSON, as the transports do) must show, for
// every live row, exactly the row's counters and the rates / limitedBy of the plain rule over the
// interval — whatever the engine chose to send or to leave out. Seeded random polls: rows reorder,
// close and open, change state, come as UDP, lose and regain counters (one row or the whole
// table), RTT unknown, only the send-limit times known (a Windows EStats source whose Data and
// Path reads failed but SndCong's did not); now and then a poll fails.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeBatch, type EventBatch } from '../../shared/ipc';
import type { TcpState } from '../../shared/connection';
import { LiveTable } from '../export/table';
import type { RowSpec } from '../model/build';
import { prng } from '../model/random';
import { LIMITED_NETWORK, LIMITED_RECEIVER, LIMITED_SENDER } from '../model/traffic';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import { createEngine } from './engine';

type Counters = NonNullable<RowSpec['counters']>;
const LIMITED_NAMES: Record<number, string | null> = { 0: null, [LIMITED_RECEIVER]: 'receiver', [LIMITED_NETWORK]: 'network', [LIMITED_SENDER]: 'sender' };

/** The plain rule (main/engine/rates.ts limitedByCode's documented rule), written out again here. */
function limitedName(prev: Counters, next: Counters, intervalUs: number): string | null {
  const dBusy = (next.BUSY_US ?? NaN) - (prev.BUSY_US ?? NaN);
  const dRwnd = (next.RWND_LIMITED_US ?? NaN) - (prev.RWND_LIMITED_US ?? NaN);
  const dSnd = (next.SNDBUF_LIMITED_US ?? NaN) - (prev.SNDBUF_LIMITED_US ?? NaN);
  if (!(dBusy >= 0) || !(dRwnd >= 0) || !(dSnd >= 0)) return null;
  // No busy time: bytes that went out were paced by the application (the busy clock ticks coarsely).
  if (dBusy === 0) return (next.BYTES_SENT ?? NaN) - (prev.BYTES_SENT ?? NaN) > 0 ? LIMITED_NAMES[LIMITED_SENDER] : null;
  const receiver = dRwnd;
  const sender = dSnd + Math.max(0, intervalUs - dBusy);
  const network = Math.max(0, dBusy - dRwnd - dSnd);
  if (network >= receiver && network >= sender) return LIMITED_NAMES[LIMITED_NETWORK];
  return LIMITED_NAMES[receiver >= sender ? LIMITED_RECEIVER : LIMITED_SENDER];
}

const rate = (a: number | undefined, b: number | undefined, dtMs: number): number | null => {
  const d = (b ?? NaN) - (a ?? NaN);
  return d >= 0 ? Math.round((d * 1000) / dtMs) : null;
};
const known = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

/** What a viewer must show for row `spec` (its previous poll's spec `before`, if it stayed). */
function expected(spec: RowSpec, before: RowSpec | undefined, dtMs: number) {
  const udp = spec.protocol === 'udp';
  const k = udp ? undefined : spec.counters;
  const p = before && !udp && before.protocol !== 'udp' ? before.counters : undefined;
  const rtt = known(k?.RTT_US);
  const rttVar = known(k?.RTTVAR_US);
  return {
    bytesSent: known(k?.BYTES_SENT),
    bytesReceived: known(k?.BYTES_RECEIVED),
    packetsSent: known(k?.SEGS_OUT),
    packetsReceived: known(k?.SEGS_IN),
    sendRate: k && p ? rate(p.BYTES_SENT, k.BYTES_SENT, dtMs) : null,
    receiveRate: k && p ? rate(p.BYTES_RECEIVED, k.BYTES_RECEIVED, dtMs) : null,
    rttMs: rtt === null ? null : rtt / 1000,
    rttVarMs: rttVar === null ? null : rttVar / 1000,
    retransmits: known(k?.RETRANS),
    limitedBy: k && p ? limitedName(p, k, dtMs * 1000) : null,
  };
}

const FIELDS = ['bytesSent', 'bytesReceived', 'packetsSent', 'packetsReceived', 'sendRate', 'receiveRate', 'rttMs', 'rttVarMs', 'retransmits', 'limitedBy'] as const;
const STATES: TcpState[] = ['ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-2'];

interface Live {
  port: number;
  udp: boolean;
  state: TcpState;
  k: Required<Counters>;
}

/** A random walk of `polls` tables over `rows` or a few more rows (ports 1…), each row's counters only growing or standing still. */
function randomPolls(seed: number, polls: number, rows: number): RowSpec[][] {
  const rnd = prng(seed);
  let nextPort = 1;
  const fresh = (): Live => ({
    port: nextPort++,
    udp: rnd() < 0.15,
    state: 'ESTABLISHED',
    k: { BYTES_SENT: 0, BYTES_RECEIVED: 0, SEGS_OUT: 0, SEGS_IN: 0, RTT_US: 0, RTTVAR_US: 0, RETRANS: 0, BUSY_US: 0, RWND_LIMITED_US: 0, SNDBUF_LIMITED_US: 0 },
  });
  let live: Live[] = Array.from({ length: rows + Math.floor(rnd() * 5) }, fresh);
  const out: RowSpec[][] = [];
  const grow = (x: number, by: number) => x + (rnd() < 0.5 ? 0 : Math.floor(rnd() * by));
  for (let t = 0; t < polls; t++) {
    live = live.filter(() => rnd() > 0.1);
    while (rnd() < 0.3) live.push(fresh());
    const tableMode = rnd(); // < 0.15: this poll has no counters at all
    const specs: RowSpec[] = [];
    for (const r of live) {
      if (rnd() < 0.1) r.state = STATES[Math.floor(rnd() * STATES.length)];
      const k = r.k;
      k.BYTES_SENT = grow(k.BYTES_SENT, 5000);
      k.BYTES_RECEIVED = grow(k.BYTES_RECEIVED, 5000);
      k.SEGS_OUT = grow(k.SEGS_OUT, 5);
      k.SEGS_IN = grow(k.SEGS_IN, 5);
      k.RTT_US = rnd() < 0.7 ? k.RTT_US : Math.floor(rnd() * 4) * 250;
      k.RTTVAR_US = Math.floor(k.RTT_US / 4);
      k.RETRANS = grow(k.RETRANS, 2);
      const rwnd = rnd() < 0.5 ? 0 : Math.floor(rnd() * 300_000);
      const snd = rnd() < 0.5 ? 0 : Math.floor(rnd() * 300_000);
      k.RWND_LIMITED_US += rwnd;
      k.SNDBUF_LIMITED_US += snd;
      k.BUSY_US += rnd() < 0.4 ? 0 : rwnd + snd + Math.floor(rnd() * 400_000);
      const spec: RowSpec = { protocol: r.udp ? 'udp' : 'tcp', local: '10.0.0.1', localPort: r.port, remote: r.udp ? undefined : '10.0.0.2', remotePort: r.udp ? undefined : 443, state: r.state, pid: 100 };
      const rowMode = rnd();
      if (tableMode >= 0.15 && rowMode >= 0.1) {
        const c: Counters = { ...k };
        if (k.RTT_US === 0) c.RTT_US = c.RTTVAR_US = NaN; // no sample yet
        // Only the send-limit times: the Data and Path reads of a Windows source failed this poll.
        if (rowMode < 0.2) for (const s of ['BYTES_SENT', 'BYTES_RECEIVED', 'SEGS_OUT', 'SEGS_IN', 'RTT_US', 'RTTVAR_US', 'RETRANS'] as const) delete c[s];
        spec.counters = c;
      }
      specs.push(spec);
    }
    // The OS lists sockets in no promised order.
    for (let i = specs.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [specs[i], specs[j]] = [specs[j], specs[i]];
    }
    out.push(specs);
  }
  return out;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => vi.useRealTimers());

describe('counters a viewer shows, against the plain rule', () => {
  it('equal the script poll after poll: reorders, close / open, state changes, UDP, counters coming and going', async () => {
    let checked = 0;
    let rated = 0;
    let limited = 0;
    let failed = 0;
    for (let seed = 1; seed <= 60; seed++) {
      // Past 16 rows now and then: the engine's per-row scratch arrays start at 16 and grow.
      const polls = randomPolls(seed, 12, seed % 6 === 0 ? 40 : 3);
      // Now and then a poll fails: the next one rates over both intervals, against the last good table.
      const rnd = prng(seed + 1000);
      const steps: ScriptStep[] = polls.map((p, t) => (t > 0 && rnd() < 0.1 ? { error: 'EAGAIN' } : p));
      const source = createScriptedSource(steps, { processes: { 100: 'app' } });
      const engine = createEngine({ source, intervalMs: 1000 });
      const viewer = new LiveTable();
      const wire: string[] = [];
      const batches: EventBatch[] = [];
      engine.onBatch((b) => {
        const json = JSON.stringify(b);
        wire.push(json);
        batches.push(b);
        viewer.apply(decodeBatch(json));
      });
      engine.start();
      await vi.advanceTimersByTimeAsync(0);
      let last = -1; // the last poll that succeeded
      for (let t = 0; t < steps.length; t++) {
        if (t > 0) await vi.advanceTimersByTimeAsync(1000);
        expect(batches, `seed ${seed}`).toHaveLength(t + 1);
        const step = steps[t];
        if (!Array.isArray(step)) {
          expect(batches[t].status.lastError).toBe('EAGAIN');
          expect(batches[t].counters).toBeUndefined();
          failed++;
          continue;
        }
        const before = last >= 0 ? new Map(polls[last].map((s) => [s.localPort, s])) : new Map<number, RowSpec>();
        const dtMs = (t - last) * 1000;
        last = t;
        const byPort = new Map([...viewer.rows.values()].map((c) => [c.localPort, c]));
        expect(byPort.size, `seed ${seed} poll ${t}`).toBe(step.length);
        for (const spec of step) {
          const c = byPort.get(spec.localPort)!;
          const shows = Object.fromEntries(FIELDS.map((f) => [f, c[f] ?? null]));
          const want = expected(spec, before.get(spec.localPort), dtMs);
          expect(shows, `seed ${seed} poll ${t} port ${spec.localPort}`).toEqual(want);
          checked++;
          if (want.sendRate !== null) rated++;
          if (want.limitedBy !== null) limited++;
        }
        const section = batches[t].counters;
        if (section) {
          expect(section.values).toHaveLength(section.ids.length * 10);
          for (const v of section.values) expect(Number.isInteger(v) && v >= -1, `seed ${seed} poll ${t}: ${v}`).toBe(true);
        }
      }
      // Each batch owns its section: what went on the wire is what the batch still holds.
      batches.forEach((b, i) => expect(JSON.stringify(b)).toBe(wire[i]));
      engine.stop();
    }
    // The cases are there.
    expect(checked).toBeGreaterThan(2000);
    expect(rated).toBeGreaterThan(500);
    expect(limited).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(20);
  });

  it('takes back a limitedBy when the source stops giving counters, even for a row whose other counters were unknown', async () => {
    // Windows: SndCong read, Data and Path reads failed: only the send-limit times, so limitedBy
    // is all the row shows; then the source gives no counters at all.
    const limitsOnly = (busy: number): RowSpec => ({ local: '10.0.0.1', localPort: 7, remote: '10.0.0.2', remotePort: 443, pid: 100, counters: { BUSY_US: busy, RWND_LIMITED_US: 0, SNDBUF_LIMITED_US: 0 } });
    const bare: RowSpec = { local: '10.0.0.1', localPort: 7, remote: '10.0.0.2', remotePort: 443, pid: 100 };
    const source = createScriptedSource([[limitsOnly(0)], [limitsOnly(100_000)], [bare]], { processes: { 100: 'app' } });
    const engine = createEngine({ source, intervalMs: 1000 });
    const viewer = new LiveTable();
    engine.onBatch((b) => viewer.apply(decodeBatch(JSON.stringify(b))));
    engine.start();
    await vi.advanceTimersByTimeAsync(1000);
    // Busy 0.1 s of 1 s, the application gave it nothing to send the rest: the sender.
    expect([...viewer.rows.values()][0].limitedBy).toBe('sender');
    await vi.advanceTimersByTimeAsync(1000);
    expect([...viewer.rows.values()][0].limitedBy ?? null).toBeNull();
    engine.stop();
  });
});
