import { describe, expect, it } from 'vitest';
import { copyTable, tableFromSpecs } from './build';
import { createDiffer, diffTables, freshSlots, sameKey, sharedKeyOrder } from './diff';
import { naiveDiff, naiveIdentity, normalizeDiff } from './diff-reference';
import { materializeTable } from './materialize';
import { concatTables, createRowTable, KEY_WORDS, ROW_WORDS, W, type RowTable } from './rows';
import { prng, randomRow, randomTable, sortTable } from './random';

/**
 * next = prev with some rows dropped, some changed (state, owner), some new, some new sockets on an
 * existing endpoint (another owner, or the same one), and optionally shuffled.
 */
function evolve(prev: RowTable, rnd: () => number, keySpace: number): RowTable {
  const next = createRowTable(prev.count * 2 + 50);
  let n = 0;
  for (let i = 0; i < prev.count; i++) {
    const r = rnd();
    if (r < 0.05) continue; // closed
    next.words.set(prev.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS), n * ROW_WORDS);
    if (r < 0.1) next.words[n * ROW_WORDS + W.STATE] = 1 + Math.floor(rnd() * 12);
    else if (r < 0.13) next.words[n * ROW_WORDS + W.PID] = Math.floor(rnd() * 50);
    n++;
    if (r > 0.96) {
      // Another socket on this endpoint: SO_REUSEPORT, a shared UDP port, an inherited listener.
      next.words.copyWithin(n * ROW_WORDS, (n - 1) * ROW_WORDS, n * ROW_WORDS);
      if (rnd() < 0.7) next.words[n * ROW_WORDS + W.PID] = Math.floor(rnd() * 50);
      n++;
    }
  }
  const added = Math.floor(rnd() * 50);
  for (let i = 0; i < added; i++) randomRow(next, n++, rnd, keySpace);
  next.count = n;
  return next;
}

function shuffle(t: RowTable, rnd: () => number): void {
  const tmp = new Uint32Array(ROW_WORDS);
  for (let i = t.count - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    tmp.set(t.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS));
    t.words.copyWithin(i * ROW_WORDS, j * ROW_WORDS, (j + 1) * ROW_WORDS);
    t.words.set(tmp, j * ROW_WORDS);
  }
}

describe('diffTables', () => {
  it('reports opened, closed and changed rows by key', () => {
    const prev = tableFromSpecs([
      { local: '127.0.0.1', localPort: 80, remote: '127.0.0.1', remotePort: 5000, pid: 10 },
      { local: '127.0.0.1', localPort: 80, remote: '127.0.0.1', remotePort: 5001, pid: 10 },
      { local: '::1', localPort: 443, remote: '::1', remotePort: 6000, pid: 11 },
    ]);
    const next = tableFromSpecs([
      { local: '127.0.0.1', localPort: 80, remote: '127.0.0.1', remotePort: 5001, state: 'TIME-WAIT', pid: 0 },
      { local: '::1', localPort: 443, remote: '::1', remotePort: 6000, pid: 11 },
      { local: '127.0.0.1', localPort: 81, remote: '127.0.0.1', remotePort: 5002, pid: 12 },
    ]);
    expect(diffTables(prev, next)).toEqual({ opened: [2], closed: [0], changed: [{ prev: 1, next: 0 }] });
  });

  it('treats a different scope id or protocol as a different connection', () => {
    const prev = tableFromSpecs([{ local: 'fe80::1', localPort: 1, localScopeId: 2, remote: 'fe80::2', remotePort: 2 }]);
    const next = tableFromSpecs([
      { local: 'fe80::1', localPort: 1, localScopeId: 3, remote: 'fe80::2', remotePort: 2 },
      { protocol: 'udp', local: '0.0.0.0', localPort: 53 },
    ]);
    const d = diffTables(prev, next);
    expect(d.opened).toEqual([0, 1]);
    expect(d.closed).toEqual([0]);
  });

  it('yields nothing for identical tables, sorted or not', () => {
    const rnd = prng(1);
    const a = randomTable(2000, rnd);
    const b = createRowTable(a.count);
    b.words.set(a.words);
    b.count = a.count;
    shuffle(b, rnd);
    expect(diffTables(a, b)).toEqual({ opened: [], closed: [], changed: [] });
    sortTable(a);
    sortTable(b);
    expect(diffTables(a, b)).toEqual({ opened: [], closed: [], changed: [] });
  });

  it('keeps one row per socket: SO_REUSEPORT workers each keep their row, and only an exiting owner\'s row closes', () => {
    const udpA = { protocol: 'udp', local: '127.0.0.1', localPort: 5000, pid: 100 } as const;
    const udpB = { ...udpA, pid: 200 };
    const tcpA = { local: '127.0.0.1', localPort: 6000, state: 'LISTEN', pid: 100 } as const;
    const tcpB = { ...tcpA, pid: 200 };
    const both = tableFromSpecs([udpA, tcpA, udpB, tcpB]);
    const onlyB = tableFromSpecs([tcpB, udpB]);
    expect(materializeTable(both).map((c) => c.pid)).toEqual([100, 100, 200, 200]);
    const prevOf = new Int32Array(2);
    const slots = { prev: freshSlots(both), next: new Uint32Array(2) };
    // B's sockets are the second of their endpoints (slot 1) and keep that slot after A leaves.
    expect(Array.from(slots.prev)).toEqual([0, 0, 1, 1]);
    expect(diffTables(both, onlyB, prevOf, slots)).toEqual({ opened: [], closed: [0, 1], changed: [] });
    expect(Array.from(prevOf)).toEqual([3, 2]);
    expect(Array.from(slots.next)).toEqual([1, 1]);
    // A third worker arrives: it takes the free slot 0, so ids stay unique.
    const again = tableFromSpecs([tcpB, udpB, { ...udpA, pid: 300 }]);
    const slots2 = { prev: slots.next, next: new Uint32Array(3) };
    expect(diffTables(onlyB, again, undefined, slots2)).toEqual({ opened: [2], closed: [], changed: [] });
    expect(Array.from(slots2.next)).toEqual([1, 1, 0]);
  });

  it('Windows TIME-WAIT → PID 0 is a change of the same connection, also beside another socket on the endpoint', () => {
    const estab = { local: '10.0.0.1', localPort: 445, remote: '10.0.0.2', remotePort: 50000, pid: 4 } as const;
    const tw = { ...estab, state: 'TIME-WAIT', pid: 0 } as const;
    expect(diffTables(tableFromSpecs([estab]), tableFromSpecs([tw]))).toEqual({ opened: [], closed: [], changed: [{ prev: 0, next: 0 }] });
    const udp = { protocol: 'udp', local: '0.0.0.0', localPort: 5353 } as const;
    const prev = tableFromSpecs([{ ...udp, pid: 1111 }, { ...udp, pid: 2222 }]);
    const next = tableFromSpecs([{ ...udp, pid: 2222 }, { ...udp, pid: 0 }]);
    // 2222 keeps its row; 1111's socket now listed under PID 0 is the one that changed.
    expect(diffTables(prev, next)).toEqual({ opened: [], closed: [], changed: [{ prev: 0, next: 1 }] });
  });

  it('an owner change (inherited listener) is one changed event, not a close and an open', () => {
    const child = { local: '127.0.0.1', localPort: 7000, state: 'LISTEN', pid: 500 } as const;
    const parent = { ...child, pid: 400 };
    expect(diffTables(tableFromSpecs([child]), tableFromSpecs([parent]))).toEqual({ opened: [], closed: [], changed: [{ prev: 0, next: 0 }] });
  });

  it('a duplicate row that moves is no event; one that appears or vanishes is a socket opening or closing', () => {
    const row = { local: '10.0.0.1', localPort: 445, remote: '10.0.0.2', remotePort: 50000, pid: 4 } as const;
    const other = { local: '10.0.0.1', localPort: 446, remote: '10.0.0.2', remotePort: 50001, pid: 4 } as const;
    const once = tableFromSpecs([row, other]);
    const twice = tableFromSpecs([row, other, row]);
    const twiceMoved = tableFromSpecs([row, row, other]);
    expect(diffTables(once, twice)).toEqual({ opened: [2], closed: [], changed: [] });
    expect(diffTables(twice, twiceMoved)).toEqual({ opened: [], closed: [], changed: [] });
    expect(diffTables(twiceMoved, once)).toEqual({ opened: [], closed: [1], changed: [] });
    const a = tableFromSpecs([row, { ...row, state: 'TIME-WAIT', pid: 0 }]);
    const b = tableFromSpecs([{ ...row, state: 'TIME-WAIT', pid: 0 }, row]);
    expect(diffTables(a, b)).toEqual({ opened: [], closed: [], changed: [] });
    expect(materializeTable(a).map((c) => c.state)).toEqual(['ESTABLISHED', 'TIME-WAIT']);
  });

  // stable: next keeps prev's (unsorted) order, as OS tables mostly do between polls.
  for (const mode of ['unsorted', 'sorted', 'mixed', 'stable'] as const) {
    it(`agrees with a string-key reference on random ${mode} tables`, () => {
      for (let seed = 1; seed <= 60; seed++) {
        const rnd = prng(seed * 7919);
        // Small key spaces force duplicate keys inside one table.
        const keySpace = seed % 3 === 0 ? 64 : 1 << 30;
        const prev = randomTable(Math.floor(rnd() * 600), rnd, keySpace);
        const next = evolve(prev, rnd, keySpace);
        if (mode === 'unsorted') shuffle(next, rnd);
        if (mode === 'sorted' || mode === 'mixed') sortTable(prev);
        if (mode === 'sorted') sortTable(next);
        const got = normalizeDiff(diffTables(prev, next));
        const want = normalizeDiff(naiveDiff(prev, next));
        expect(got, `seed ${seed}`).toEqual(want);
      }
    });
  }

  it('fills prevOf with the paired prev row of each next row, or -1, and carries slots like the reference', () => {
    for (const mode of ['unsorted', 'sorted'] as const) {
      for (let seed = 1; seed <= 30; seed++) {
        const rnd = prng(seed * 104729);
        const keySpace = seed % 2 === 0 ? 64 : 1 << 30;
        const prev = randomTable(Math.floor(rnd() * 400), rnd, keySpace);
        const next = evolve(prev, rnd, keySpace);
        if (mode === 'unsorted') shuffle(next, rnd);
        else {
          sortTable(prev);
          sortTable(next);
        }
        const prevOf = new Int32Array(next.count).fill(-7);
        const prevSlots = freshSlots(prev);
        const slots = { prev: prevSlots, next: new Uint32Array(next.count).fill(99) };
        diffTables(prev, next, prevOf, slots);
        const want = naiveIdentity(prev, next, prevSlots);
        expect(Array.from(prevOf), `${mode} seed ${seed}`).toEqual(want.prevOf);
        expect(Array.from(slots.next), `${mode} seed ${seed}`).toEqual(want.slots);
      }
    }
  });

  // Windows with Order=TRUE sorts each table by local address, (scope,) port, remote address,
  // (scope,) port; the source concatenates TCPv4, TCPv6, UDPv4, UDPv6.
  for (const variant of [
    { name: 'scope before port', scopeFirst: true, swapPorts: false },
    { name: 'ports as network-order bytes', scopeFirst: false, swapPorts: true },
    { name: 'scope first, ports as bytes', scopeFirst: true, swapPorts: true },
  ]) {
    it(`takes the merge path for Windows-sorted tables (${variant.name}) and agrees with the reference`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const rnd = prng(seed * 31337);
        const keySpace = seed % 4 === 0 ? 64 : 1 << 30;
        const prev = randomTable(50 + Math.floor(rnd() * 500), rnd, keySpace);
        scatterScopesAndPorts(prev, rnd);
        const next = evolve(prev, rnd, keySpace);
        scatterScopesAndPorts(next, rnd, prev.count);
        const a = windowsSorted(prev, variant.scopeFirst, variant.swapPorts);
        const b = windowsSorted(next, variant.scopeFirst, variant.swapPorts);
        expect(sharedKeyOrder(a, b), `seed ${seed}`).toBeGreaterThanOrEqual(0);
        expect(normalizeDiff(diffTables(a, b)), `seed ${seed}`).toEqual(normalizeDiff(naiveDiff(a, b)));
        shuffle(b, rnd);
        expect(sharedKeyOrder(a, b)).toBe(-1);
        expect(normalizeDiff(diffTables(a, b)), `seed ${seed} shuffled`).toEqual(normalizeDiff(naiveDiff(a, b)));
      }
    });
  }

  it('takes the merge path for tables sorted in word order and not for unsorted ones', () => {
    const rnd = prng(5);
    const a = randomTable(300, rnd);
    const b = evolve(a, rnd, 1 << 30);
    expect(sharedKeyOrder(a, b)).toBe(-1);
    sortTable(a);
    sortTable(b);
    expect(sharedKeyOrder(a, b)).toBe(0);
  });

  it('a differ fed a chain of snapshots (two swapped buffers, as the engine does) agrees with the reference at every step', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rnd = prng(seed * 65537);
      const keySpace = seed % 3 === 0 ? 96 : seed % 3 === 1 ? 4096 : 1 << 30;
      const differ = createDiffer();
      let current = randomTable(100 + Math.floor(rnd() * 400), rnd, keySpace);
      let slots = freshSlots(current);
      let spare = createRowTable(1);
      for (let step = 0; step < 40; step++) {
        const content = evolve(current, rnd, keySpace);
        const r = rnd();
        if (r < 0.15) shuffle(content, rnd);
        else if (r < 0.2) sortTable(content); // merge path only when prev is sorted too
        const next = copyTable(content, spare);
        const prevOf = new Int32Array(next.count);
        const nextSlots = new Uint32Array(next.count);
        const got = differ.diff(current, next, prevOf, { prev: slots, next: nextSlots });
        const want = naiveIdentity(current, next, slots);
        expect(normalizeDiff(got), `seed ${seed} step ${step}`).toEqual(want.diff);
        expect(Array.from(prevOf), `seed ${seed} step ${step}`).toEqual(want.prevOf);
        expect(Array.from(nextSlots), `seed ${seed} step ${step}`).toEqual(want.slots);
        expect(uniqueIds(next, nextSlots), `seed ${seed} step ${step}`).toBe(true);
        spare = current;
        current = next;
        slots = nextSlots;
      }
    }
  });

  it('a differ rebuilds when prev is not the table it saw last', () => {
    const rnd = prng(77);
    const differ = createDiffer();
    const a = randomTable(500, rnd);
    const b = evolve(a, rnd, 1 << 30);
    const c = evolve(b, rnd, 1 << 30);
    expect(normalizeDiff(differ.diff(a, b))).toEqual(normalizeDiff(naiveDiff(a, b)));
    // Not a chain: a again, then c against a.
    expect(normalizeDiff(differ.diff(a, c))).toEqual(normalizeDiff(naiveDiff(a, c)));
    // Same object, rewritten (count differs): must not trust the index.
    const cCount = c.count;
    const d = copyTable(evolve(c, rnd, 1 << 30), c);
    expect(d.count).not.toBe(cCount);
    expect(normalizeDiff(differ.diff(c, b))).toEqual(normalizeDiff(naiveDiff(d, b)));
  });

  it('sameKey compares every key word and nothing else', () => {
    const t = randomTable(2, prng(11));
    t.words.copyWithin(ROW_WORDS, 0, ROW_WORDS);
    expect(sameKey(t.words, 0, t.words, 1)).toBe(true);
    t.words[ROW_WORDS + W.STATE] ^= 1;
    t.words[ROW_WORDS + W.PID] ^= 1;
    expect(sameKey(t.words, 0, t.words, 1)).toBe(true);
    for (let k = 0; k < KEY_WORDS; k++) {
      t.words[ROW_WORDS + k] ^= 0x80000000;
      expect(sameKey(t.words, 0, t.words, 1), `word ${k}`).toBe(false);
      t.words[ROW_WORDS + k] ^= 0x80000000;
    }
  });

  it('handles empty tables', () => {
    const empty = createRowTable(0);
    const t = randomTable(5, prng(3));
    expect(diffTables(empty, t).opened).toEqual([0, 1, 2, 3, 4]);
    expect(diffTables(t, empty).closed).toEqual([0, 1, 2, 3, 4]);
    expect(diffTables(empty, empty)).toEqual({ opened: [], closed: [], changed: [] });
  });
});

function keyOf(t: RowTable, i: number): string {
  return Array.from(t.words.subarray(i * ROW_WORDS, i * ROW_WORDS + KEY_WORDS)).join(',');
}

/** Whether every row of `t` has its own (key, slot). */
function uniqueIds(t: RowTable, slots: Uint32Array): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < t.count; i++) seen.add(`${keyOf(t, i)}#${slots[i]}`);
  return seen.size === t.count;
}

/** Gives rows from `from` on varied scope ids and ports whose two bytes sort differently. */
function scatterScopesAndPorts(t: RowTable, rnd: () => number, from = 0): void {
  for (let i = from; i < t.count; i++) {
    const o = i * ROW_WORDS;
    if (t.words[o + W.FAMILY] === 6 && rnd() < 0.5) t.words[o + W.LSCOPE] = 1 + Math.floor(rnd() * 4);
    if (rnd() < 0.5) t.words[o + W.LPORT] = Math.floor(rnd() * 65536);
  }
}

/** The table as Windows hands it over with Order=TRUE: each (protocol, family) table sorted, then concatenated. */
function windowsSorted(t: RowTable, scopeFirst: boolean, swapPorts: boolean): RowTable {
  const port = (x: number) => (swapPorts ? ((x & 0xff) << 8) | (x >>> 8) : x);
  const L = [W.LADDR, W.LADDR + 1, W.LADDR + 2, W.LADDR + 3];
  const R = [W.RADDR, W.RADDR + 1, W.RADDR + 2, W.RADDR + 3];
  const fields = scopeFirst ? [...L, W.LSCOPE, W.LPORT, ...R, W.RSCOPE, W.RPORT] : [...L, W.LPORT, W.LSCOPE, ...R, W.RPORT, W.RSCOPE];
  const rows: Uint32Array[] = [];
  for (let i = 0; i < t.count; i++) rows.push(t.words.slice(i * ROW_WORDS, (i + 1) * ROW_WORDS));
  const parts: RowTable[] = [];
  for (const [proto, family] of [[6, 4], [6, 6], [17, 4], [17, 6]]) {
    const part = rows.filter((r) => r[W.PROTO] === proto && r[W.FAMILY] === family);
    part.sort((a, b) => {
      for (const f of fields) {
        const x = f === W.LPORT || f === W.RPORT ? port(a[f]) : a[f];
        const y = f === W.LPORT || f === W.RPORT ? port(b[f]) : b[f];
        if (x !== y) return x - y;
      }
      return 0;
    });
    const pt = createRowTable(part.length);
    part.forEach((r, i) => pt.words.set(r, i * ROW_WORDS));
    pt.count = part.length;
    parts.push(pt);
  }
  return concatTables(parts);
}
