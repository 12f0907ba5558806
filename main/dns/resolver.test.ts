import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResolver, type ReverseLookup } from './resolver';

/** A fake PTR lookup: answers from a table after `delayMs` (fake time), records every query. */
function fakeLookup(table: Record<string, string[] | Error>, delayMs = 0) {
  const calls: string[] = [];
  const startedAt: number[] = [];
  const lookup: ReverseLookup = (a) => {
    calls.push(a);
    startedAt.push(Date.now());
    return new Promise((res, rej) => {
      const answer = () => {
        const v = table[a];
        if (v === undefined) rej(Object.assign(new Error(`queryPtr ENOTFOUND ${a}`), { code: 'ENOTFOUND' }));
        else if (v instanceof Error) rej(v);
        else res(v);
      };
      // Immediate answers need no timer, so tests without delays need not advance fake time.
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  };
  return { lookup, calls, startedAt };
}

describe('reverse DNS resolver (fake lookup, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('resolves, caches positive answers for ttlMs and negative ones for negativeTtlMs', async () => {
    const f = fakeLookup({ '8.8.8.8': ['dns.google'] });
    const r = createResolver({ lookup: f.lookup, ttlMs: 10_000, negativeTtlMs: 1_000 });
    expect(await r.resolve(['8.8.8.8', '9.9.9.9'])).toEqual({ '8.8.8.8': 'dns.google', '9.9.9.9': null });
    expect(f.calls).toEqual(['8.8.8.8', '9.9.9.9']);

    expect(await r.resolve(['8.8.8.8', '9.9.9.9'])).toEqual({ '8.8.8.8': 'dns.google', '9.9.9.9': null });
    expect(f.calls).toHaveLength(2); // both from cache

    vi.advanceTimersByTime(1_001); // negative entry expired, positive not
    await r.resolve(['8.8.8.8', '9.9.9.9']);
    expect(f.calls).toEqual(['8.8.8.8', '9.9.9.9', '9.9.9.9']);

    vi.advanceTimersByTime(10_000);
    await r.resolve(['8.8.8.8']);
    expect(f.calls.filter((c) => c === '8.8.8.8')).toHaveLength(2);
  });

  it('never asks DNS about unspecified, loopback or invalid addresses', async () => {
    const f = fakeLookup({});
    const r = createResolver({ lookup: f.lookup });
    expect(await r.resolve(['0.0.0.0', '::', '127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', 'not-an-ip'])).toEqual({
      '0.0.0.0': null,
      '::': null,
      '127.0.0.1': 'localhost',
      '127.9.9.9': 'localhost',
      '::1': 'localhost',
      '::ffff:127.0.0.1': 'localhost',
      'not-an-ip': null,
    });
    expect(f.calls).toEqual([]);
  });

  it('looks IPv4-mapped IPv6 up as IPv4 and shares the cache entry', async () => {
    const f = fakeLookup({ '1.2.3.4': ['host.example.'] });
    const r = createResolver({ lookup: f.lookup });
    expect(await r.resolve(['::ffff:1.2.3.4', '1.2.3.4'])).toEqual({ '::ffff:1.2.3.4': 'host.example', '1.2.3.4': 'host.example' });
    expect(f.calls).toEqual(['1.2.3.4']);
  });

  it('ignores empty names and the address echoed back', async () => {
    const f = fakeLookup({ '1.1.1.1': ['', '1.1.1.1', 'one.one.one.one'], '2.2.2.2': ['2.2.2.2'] });
    const r = createResolver({ lookup: f.lookup });
    expect(await r.resolve(['1.1.1.1', '2.2.2.2'])).toEqual({ '1.1.1.1': 'one.one.one.one', '2.2.2.2': null });
  });

  it('answers errors and a throwing lookup with null', async () => {
    const r1 = createResolver({ lookup: fakeLookup({ '5.5.5.5': new Error('ESERVFAIL') }).lookup });
    expect(await r1.resolve(['5.5.5.5'])).toEqual({ '5.5.5.5': null });
    const r2 = createResolver({
      lookup: () => {
        throw new Error('synchronous failure');
      },
    });
    expect(await r2.resolve(['6.6.6.6'])).toEqual({ '6.6.6.6': null });
  });

  it('keeps at most maxConcurrent lookups in flight', async () => {
    const table = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`10.0.0.${i + 1}`, [`h${i + 1}`]]));
    const f = fakeLookup(table, 100);
    const r = createResolver({ lookup: f.lookup, maxConcurrent: 2, ratePerSecond: 1000 });
    const p = r.resolve(Object.keys(table));
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(2);
    expect(r.stats()).toMatchObject({ inFlight: 2, queued: 4 });
    await vi.advanceTimersByTimeAsync(100);
    expect(f.calls).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(200);
    const out = await p;
    expect(Object.values(out)).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
    expect(r.stats()).toMatchObject({ inFlight: 0, queued: 0, lookups: 6 });
  });

  it('rate-limits with a token bucket and answers every queued address later, none dropped', async () => {
    const table = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`10.1.0.${i + 1}`, [`n${i + 1}`]]));
    const f = fakeLookup(table, 0);
    const r = createResolver({ lookup: f.lookup, ratePerSecond: 2, maxConcurrent: 10 });
    const t0 = Date.now();
    let done = false;
    const p = r.resolve(Object.keys(table)).then((x) => {
      done = true;
      return x;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(2); // the burst
    await vi.advanceTimersByTimeAsync(499);
    expect(f.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(f.calls).toHaveLength(3);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    const out = await p;
    expect(Object.values(out)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
    // Start times never exceed the rate: the k-th lookup after the burst starts ≥ k·500 ms in.
    f.startedAt.slice(2).forEach((t, k) => expect(t - t0).toBeGreaterThanOrEqual((k + 1) * 500));
  });

  it('times slow lookups out as null, frees the slot and caches the miss', async () => {
    const f = fakeLookup({ '7.7.7.7': ['slow.example'], '8.8.4.4': ['fast.example'] }, 10_000);
    const r = createResolver({ lookup: f.lookup, timeoutMs: 2_000, maxConcurrent: 1 });
    const p = r.resolve(['7.7.7.7', '8.8.4.4']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(f.calls).toEqual(['7.7.7.7', '8.8.4.4']); // first timed out, second started
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await p).toEqual({ '7.7.7.7': null, '8.8.4.4': null });
    expect(r.stats().timeouts).toBe(2);
    await vi.advanceTimersByTimeAsync(20_000); // the late answers arrive and are ignored
    expect(await r.resolve(['7.7.7.7'])).toEqual({ '7.7.7.7': null });
    expect(f.calls).toHaveLength(2);
  });

  it('shares an in-flight lookup between overlapping calls', async () => {
    const f = fakeLookup({ '4.4.4.4': ['four'] }, 50);
    const r = createResolver({ lookup: f.lookup });
    const a = r.resolve(['4.4.4.4']);
    const b = r.resolve(['4.4.4.4', '4.4.4.4']);
    await vi.advanceTimersByTimeAsync(50);
    expect(await a).toEqual({ '4.4.4.4': 'four' });
    expect(await b).toEqual({ '4.4.4.4': 'four' });
    expect(f.calls).toEqual(['4.4.4.4']);
  });

  it('bounds the cache, evicting the least recently used entry', async () => {
    const f = fakeLookup({ '1.0.0.1': ['a'], '1.0.0.2': ['b'], '1.0.0.3': ['c'] });
    const r = createResolver({ lookup: f.lookup, maxEntries: 2 });
    await r.resolve(['1.0.0.1']);
    await r.resolve(['1.0.0.2']);
    await r.resolve(['1.0.0.1']); // touch: 1.0.0.2 is now the oldest
    await r.resolve(['1.0.0.3']);
    expect(r.stats().cached).toBe(2);
    f.calls.length = 0;
    await r.resolve(['1.0.0.1', '1.0.0.3']);
    expect(f.calls).toEqual([]);
    await r.resolve(['1.0.0.2']);
    expect(f.calls).toEqual(['1.0.0.2']);
  });
});

describe('reverse DNS resolver (system resolver)', () => {
  it('resolves 127.0.0.1 through dns.promises.reverse to a name the hosts file gives it', async () => {
    const hostsNames = readFileSync('/etc/hosts', 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
      .filter((f) => f[0] === '127.0.0.1')
      .flatMap((f) => f.slice(1));
    const r = createResolver({ shortcutLoopback: false, timeoutMs: 10_000 });
    const out = await r.resolve(['127.0.0.1']);
    expect(typeof out['127.0.0.1']).toBe('string');
    if (hostsNames.length > 0) expect(hostsNames).toContain(out['127.0.0.1']);
    expect(r.stats().lookups).toBe(1);
  });
});
