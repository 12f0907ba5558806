// The run's history (main/engine/history.ts): what one poll of 1,000 events costs the engine worker
// (stamping, encoding, the record for the host's mirror), carrying the record across the thread
// (structured clone, as postMessage does), and the host's mirror; and the memory a full ring keeps.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ConnectionEvent } from '../shared/connection';
import type { EventBatch } from '../shared/ipc';
import { createHistory, createHistoryMirror, DEFAULT_HISTORY_CAPACITY, type HistoryRecord } from '../main/engine/history';
import { ms, table, time } from './decode-diff';
import { synthConnections } from './renderer-store';

/** The bound history.ts states for a full ring at its default size: about 100 MB (~550 B an event). */
const RING_BUDGET_MB = 110;
/** What the mirror adds to a poll of 1,000 events, each step: within the poll's "few ms of JS" (design.md). */
const POLL_BUDGET_MS = 5;

const STATUS = { paused: false, intervalMs: 1000, source: 'bench', lastPollAt: 0, lastPollMs: 1, lastError: null };

/** Batches of `size` events over `conns`: state changes, closes and reopens, as a busy server's. */
function batches(size: number, count: number): EventBatch[] {
  const conns = synthConnections(50_000);
  const out: EventBatch[] = [];
  for (let b = 0; b < count; b++) {
    const t = 1_700_000_000_000 + (b + 1) * 1000;
    const events: ConnectionEvent[] = [];
    for (let i = 0; i < size; i++) {
      const c = conns[(b * size + i) % conns.length];
      const k = i % 4;
      events.push(k < 2 ? { type: 'changed', time: t, connection: { ...c, state: 'CLOSE-WAIT' }, previousState: 'ESTABLISHED', previousPid: c.pid } : { type: k === 2 ? 'closed' : 'opened', time: t, connection: c });
    }
    out.push({ seq: b + 2, time: t, full: false, events, status: STATUS });
  }
  return out;
}

function perPoll(): string[][] {
  const polls = batches(1000, 64);
  const first: EventBatch = { seq: 1, time: 1_700_000_000_000, full: true, connections: synthConnections(50_000), events: [], status: STATUS };
  let record: HistoryRecord | undefined;
  const worker = createHistory({ keepEvents: false, onRecord: (r) => (record = r) });
  const mirror = createHistoryMirror();
  worker.apply(first);
  mirror.apply(record!);
  let k = 0;
  const stamp = time(() => worker.apply(polls[k++ % polls.length]), 200);
  const recs: HistoryRecord[] = [];
  for (const p of polls) {
    worker.apply(p);
    recs.push(record!);
  }
  k = 0;
  const clone = time(() => v8.deserialize(v8.serialize(recs[k++ % recs.length])), 200);
  k = 0;
  const keep = time(() => mirror.apply(recs[k++ % recs.length]), 200);
  const row = (what: string, t: { median: number; p95: number }, budget = `≤ ${ms(POLL_BUDGET_MS)}`) => [what, `${ms(t.median)} / ${ms(t.p95)}`, budget];
  return [
    // Stamping and encoding each event for the ring was the worker's before the mirror too.
    row('worker: stamp + encode each event + record (history.apply)', stamp, '(as before)'),
    row('across the thread: structured clone of the record', clone),
    row("host: the mirror's apply (ring + first-seen times)", keep),
  ];
}

function memory(): string[] {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const polls = batches(1000, 32);
  let record: HistoryRecord | undefined;
  const worker = createHistory({ keepEvents: false, capacity: 1, onRecord: (r) => (record = r) });
  const recs = polls.map((p) => (worker.apply(p), record!));
  gc();
  const before = process.memoryUsage().heapUsed;
  const mirror = createHistoryMirror();
  // Fill the ring to its size with fresh flat strings, as cloned records' texts are (a slice would share its parent).
  for (let n = 0; mirror.eventCount < DEFAULT_HISTORY_CAPACITY; n++) {
    const r = recs[n % recs.length];
    mirror.apply({ ...r, events: r.events.map((e) => ({ ...e, text: Buffer.from(e.text).toString() })) });
  }
  gc();
  const mb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  return [`ring of ${DEFAULT_HISTORY_CAPACITY.toLocaleString('en-US')} events (+ the rows' times)`, `${mb.toFixed(1)} MB`, `≤ ${RING_BUDGET_MB} MB`];
}

/** The table `npm run bench` prints. */
export function benchHistory(): string {
  return table(['run history, 1,000 events a poll (50,000 rows)', 'ms (median / p95)', 'budget'], [...perPoll(), memory()]);
}
