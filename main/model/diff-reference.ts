// The obvious diff, for tests: string keys in Maps. It defines what createDiffer / diffTables must
// return (the unit tests compare them on random tables, the Wine tests on real Windows reads), so
// it is kept deliberately simple and slow; nothing in the app uses it.
import type { RowDiff } from './diff';
import { KEY_WORDS, ROW_WORDS, W, type RowTable } from './rows';

/**
 * Opened / closed / changed between two tables by string key of the first KEY_WORDS words; where a
 * key repeats, the representative is the row with the smallest (state, pid, index). Result indices
 * are sorted ascending (`changed` by `next`).
 */
export function naiveDiff(prev: RowTable, next: RowTable): RowDiff {
  const index = (t: RowTable) => {
    const m = new Map<string, number>();
    for (let i = 0; i < t.count; i++) {
      const row = t.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS);
      const key = Array.from(row.subarray(0, KEY_WORDS)).join(',');
      const have = m.get(key);
      if (have === undefined) {
        m.set(key, i);
        continue;
      }
      const h = t.words.subarray(have * ROW_WORDS, (have + 1) * ROW_WORDS);
      if (row[W.STATE] < h[W.STATE] || (row[W.STATE] === h[W.STATE] && row[W.PID] < h[W.PID])) m.set(key, i);
    }
    return m;
  };
  const pm = index(prev);
  const nm = index(next);
  const out: RowDiff = { opened: [], closed: [], changed: [] };
  for (const [k, n] of nm) {
    const p = pm.get(k);
    if (p === undefined) out.opened.push(n);
    else if (
      prev.words[p * ROW_WORDS + W.STATE] !== next.words[n * ROW_WORDS + W.STATE] ||
      prev.words[p * ROW_WORDS + W.PID] !== next.words[n * ROW_WORDS + W.PID]
    )
      out.changed.push({ prev: p, next: n });
  }
  for (const [k, p] of pm) if (!nm.has(k)) out.closed.push(p);
  out.opened.sort((a, b) => a - b);
  out.closed.sort((a, b) => a - b);
  out.changed.sort((a, b) => a.next - b.next);
  return out;
}

/** A RowDiff with its lists sorted, so two diffs compare with toEqual whatever order they listed rows in. */
export const normalizeDiff = (d: RowDiff): RowDiff => ({
  opened: [...d.opened].sort((a, b) => a - b),
  closed: [...d.closed].sort((a, b) => a - b),
  changed: [...d.changed].sort((a, b) => a.next - b.next),
});
