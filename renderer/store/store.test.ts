import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionStore } from './store';
import { conn, diff, full, status } from '../test/fixtures';
import { prng } from '../../main/model/random';

describe('ConnectionStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(10_000);
  });
  afterEach(() => vi.useRealTimers());

  it('keeps the status\'s countersScope checked, one object while its facts stand, null when malformed', () => {
    const s = new ConnectionStore();
    const scope = { states: ['ESTABLISHED' as const], cap: 2000, beyondCap: 1 };
    s.applyBatch(full(1000, [conn({ localPort: 1 })], status({ countersScope: scope })));
    const first = s.countersScope;
    expect(first).toEqual(scope);
    s.applyBatch(diff(2000, [], status({ countersScope: { ...scope, states: ['ESTABLISHED'] } })));
    expect(s.countersScope).toBe(first);
    s.setStatus(status({ countersScope: { states: 'ESTABLISHED' } as never }));
    expect(s.countersScope).toBeNull();
  });

  it('replaces everything on a full snapshot and marks first-snapshot rows as preexisting', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1 });
    const b = conn({ localPort: 2, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 });
    const changes = s.applyBatch(full(1000, [a, b]));
    expect(changes.reset).toBe(true);
    expect([...s.rows.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(s.rows.get(a.id)).toMatchObject({ preexisting: true, firstSeen: 1000, status: '' });
    expect(s.liveCount).toBe(2);
    expect(Object.fromEntries(s.stateCounts())).toEqual({ ESTABLISHED: 1, LISTEN: 1 });

    // a later full snapshot (engine reset) drops rows that are gone and keeps known rows' history
    const c = conn({ localPort: 3 });
    s.applyBatch(full(5000, [a, c]));
    expect([...s.rows.keys()].sort()).toEqual([a.id, c.id].sort());
    expect(s.rows.get(a.id)?.firstSeen).toBe(1000);
    expect(s.rows.get(c.id)).toMatchObject({ preexisting: false, firstSeen: 5000 });
  });

  it('applies opened / changed / closed by id with highlights, counts and the event log', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, state: 'SYN-SENT' });
    s.applyBatch(full(1000, [a]));
    const b = conn({ localPort: 2 });
    const ch = s.applyBatch(diff(2000, [{ type: 'opened', connection: b }]));
    expect([...ch.ids]).toEqual([b.id]);
    expect(s.rows.get(b.id)).toMatchObject({ status: 'new', firstSeen: 2000, preexisting: false });

    s.applyBatch(diff(3000, [{ type: 'changed', connection: { ...a, state: 'ESTABLISHED' }, previousState: 'SYN-SENT' }]));
    expect(s.rows.get(a.id)).toMatchObject({ status: 'changed', lastChange: 3000, firstSeen: 1000 });
    expect(s.rows.get(a.id)?.c.state).toBe('ESTABLISHED');
    expect(Object.fromEntries(s.stateCounts())).toEqual({ ESTABLISHED: 2 });

    s.applyBatch(diff(4000, [{ type: 'closed', connection: b }]));
    expect(s.rows.get(b.id)?.status).toBe('closed');
    expect(s.liveCount).toBe(1);
    expect(s.log.toArray().map((e) => e.type)).toEqual(['opened', 'changed', 'closed']);
    expect(s.status?.source).toBe('scripted');
  });

  it('lets closed rows linger, then removes them; highlights fade', () => {
    const s = new ConnectionStore({ lingerMs: 5000, highlightMs: 3000 });
    const a = conn({ localPort: 1 });
    s.applyBatch(full(1000, []));
    s.applyBatch(diff(2000, [{ type: 'opened', connection: a }]));
    vi.advanceTimersByTime(2999);
    expect(s.rows.get(a.id)?.status).toBe('new');
    vi.advanceTimersByTime(1);
    expect(s.rows.get(a.id)?.status).toBe('');

    s.applyBatch(diff(3000, [{ type: 'closed', connection: a }]));
    vi.advanceTimersByTime(4999);
    expect(s.rows.get(a.id)?.status).toBe('closed');
    vi.advanceTimersByTime(1);
    expect(s.rows.has(a.id)).toBe(false);
  });

  it('keeps closed rows while "keep closed" is on and drops them when it is turned off', () => {
    const s = new ConnectionStore({ lingerMs: 1000, keepClosed: true });
    const a = conn({ localPort: 1 });
    s.applyBatch(full(1000, [a]));
    s.applyBatch(diff(2000, [{ type: 'closed', connection: a }]));
    vi.advanceTimersByTime(60_000);
    expect(s.rows.get(a.id)?.status).toBe('closed');
    const seen: number[] = [];
    s.subscribe((ch) => seen.push(ch.ids.size));
    s.setKeepClosed(false);
    expect(s.rows.has(a.id)).toBe(false);
    expect(seen).toContain(1);
  });

  it('ends each highlight and linger by the row\'s latest status, whatever happened before (random events, against a model)', () => {
    const rnd = prng(5);
    const s = new ConnectionStore({ lingerMs: 3000, highlightMs: 2000 });
    const pool = Array.from({ length: 40 }, (_, i) => conn({ localPort: 1 + i }));
    s.applyBatch(full(1000, pool.slice(0, 20)));
    // The model: when each row's status was last set, by the store's own clock.
    const setAt = new Map<string, { status: string; at: number }>();
    for (let b = 0; b < 300; b++) {
      const events = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => {
        const c = pool[Math.floor(rnd() * pool.length)];
        const x = rnd();
        return x < 0.4 ? { type: 'changed' as const, connection: { ...c, state: (rnd() < 0.5 ? 'CLOSE-WAIT' : 'ESTABLISHED') as 'CLOSE-WAIT' } } : x < 0.7 ? { type: 'closed' as const, connection: c } : { type: 'opened' as const, connection: c };
      });
      s.applyBatch(diff(2000 + b, events));
      for (const r of s.rows.values()) if (r.status && setAt.get(r.id)?.at !== r.statusAt) setAt.set(r.id, { status: r.status, at: r.statusAt });
      vi.advanceTimersByTime(Math.floor(rnd() * 700));
      const now = Date.now();
      for (const r of s.rows.values()) {
        // Nothing outlives its time, and nothing ends early.
        if (r.status === 'closed') expect(now - r.statusAt).toBeLessThan(3000);
        if (r.status === 'new' || r.status === 'changed') expect(now - r.statusAt).toBeLessThan(2000);
      }
      for (const [id, m] of setAt) {
        const r = s.rows.get(id);
        const live = r !== undefined && r.statusAt === m.at && r.status === m.status;
        const due = now - m.at >= (m.status === 'closed' ? 3000 : 2000);
        if (!due && r?.statusAt === m.at) expect(r.status).toBe(m.status);
        if (due) expect(live).toBe(false);
      }
    }
    vi.advanceTimersByTime(5000);
    expect([...s.rows.values()].filter((r) => r.status !== '')).toEqual([]);
  });

  it('treats a reopened id as new and never double-counts', () => {
    const s = new ConnectionStore({ lingerMs: 5000 });
    const a = conn({ localPort: 1 });
    s.applyBatch(full(1000, [a]));
    s.applyBatch(diff(2000, [{ type: 'closed', connection: a }]));
    s.applyBatch(diff(3000, [{ type: 'opened', connection: a }]));
    expect(s.rows.get(a.id)).toMatchObject({ status: 'new', firstSeen: 3000 });
    expect(s.liveCount).toBe(1);
    s.applyBatch(diff(3500, [{ type: 'closed', connection: a }, { type: 'closed', connection: a }]));
    expect(s.liveCount).toBe(0);
    expect(s.stateCounts().size).toBe(0);
  });

  it('fills remoteHost from reverse-DNS answers, for existing and later rows', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, remoteAddress: '93.184.216.34', remotePort: 443 });
    s.applyBatch(full(1000, [a]));
    const ch = s.setHosts({ '93.184.216.34': 'example.org' });
    expect(ch.ids.has(a.id)).toBe(true);
    expect(s.rows.get(a.id)?.c.remoteHost).toBe('example.org');
    const b = conn({ localPort: 2, remoteAddress: '93.184.216.34', remotePort: 80 });
    s.applyBatch(diff(2000, [{ type: 'opened', connection: b }]));
    expect(s.rows.get(b.id)?.c.remoteHost).toBe('example.org');
    expect(s.hasHost('93.184.216.34')).toBe(true);
    expect(s.hasHost('10.0.0.1')).toBe(false);
  });

  it('bounds the event log', () => {
    const s = new ConnectionStore({ eventCapacity: 3 });
    s.applyBatch(full(0, []));
    const cs = [1, 2, 3, 4, 5].map((p) => conn({ localPort: p }));
    s.applyBatch(diff(1, cs.map((c) => ({ type: 'opened' as const, connection: c }))));
    const kept = s.log.toArray();
    expect(kept.map((e) => e.connection.localPort)).toEqual([3, 4, 5]);
    expect(kept.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(s.log.firstSeq).toBe(3);
  });

  it('applies 50k rows and streaming batches (correctness at scale)', () => {
    const s = new ConnectionStore();
    const many = Array.from({ length: 50_000 }, (_, i) => conn({ localPort: 1 + (i % 60000), remotePort: 1000 + Math.floor(i / 60000), remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }));
    s.applyBatch(full(1, many));
    expect(s.rows.size).toBe(50_000);
    for (let k = 0; k < 20; k++) {
      const events = many.slice(k * 100, k * 100 + 100).map((c) => ({ type: 'changed' as const, connection: { ...c, state: 'CLOSE-WAIT' as const } }));
      s.applyBatch(diff(2 + k, events));
    }
    expect(s.stateCounts().get('CLOSE-WAIT')).toBe(2000);
    expect(s.stateCounts().get('ESTABLISHED')).toBe(48_000);
    expect(s.version).toBeGreaterThanOrEqual(21);
  });

  it('numbers rows in the order first seen, keeps the number for the row\'s life and gives a reopened row a new one', () => {
    const s = new ConnectionStore({ lingerMs: 5000 });
    const [a, b, c] = [1, 2, 3].map((p) => conn({ localPort: p }));
    s.applyBatch(full(1000, [b, a]));
    const seqB = s.rows.get(b.id)?.seq ?? -1;
    const seqA = s.rows.get(a.id)?.seq ?? -1;
    expect(seqB).toBeLessThan(seqA);
    s.applyBatch(diff(2000, [{ type: 'opened', connection: c }, { type: 'changed', connection: { ...b, state: 'CLOSE-WAIT' } }]));
    const seqC = s.rows.get(c.id)?.seq ?? -1;
    expect(seqC).toBeGreaterThan(seqA);
    expect(s.rows.get(b.id)?.seq).toBe(seqB);
    s.setHosts({ '127.0.0.1': 'localhost' });
    vi.advanceTimersByTime(10_000); // highlights fade: rows are rebuilt, numbers stay
    expect(s.rows.get(c.id)?.seq).toBe(seqC);
    // an engine reset keeps surviving rows' numbers
    s.applyBatch(full(3000, [a, b, c]));
    expect([a, b, c].map((x) => s.rows.get(x.id)?.seq)).toEqual([seqA, seqB, seqC]);
    // closed keeps it while lingering; a reopen is a new life
    s.applyBatch(diff(4000, [{ type: 'closed', connection: b }]));
    expect(s.rows.get(b.id)).toMatchObject({ status: 'closed', seq: seqB });
    s.applyBatch(diff(5000, [{ type: 'opened', connection: b }]));
    expect(s.rows.get(b.id)?.seq).toBeGreaterThan(seqC);
    const all = [...s.rows.values()].map((r) => r.seq);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('holdExpiry (a frozen view)', () => {
  it('keeps highlights and lingering closed rows while held; on release what expired meanwhile goes at once', () => {
    vi.useFakeTimers();
    try {
      let t = 0;
      const s = new ConnectionStore({ now: () => t, highlightMs: 100, lingerMs: 200 });
      const a = conn({ localPort: 1 });
      const b = conn({ localPort: 2 });
      s.applyBatch(full(0, [a, b]));
      s.applyBatch(diff(1, [{ type: 'closed', connection: a }, { type: 'changed', connection: { ...b, state: 'CLOSE-WAIT' } }]));
      s.holdExpiry(true);
      t = 1000;
      vi.advanceTimersByTime(1000);
      s.sweep();
      expect(s.rows.get(a.id)?.status).toBe('closed');
      expect(s.rows.get(b.id)?.status).toBe('changed');
      s.holdExpiry(false);
      expect(s.rows.has(a.id)).toBe(false);
      expect(s.rows.get(b.id)?.status).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });
});
