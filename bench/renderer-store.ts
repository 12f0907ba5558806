// The renderer's side of a poll at 50k rows, in Node (pure store and view modules, no DOM): a full
// snapshot into the store, a 200-event batch through store + sorted view, filtering with typical
// expressions, and full sorts by single columns.
import { connectionKey, TRAFFIC_FIELDS, type Connection, type ConnectionEvent, type TcpState } from '../shared/connection';
import { decodeBatch, encodeBatch, type EngineStatus, type EventBatch } from '../shared/ipc';
import { counterColumns } from '../shared/testing/counters';
import { parseFilter } from '../shared/filter';
import { prng } from '../main/model/random';
import { ConnectionStore } from '../renderer/store/store';
import { SortedView } from '../renderer/store/view';
import { rowComparator, type ColumnKey } from '../renderer/store/columns';
import { DEFAULT_TOGGLES } from '../renderer/store/toggles';
import { connectionPredicate } from '../renderer/filtering';
import type { Row } from '../renderer/store/rows';
import { ms, table, time, type Timing } from './decode-diff';

const STATUS: EngineStatus = { paused: false, intervalMs: 1000, source: 'bench', lastPollAt: 0, lastPollMs: 1, lastError: null };
const T0 = 1_700_000_000_000;
const PROCS = ['svchost.exe', 'chrome.exe', 'System', 'nginx', 'node', 'sqlservr.exe', 'lsass.exe', 'Teams.exe', 'java', 'sshd'];

/**
 * `n` distinct connections shaped like a busy server: few processes and PIDs, mostly ESTABLISHED,
 * so sorts by PID, state or process are dominated by ties, as they are on real machines.
 */
export function synthConnections(n: number, seed = 1): Connection[] {
  const rnd = prng(seed);
  const out: Connection[] = [];
  const seen = new Set<string>();
  while (out.length < n) {
    const udp = rnd() < 0.05;
    const v6 = rnd() < 0.1;
    const p = Math.floor(rnd() * 300);
    const x = rnd();
    const state: TcpState | null = udp ? null : x < 0.8 ? 'ESTABLISHED' : x < 0.9 ? 'TIME-WAIT' : x < 0.95 ? 'LISTEN' : 'CLOSE-WAIT';
    const r = Math.floor(rnd() * 0xffffff);
    const base: Omit<Connection, 'id'> = {
      protocol: udp ? 'udp' : 'tcp',
      family: v6 ? 6 : 4,
      localAddress: v6 ? '2001:db8::5' : '10.0.0.5',
      localPort: rnd() < 0.5 ? 443 : 1024 + Math.floor(rnd() * 64000),
      remoteAddress: udp ? null : v6 ? `2001:db8:1::${(r & 0xffff).toString(16)}` : `10.${(r >> 16) & 255}.${(r >> 8) & 255}.${r & 255}`,
      remotePort: udp ? null : 1024 + Math.floor(rnd() * 64000),
      state,
      pid: 100 + p,
      process: PROCS[p % PROCS.length],
      createdAt: rnd() < 0.5 ? T0 - Math.floor(rnd() * 600) * 1000 : null,
      // Every traffic field, unknown, as the engine sends rows when its source has counters: writing
      // the counters section into rows without them would add properties, which turned a quarter
      // of these objects into slow (dictionary) ones and every later filter and sort line 2-3x slower
      // than the app, whose rows always carry them.
      ...Object.fromEntries(TRAFFIC_FIELDS.map((f) => [f, null])),
    };
    const c: Connection = { id: connectionKey(base), ...base };
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    out.push(c);
  }
  return out;
}

const fullBatch = (conns: Connection[], seq: number): EventBatch => ({ seq, time: T0, full: true, connections: conns, events: [], status: STATUS });

/**
 * Batches of `size` events that keep the table steady: half state changes, a quarter closes and a
 * quarter re-opens of the rows the previous batch closed (first and last seen spread over time
 * like a live table).
 */
export function steadyBatches(conns: Connection[], count: number, seed = 2, size = 200): EventBatch[] {
  const rnd = prng(seed);
  const pick = () => conns[Math.floor(rnd() * conns.length)];
  const batches: EventBatch[] = [];
  let closedBefore: Connection[] = [];
  for (let b = 0; b < count; b++) {
    const t = T0 + (b + 1) * 1000;
    const events: ConnectionEvent[] = [];
    for (let i = 0; i < size / 2; i++) {
      const c = pick();
      events.push({ type: 'changed', time: t, connection: { ...c, state: c.protocol === 'udp' ? null : b % 2 ? 'ESTABLISHED' : 'CLOSE-WAIT' } });
    }
    const closing: Connection[] = [];
    for (let i = 0; i < size / 4; i++) closing.push(pick());
    for (const c of closing) events.push({ type: 'closed', time: t, connection: c });
    for (const c of closedBefore) events.push({ type: 'opened', time: t, connection: c });
    closedBefore = closing;
    batches.push({ seq: b + 2, time: t, full: false, events, status: STATUS });
  }
  return batches;
}

const cell = (t: Timing) => `${ms(t.median)} / ${ms(t.p95)}`;

export interface RendererBenchOptions {
  rows?: number;
  sortKeys?: readonly ColumnKey[];
  filters?: readonly string[];
}

export const DEFAULT_SORT_KEYS: readonly ColumnKey[] = ['process', 'pid', 'state', 'lastChange', 'localPort', 'remoteAddress'];
export const DEFAULT_FILTERS: readonly string[] = ['proc:svchost', 'port:443', 'state:estab -raddr:10.0.0.0/8', 'chrome'];

export function benchRendererStore(opts: RendererBenchOptions = {}): string {
  const n = opts.rows ?? 50_000;
  const conns = synthConnections(n);
  const N = n.toLocaleString('en-US');
  const out: string[][] = [];
  // Closed rows linger on a frozen clock: the store's sweep timer never fires mid-measurement.
  const now = () => T0;

  let seq = 1;
  out.push([`full snapshot → store (${N} rows)`, cell(time(() => new ConnectionStore({ now }).applyBatch(fullBatch(conns, seq++)), 30, 5))]);

  // A live table whose rows were first seen at different times (so time sorts are not all ties).
  const store = new ConnectionStore({ now });
  store.applyBatch(fullBatch(conns, seq++));
  const warm = steadyBatches(conns, 40, 9);
  for (const b of warm) store.applyBatch(b);

  const byProcess = rowComparator({ key: 'process', dir: 'asc' });
  const view = new SortedView(() => true, byProcess);
  view.rebuild(store.rows.values());
  const unsub = store.subscribe((ch) => view.apply(ch, store.rows));
  const batches = steadyBatches(conns, 200, 3);
  let bi = 0;
  out.push([`200-event batch → store + view by process (${N} rows)`, cell(time(() => store.applyBatch(batches[bi++ % batches.length]), 150, 20))]);
  // A poll of the frame bench's stream (1,000 events/s at a 1 s poll).
  const big = steadyBatches(conns, 60, 4, 1000);
  bi = 0;
  out.push([`1,000-event batch → store + view by process (${N} rows)`, cell(time(() => store.applyBatch(big[bi++ % big.length]), 40, 5))]);
  unsub();

  // A poll's counter updates as the frame bench streams them (~9,400 moved rows a second), into
  // the store and a view sorted by send rate: the store writes them in place (see applyCounters).
  const bySendRate = new SortedView(() => true, rowComparator({ key: 'sendRate', dir: 'desc' }));
  bySendRate.rebuild(store.rows.values());
  const unsubRate = store.subscribe((ch) => bySendRate.apply(ch, store.rows));
  const moved = Math.round(n * 0.188);
  const ids = [...store.rows.keys()];
  const counterBatches = Array.from({ length: 4 }, (_, b) => {
    const batch: EventBatch = { seq: 0, time: T0, full: false, events: [], status: STATUS };
    batch.counters = counterColumns(Array.from({ length: moved }, (_, j) => [ids[(j * 5 + b * 17) % ids.length], b * 1e6 + j, j, b, b, (j * 7919 + b) % 100_000, j, 1, 0.5, 0, null]));
    return batch;
  });
  out.push([`${moved.toLocaleString('en-US')} counter updates → store + view by send rate (${N} rows)`, cell(time(() => store.applyBatch({ ...counterBatches[bi % 4], seq: seq++ }), 60, 10))]);
  bi++;
  // The same as the window gets them: the batch's JSON parsed first (one flat array of numbers).
  const counterJson = counterBatches.map((b) => encodeBatch(b));
  out.push([`  same, from JSON: parse + store + view`, cell(time(() => store.applyBatch({ ...decodeBatch(counterJson[bi++ % 4]), seq: seq++ }), 60, 10))]);
  unsubRate();

  const rows: Row[] = [...store.rows.values()];
  for (const expr of opts.filters ?? DEFAULT_FILTERS) {
    const parsed = parseFilter(expr);
    if (!parsed.ok) throw new Error(`bench filter ${expr}: ${parsed.error.message}`);
    const pred = connectionPredicate(parsed.filter, DEFAULT_TOGGLES);
    let hits = 0;
    const t = time(() => {
      hits = 0;
      for (const r of rows) if (pred(r.c)) hits++;
    }, 40, 5);
    out.push([`filter "${expr}" (${hits.toLocaleString('en-US')} match)`, cell(t)]);
  }

  for (const key of opts.sortKeys ?? DEFAULT_SORT_KEYS) {
    const v = new SortedView(() => true, rowComparator({ key, dir: 'asc' }));
    out.push([`sort by ${key} (full rebuild)`, cell(time(() => v.rebuild(rows), 20, 3))]);
  }
  store.dispose();
  return table([`renderer store, ${N} rows`, 'ms (med/p95)'], out);
}
