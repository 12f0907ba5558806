// The engine-side port usage: counted from batches (no walk of the table a poll), it must equal
// the report over the whole table after every batch; marks only where a level changes; bounded;
// and nothing malformed passes the viewer's checks.
import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionEvent, TcpState } from './connection';
import type { EngineStatus, EventBatch } from './ipc';
import { portUsageReport, type PortRange } from './ports';
import {
  MAX_PORT_MARKS,
  PortUsageTracker,
  TREND_WINDOW_MS,
  isPortUsageSample,
  rangesFrom,
  usageLevel,
  validatePortUsageHistory,
  type PortUsageSample,
} from './port-usage';
import { conn, status } from '../renderer/test/fixtures';

const R: PortRange = { low: 50000, high: 50019 }; // 20 ports: 1 port is 5%
const st = (r: PortRange | null = R): EngineStatus => status(r ? { portRanges: { tcp: r, udp: r, origin: 'test' } } : {});
const batch = (time: number, p: Partial<EventBatch> = {}): EventBatch => ({ seq: time, time, full: false, events: [], status: st(), ...p });
const ev = (type: ConnectionEvent['type'], connection: Connection, time: number): ConnectionEvent => ({ type, time, connection });

/** xorshift32: the same sequence every run. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('PortUsageTracker', () => {
  it('equals the report over the whole live table after every batch (opens, closes, state and owner changes, listeners, range changes)', () => {
    const rnd = prng(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const states: TcpState[] = ['ESTABLISHED', 'TIME-WAIT', 'CLOSE-WAIT', 'SYN-SENT', 'LISTEN'];
    const live = new Map<string, Connection>();
    const make = (): Connection =>
      conn({
        protocol: rnd() < 0.15 ? 'udp' : 'tcp',
        localAddress: pick(['127.0.0.1', '127.0.0.2', '10.0.0.5']),
        localPort: 49990 + Math.floor(rnd() * 40), // straddles the range's edges
        remoteAddress: pick(['10.0.0.1', '10.0.0.2', '203.0.113.9']),
        // One link-local destination on two interfaces and unscoped: three destinations.
        ...(rnd() < 0.3 ? { remoteAddress: 'fe80::1', remoteScopeId: pick([undefined, 2, 3]) } : {}),
        remotePort: pick([443, 80, 50005]),
        state: rnd() < 0.08 ? 'LISTEN' : pick(states.slice(0, 4)),
        pid: pick([1, 2, 3]),
        process: pick(['a', 'b']),
      });
    const tracker = new PortUsageTracker();
    let ranges: PortRange = R;
    tracker.apply({ ...batch(0), full: true, connections: [] });
    for (let t = 1; t <= 400; t++) {
      const events: ConnectionEvent[] = [];
      const n = Math.floor(rnd() * 6);
      for (let k = 0; k < n; k++) {
        const r = rnd();
        const ids = [...live.keys()];
        if (r < 0.5 || ids.length === 0) {
          const c = make();
          if (live.has(c.id)) continue;
          live.set(c.id, c);
          events.push(ev('opened', c, t));
        } else if (r < 0.75) {
          const c = live.get(pick(ids))!;
          if (events.some((e) => e.connection.id === c.id)) continue;
          live.delete(c.id);
          events.push(ev('closed', c, t));
        } else {
          const old = live.get(pick(ids))!;
          if (events.some((e) => e.connection.id === old.id)) continue;
          const c = { ...old, state: old.protocol === 'udp' ? null : pick(states), pid: pick([1, 2, 3, 0]) };
          live.set(c.id, c);
          events.push(ev('changed', c, t));
        }
      }
      if (t % 97 === 0) ranges = ranges === R ? { low: 50010, high: 50039 } : R; // the OS range read late / changed
      const b = batch(t, { events, status: st(ranges) });
      const full = t % 150 === 0; // an engine restart: the whole table again
      const sample = tracker.apply(full ? { ...b, full: true, events: [], connections: [...live.values()] } : b)!;
      const want = portUsageReport([...live.values()], { ranges: { tcp: ranges, udp: ranges } });
      expect(sample.addresses, `after batch ${t}`).toEqual(want.addresses.map((a) => ({ ...a, warning: false })));
    }
    expect(tracker.data().latest?.addresses.length).toBeGreaterThan(0);
  });

  it('marks only samples where an address’s whole percent changes, and serves them with the trend', () => {
    const tracker = new PortUsageTracker();
    const clients = (n: number, from = 0) => Array.from({ length: n }, (_, i) => conn({ localPort: R.low + from + i, remotePort: 443 }));
    expect(tracker.apply({ ...batch(1000), full: true, connections: clients(2) })?.mark).toBe(true); // 10%
    // Same usage, other sockets: no mark.
    const [a, b] = clients(2);
    const [c, d] = clients(2, 2);
    expect(tracker.apply(batch(2000, { events: [ev('closed', a, 2000), ev('opened', c, 2000)] }))?.mark).toBeUndefined();
    expect(tracker.apply(batch(3000, { events: [ev('opened', d, 3000)] }))?.mark).toBe(true); // 15%
    expect(tracker.apply(batch(4000, { events: [ev('closed', b, 4000), ev('closed', c, 4000), ev('closed', d, 4000)] }))?.mark).toBe(true); // gone
    const h = tracker.data();
    expect(h.marks.map((m) => m.time)).toEqual([1000, 3000, 4000]);
    expect(h.marks[1].addresses[0]).toMatchObject({ portsInUse: 3, percent: 15, topProcesses: [], topRemotes: [{ remoteAddress: '127.0.0.1', remoteScopeId: null, remotePort: 443, sockets: 3 }] });
    expect(h.trend.map((p) => [p.time, p.inUse['tcp 127.0.0.1']])).toEqual([
      [1000, 2],
      [2000, 2],
      [3000, 3],
      [4000, undefined],
    ]);
    expect(h.latest?.time).toBe(4000);
    expect(validatePortUsageHistory(JSON.parse(JSON.stringify(h)))).toEqual(h);
  });

  it('says nothing for a failed poll, and keeps the trend and the marks bounded', () => {
    const tracker = new PortUsageTracker();
    tracker.apply({ ...batch(0), full: true, connections: [] });
    expect(tracker.apply(batch(1, { status: { ...st(), lastError: 'boom' } }))).toBeNull();
    // Usage swinging between 5% and 10% every poll: a mark a poll, trend one point a poll.
    const x = conn({ localPort: R.low + 1, remotePort: 443 });
    const y = conn({ localPort: R.low, remotePort: 443 });
    tracker.apply(batch(2, { events: [ev('opened', x, 2)] }));
    for (let t = 3; t < MAX_PORT_MARKS + 1000; t++) tracker.apply(batch(t * 1000, { events: [ev(t % 2 ? 'opened' : 'closed', y, t * 1000)] }));
    const h = tracker.data();
    expect(h.marks).toHaveLength(MAX_PORT_MARKS);
    expect(h.droppedMarks).toBeGreaterThan(0);
    expect(h.trend[h.trend.length - 1].time - h.trend[0].time).toBeLessThan(TREND_WINDOW_MS);
    expect(h.trend.length).toBeLessThanOrEqual(TREND_WINDOW_MS / 1000);
  });

  it('counts against the default range, said to be one, until the OS range is known', () => {
    const tracker = new PortUsageTracker();
    const s = tracker.apply({ ...batch(1, { status: st(null) }), full: true, connections: [conn({ localPort: 49152, remotePort: 443 })] })!;
    expect(s.ranges).toEqual(rangesFrom(null));
    expect(s.addresses[0]).toMatchObject({ portsInUse: 1, rangeSize: 16384 });
    expect(tracker.apply(batch(2))!.addresses).toEqual([]); // 49152 is outside the OS range 50000–50019
  });

  it('levels are whole percents of the larger limit', () => {
    expect(usageLevel({ percent: 79.9, busiestDestinationPercent: 3 })).toBe(79);
    expect(usageLevel({ percent: 2, busiestDestinationPercent: 80 })).toBe(80);
    expect(usageLevel({ percent: 150, busiestDestinationPercent: 0 })).toBe(100);
  });
});

describe('port usage validation (what a viewer receives)', () => {
  const good = (): PortUsageSample => {
    const t = new PortUsageTracker();
    return JSON.parse(JSON.stringify(t.apply({ ...batch(5), full: true, connections: [conn({ localPort: R.low, remotePort: 443 })] }))) as PortUsageSample;
  };

  it('accepts what the tracker sends', () => {
    expect(isPortUsageSample(good())).toBe(true);
  });

  it('rejects every field made wrong, and never throws (fuzz, bounded)', () => {
    const wrongs: unknown[] = [null, -1, 'x', [], {}, NaN, Infinity, true, { low: 5 }, 'a'.repeat(300)];
    const isShortText = (v: unknown) => v === 'x';
    // Each field, and which of the values above it would still take.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the fuzz writes anything anywhere
    const fields: [(s: any, v: unknown) => void, (v: unknown) => boolean][] = [
      [(s, v) => (s.time = v), () => false],
      [(s, v) => (s.omitted = v), () => false],
      [(s, v) => (s.ranges = v), () => false],
      [(s, v) => (s.ranges.ranges.tcp = v), () => false],
      [(s, v) => (s.ranges.origin = v), isShortText],
      [(s, v) => (s.addresses = v), (v) => Array.isArray(v)], // no address at all is a fine sample
      [(s, v) => (s.addresses[0] = v), () => false],
      [(s, v) => (s.addresses[0].protocol = v), () => false],
      [(s, v) => (s.addresses[0].localAddress = v), isShortText],
      [(s, v) => (s.addresses[0].percent = v), () => false],
      [(s, v) => (s.addresses[0].topRemotes = v), (v) => Array.isArray(v)],
      [(s, v) => (s.addresses[0].topProcesses[0] = v), () => false],
      [(s, v) => (s.addresses[0].topRemotes[0].remoteAddress = v), isShortText],
      [(s, v) => (s.addresses[0].topRemotes[0].remoteScopeId = v), (v) => v === null],
      [(s, v) => (s.mark = v), (v) => v === true],
    ];
    for (const [set, takes] of fields) {
      for (const v of wrongs) {
        const s = good();
        set(s, v);
        expect(() => isPortUsageSample(s)).not.toThrow();
        expect(isPortUsageSample(s), `${set.toString()} = ${JSON.stringify(v)}`).toBe(takes(v));
      }
    }
    expect(isPortUsageSample({ ...good(), addresses: Array.from({ length: 300 }, () => good().addresses[0]) })).toBe(false);
  });

  it('a malformed history is refused with a reason', () => {
    expect(() => validatePortUsageHistory(null)).toThrow(/not an object/);
    expect(() => validatePortUsageHistory({ latest: null, trend: [{ time: 1, inUse: { a: 'x' } }], marks: [], droppedMarks: 0 })).toThrow(/trend/);
    expect(() => validatePortUsageHistory({ latest: null, trend: [], marks: [{}], droppedMarks: 0 })).toThrow(/marks/);
    expect(() => validatePortUsageHistory({ latest: { time: 1 }, trend: [], marks: [], droppedMarks: 0 })).toThrow(/latest/);
  });
});
