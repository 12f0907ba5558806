import { afterEach, describe, expect, it, vi } from 'vitest';
import { diffTables } from '../model/diff';
import { materializeTable } from '../model/materialize';
import { C, COUNTER_SLOTS, ROW_WORDS, type RowTable } from '../model/rows';
import { createDemoSource, createScriptedSource, DEMO_MAX_CONNECTIONS, validateDemoOptions } from './scripted';
import { SourceError } from './types';

const A = { local: '127.0.0.1', localPort: 1000, remote: '127.0.0.1', remotePort: 2000, pid: 7 };
const B = { local: '::1', localPort: 3000, remote: '::1', remotePort: 4000, pid: 8 };

afterEach(() => vi.useRealTimers());

describe('createScriptedSource', () => {
  it('returns the scripted tables in order, then repeats the last', async () => {
    const src = createScriptedSource([[A], [A, B], { error: 'boom', code: 5 }]);
    expect(src.name).toBe('scripted');
    expect((await src.read()).count).toBe(1);
    expect((await src.read()).count).toBe(2);
    let caught: unknown;
    try {
      await src.read();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SourceError);
    expect((caught as SourceError).code).toBe(5);
    expect(() => src.read()).toThrow('boom');
    expect(src.reads).toBe(4);
  });

  it('can loop, fail at the end, or follow a function', async () => {
    const loop = createScriptedSource([[A], [B]], { atEnd: 'loop' });
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(materializeTable(await loop.read())[0].localPort);
    expect(seen).toEqual([1000, 3000, 1000, 3000]);
    const strict = createScriptedSource([[A]], { atEnd: 'error' });
    await strict.read();
    expect(() => strict.read()).toThrow('exhausted');
    const fn = createScriptedSource((i) => (i % 2 ? [A, B] : [A]));
    expect((await fn.read()).count).toBe(1);
    expect((await fn.read()).count).toBe(2);
  });

  it('hands out fresh tables, so a kept table is never overwritten', async () => {
    const src = createScriptedSource([[A]]);
    const t1 = await src.read();
    const t2 = await src.read();
    expect(t1).not.toBe(t2);
    expect(t1.words).not.toBe(t2.words);
  });

  it('delays reads with timers when asked', async () => {
    vi.useFakeTimers();
    const src = createScriptedSource([{ rows: [A], delayMs: 300 }]);
    let done = false;
    const p = Promise.resolve(src.read()).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(299);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
  });

  it('answers process info from a map', () => {
    const src = createScriptedSource([[A]], { processes: { 7: 'sshd', 8: { pid: 8, name: 'nginx', path: '/usr/sbin/nginx' } } });
    expect(src.processInfo(7)).toEqual({ pid: 7, name: 'sshd', path: null });
    expect(src.processInfo(8)?.path).toBe('/usr/sbin/nginx');
    expect(src.processInfo(9)).toBeNull();
  });
});

describe('createDemoSource', () => {
  it('is deterministic for a seed', () => {
    const a = createDemoSource(42);
    const b = createDemoSource(42);
    for (let i = 0; i < 5; i++) {
      const ta = a.read() as RowTable;
      const tb = b.read() as RowTable;
      expect(ta.count).toBe(tb.count);
      expect(Array.from(ta.words.subarray(0, ta.count * ROW_WORDS))).toEqual(Array.from(tb.words.subarray(0, tb.count * ROW_WORDS)));
    }
  });

  it('is lively: connections open, close and change state, with named processes', () => {
    const src = createDemoSource(7, { connections: 200 });
    let prev = src.read() as RowTable;
    let opened = 0;
    let closed = 0;
    let changed = 0;
    for (let i = 0; i < 20; i++) {
      const next = src.read() as typeof prev;
      const d = diffTables(prev, next);
      opened += d.opened.length;
      closed += d.closed.length;
      changed += d.changed.length;
      prev = next;
    }
    expect(opened).toBeGreaterThan(10);
    expect(closed).toBeGreaterThan(10);
    expect(changed).toBeGreaterThan(10);
    const conns = materializeTable(prev, (pid) => src.processInfo(pid));
    expect(conns.length).toBeGreaterThan(150);
    expect(conns.length).toBeLessThan(260);
    expect(new Set(conns.map((c) => c.id)).size).toBe(conns.length);
    expect(conns.some((c) => c.state === 'LISTEN' && c.process === 'System')).toBe(true);
    expect(conns.some((c) => c.protocol === 'udp' && c.remoteAddress === null)).toBe(true);
    expect(conns.some((c) => c.family === 6 && c.state === 'ESTABLISHED')).toBe(true);
    expect(conns.some((c) => c.state === 'TIME-WAIT' && c.pid === 0)).toBe(true);
  });

  it('holds 50,000 distinct connections (beyond one address’s ephemeral range) and churns as asked', () => {
    const src = createDemoSource(3, { connections: 50_000, churn: 0.0036 });
    let prev = src.read() as RowTable;
    expect(prev.count).toBe(50_000);
    let events = 0;
    const reads = 8;
    for (let i = 0; i < reads; i++) {
      const next = src.read() as RowTable;
      const d = diffTables(prev, next);
      events += d.opened.length + d.closed.length + d.changed.length;
      prev = next;
    }
    const conns = materializeTable(prev, (pid) => src.processInfo(pid));
    // Identities stay unique: a local port is reused only on another local address.
    expect(new Set(conns.map((c) => c.id)).size).toBe(conns.length);
    expect(new Set(conns.filter((c) => c.family === 4 && c.remoteAddress !== '0.0.0.0').map((c) => c.localAddress)).size).toBeGreaterThan(1);
    expect(conns.length).toBeGreaterThan(48_000);
    expect(conns.length).toBeLessThan(52_000);
    // ≈ DEMO_EVENTS_PER_CHURN × churn × connections a read once the pipeline is full (~1,000).
    const perRead = events / reads;
    expect(perRead).toBeGreaterThan(600);
    expect(perRead).toBeLessThan(1300);
  });

  it('with traffic, carries counters on TCP rows past the handshake and moves them on about that share', () => {
    const plain = createDemoSource(4, { connections: 2000 }).read() as RowTable;
    expect(plain.counters).toBeUndefined();
    // Without traffic it says why, as a real source does (the Traffic columns show it).
    expect(plain.countersNote).toBe('none in this demo (simulated traffic is off)');
    const src = createDemoSource(4, { connections: 2000, traffic: 0.25 });
    const first = src.read() as RowTable;
    expect(first.countersNote).toBeUndefined();
    const second = src.read() as RowTable;
    const k = second.counters as Float64Array;
    expect(k).toBeInstanceOf(Float64Array);
    const conns = materializeTable(second, () => null);
    let moved = 0;
    let estab = 0;
    const before = new Map(materializeTable(first, () => null).map((c, i) => [c.id, first.counters![i * COUNTER_SLOTS + C.BYTES_SENT]]));
    conns.forEach((c, i) => {
      const sent = k[i * COUNTER_SLOTS + C.BYTES_SENT];
      if (c.protocol === 'udp' || c.state === 'LISTEN' || c.state === 'TIME-WAIT' || c.state === 'SYN-SENT') expect(sent, c.id).toBeNaN();
      if (c.state !== 'ESTABLISHED') return;
      estab++;
      expect(sent).toBeGreaterThanOrEqual(0);
      if (sent > (before.get(c.id) ?? 0)) moved++;
    });
    expect(moved / estab).toBeGreaterThan(0.18);
    expect(moved / estab).toBeLessThan(0.32);
  });

  it('a connection that has moved no data yet has no RTT (unknown, not 0 ms); one that has, has one', () => {
    const src = createDemoSource(4, { connections: 2000, traffic: 0.25 });
    src.read();
    const t = src.read() as RowTable;
    const k = t.counters!;
    const conns = materializeTable(t, () => null);
    let idle = 0;
    let busy = 0;
    conns.forEach((c, i) => {
      if (c.state !== 'ESTABLISHED') return;
      const at = i * COUNTER_SLOTS;
      const moved = k[at + C.BYTES_SENT] + k[at + C.BYTES_RECEIVED] > 0;
      if (moved) {
        busy++;
        expect(c.rttMs, c.id).toBeGreaterThan(0);
      } else {
        idle++;
        expect([c.rttMs, c.rttVarMs, c.bytesSent], c.id).toEqual([null, null, 0]);
      }
    });
    expect(idle).toBeGreaterThan(100);
    expect(busy).toBeGreaterThan(100);
  });

  it('refuses options out of range with the option named', () => {
    expect(() => createDemoSource(1, { connections: 0 })).toThrow('demo connections must be a whole number from 1 to 500000, got 0');
    expect(() => createDemoSource(1, { connections: 1.5 })).toThrow(/demo connections/);
    expect(() => createDemoSource(1, { churn: Number.NaN })).toThrow('demo churn must be a fraction from 0 to 1, got NaN');
    expect(() => createDemoSource(1, { churn: 2 })).toThrow(/demo churn/);
    expect(() => createDemoSource(1, { traffic: -1 })).toThrow('demo traffic must be a fraction from 0 to 1, got -1');
    expect(() => validateDemoOptions({ connections: DEMO_MAX_CONNECTIONS, churn: 0 })).not.toThrow();
  });
});
