// The run's timeline: one sample per poll of how many rows are in each state, how many opened and
// closed, and the total traffic rate. Pure of I/O and timers. The engine keeps one (fed by its
// batches) and serves it to every viewer; the app builds one from a recording's events the same way.
import type { Connection, ConnectionEvent } from './connection';
import { COUNTER_OFFSET, forEachBatchCounterRow, knownValue } from './counter-columns';
import type { EventBatch } from './ipc';

const SEND_RATE_AT = COUNTER_OFFSET.sendRate;
const RECEIVE_RATE_AT = COUNTER_OFFSET.receiveRate;

/** The stacked series, in drawing order: the TCP states admins watch, the rest of TCP, UDP endpoints. */
export const TIMELINE_SERIES = ['ESTABLISHED', 'LISTEN', 'TIME-WAIT', 'CLOSE-WAIT', 'other TCP', 'UDP'] as const;
export type TimelineSeries = (typeof TIMELINE_SERIES)[number];

/** One point of the timeline. A downsampled point covers several polls (their span-weighted mean). */
export interface TimelineSample {
  /** Epoch ms of the (last) poll the sample covers. */
  time: number;
  /** How much time the sample covers, ms (since the sample before it; 0 for the run's first). */
  spanMs: number;
  /** Rows per TIMELINE_SERIES entry (a mean over the span once downsampled). */
  counts: number[];
  /** Rows opened / closed within the span (per second = count * 1000 / spanMs). */
  opened: number;
  closed: number;
  /** Sum of the rows' send / receive rates, bytes/s; null when no row carries a rate. */
  sendRate: number | null;
  receiveRate: number | null;
}

/** Whether `v` has a TimelineSample's shape (it crossed a thread or process boundary). */
export function isTimelineSample(v: unknown): v is TimelineSample {
  const s = v as Partial<TimelineSample> | null;
  const rate = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));
  return (
    typeof s === 'object' &&
    s !== null &&
    Number.isFinite(s.time) &&
    Number.isFinite(s.spanMs) &&
    Array.isArray(s.counts) &&
    s.counts.length === TIMELINE_SERIES.length &&
    s.counts.every((n) => Number.isFinite(n)) &&
    Number.isFinite(s.opened) &&
    Number.isFinite(s.closed) &&
    rate(s.sendRate) &&
    rate(s.receiveRate)
  );
}

/** What getTimeline serves: the bounded series, oldest first. */
export interface TimelineData {
  /** Epoch ms of the first sample the run produced (the start of the run); null before it. */
  since: number | null;
  /** Samples younger than this (ms before the newest) are one per poll. */
  fineWindowMs: number;
  /** Older samples are merged into buckets of this size, ms. */
  coarseStepMs: number;
  /** Samples dropped off the old end (older than the coarse tier holds). */
  dropped: number;
  samples: TimelineSample[];
}

export interface TimelineOptions {
  /** One sample per poll for this long, ms (default 1 hour). */
  fineWindowMs?: number;
  /** At most this many per-poll samples (default 36,000: one hour at the fastest interval, 100 ms). */
  maxFine?: number;
  /** Bucket size beyond the fine window, ms (default 1 minute). */
  coarseStepMs?: number;
  /** At most this many buckets (default 10,080: one week of minutes). */
  maxCoarse?: number;
}

export const DEFAULT_TIMELINE_OPTIONS: Required<TimelineOptions> = {
  fineWindowMs: 3_600_000,
  maxFine: 36_000,
  coarseStepMs: 60_000,
  maxCoarse: 10_080,
};

/** Index into TIMELINE_SERIES for a row. */
export function seriesIndex(c: Pick<Connection, 'protocol' | 'state'>): number {
  if (c.protocol !== 'tcp') return 5;
  switch (c.state) {
    case 'ESTABLISHED':
      return 0;
    case 'LISTEN':
      return 1;
    case 'TIME-WAIT':
      return 2;
    case 'CLOSE-WAIT':
      return 3;
    default:
      return 4;
  }
}

/** Merges `b` (the later) into `a` by span-weighted mean; opened / closed add up. */
export function mergeSamples(a: TimelineSample, b: TimelineSample): TimelineSample {
  const wa = Math.max(a.spanMs, 1);
  const wb = Math.max(b.spanMs, 1);
  const mean = (x: number, y: number) => (x * wa + y * wb) / (wa + wb);
  const meanOrNull = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : mean(x, y));
  return {
    time: b.time,
    spanMs: a.spanMs + b.spanMs,
    counts: a.counts.map((v, i) => mean(v, b.counts[i] ?? 0)),
    opened: a.opened + b.opened,
    closed: a.closed + b.closed,
    sendRate: meanOrNull(a.sendRate, b.sendRate),
    receiveRate: meanOrNull(a.receiveRate, b.receiveRate),
  };
}

/**
 * The bounded two-tier series: per-poll samples for the fine window, then one bucket per
 * coarseStepMs up to maxCoarse buckets; beyond that the oldest are dropped. With the defaults at
 * 1 Hz that is at most 3,600 + 10,080 samples (~2 MB), whatever the run's length.
 */
export class TimelineStore {
  private readonly opts: Required<TimelineOptions>;
  private fine: TimelineSample[] = [];
  private coarse: TimelineSample[] = [];
  private droppedCount = 0;
  private first: number | null = null;

  constructor(opts: TimelineOptions = {}, initial?: TimelineData) {
    this.opts = { ...DEFAULT_TIMELINE_OPTIONS, ...opts };
    if (initial) {
      this.first = initial.since;
      this.droppedCount = initial.dropped;
      for (const s of initial.samples) this.push(s);
    }
  }

  /** Appends a sample; one not newer than the last is merged into it (clock steps, duplicates). */
  push(s: TimelineSample): void {
    if (this.first === null) this.first = s.time;
    const last = this.fine[this.fine.length - 1] ?? this.coarse[this.coarse.length - 1];
    if (last && s.time <= last.time) {
      if (this.fine.length > 0) this.fine[this.fine.length - 1] = mergeSamples(last, { ...s, time: last.time });
      else this.coarse[this.coarse.length - 1] = mergeSamples(last, { ...s, time: last.time });
      return;
    }
    this.fine.push(s);
    const { fineWindowMs, maxFine, coarseStepMs, maxCoarse } = this.opts;
    while (this.fine.length > maxFine || (this.fine.length > 1 && this.fine[0].time < s.time - fineWindowMs)) {
      const old = this.fine.shift() as TimelineSample;
      const tail = this.coarse[this.coarse.length - 1];
      if (tail && Math.floor(tail.time / coarseStepMs) === Math.floor(old.time / coarseStepMs)) this.coarse[this.coarse.length - 1] = mergeSamples(tail, old);
      else this.coarse.push(old);
    }
    if (this.coarse.length > maxCoarse) {
      const n = this.coarse.length - maxCoarse;
      this.coarse.splice(0, n);
      this.droppedCount += n;
    }
  }

  get size(): number {
    return this.fine.length + this.coarse.length;
  }

  /** The samples, oldest first (a new array; the samples are shared, do not change them). */
  samples(): TimelineSample[] {
    return this.coarse.concat(this.fine);
  }

  data(): TimelineData {
    const { fineWindowMs, coarseStepMs } = this.opts;
    return { since: this.first, fineWindowMs, coarseStepMs, dropped: this.droppedCount, samples: this.samples() };
  }
}

/**
 * The rates a table's rows show, summed as viewers see them (each rounded to whole bytes/s), as the
 * engine counts them over its whole table every poll (main/engine/rates.ts rateRows).
 */
export interface RateTotals {
  /** Rows with a known send or receive rate. */
  rated: number;
  /** Σ of the known send / receive rates, bytes/s. */
  send: number;
  receive: number;
}

interface RowMark {
  series: number;
  send: number | null;
  receive: number | null;
}

/**
 * Turns the engine's batches into timeline samples: it keeps each live row's series and rates
 * (O(events + counters) a poll; the rate sums move with the rows, no pass over the table) and the bounded store.
 */
export class TimelineTracker {
  /** The series of samples; null when another thread keeps it from the samples (see the constructor). */
  readonly store: TimelineStore | null;
  private readonly rows = new Map<string, RowMark>();
  private readonly counts = new Array<number>(TIMELINE_SERIES.length).fill(0);
  private lastTime: number | null = null;
  /** Rows with a send or receive rate, and the sums (kept as rows come and go: no pass over the table). */
  private rated = 0;
  private sendSum = 0;
  private receiveSum = 0;

  /**
   * `keepSeries`: keep the samples in a store (default). The engine worker does not: its host keeps
   * the run's series from the samples each batch carries, and a second copy would be work for nothing.
   */
  constructor(opts: TimelineOptions = {}, keepSeries = true) {
    this.store = keepSeries ? new TimelineStore(opts) : null;
  }

  private add(c: Connection): void {
    this.remove(c.id);
    const m: RowMark = { series: seriesIndex(c), send: c.sendRate ?? null, receive: c.receiveRate ?? null };
    this.rows.set(c.id, m);
    this.counts[m.series]++;
    this.rate(m, 1);
  }

  /**
   * Forgets the rates of rows `ids` (unknown ids are skipped): the rates an event carried were
   * measured over its poll's interval only, and a recording holds no counters between events.
   */
  forgetRates(ids: Iterable<string>): void {
    for (const id of ids) {
      const m = this.rows.get(id);
      if (!m) continue;
      this.rate(m, -1);
      m.send = m.receive = null;
    }
  }

  private rate(m: RowMark, sign: 1 | -1): void {
    if (m.send === null && m.receive === null) return;
    this.rated += sign;
    this.sendSum += sign * (m.send ?? 0);
    this.receiveSum += sign * (m.receive ?? 0);
  }

  private remove(id: string): void {
    const m = this.rows.get(id);
    if (!m) return;
    this.rows.delete(id);
    this.counts[m.series]--;
    this.rate(m, -1);
  }

  /**
   * Records one batch (in the engine's order) and returns its sample, or null for a failed poll
   * (`status.lastError` set and nothing in it), which says nothing about the table. `totals`: the
   * table's rate sums after this batch when the caller has them (the engine's worker), which spares
   * a lookup per row of the counters section; without them the sums follow the rows.
   */
  apply(
    batch: Pick<EventBatch, 'time' | 'full' | 'connections' | 'events' | 'counters'> & { status?: EventBatch['status'] },
    totals?: RateTotals | null,
  ): TimelineSample | null {
    if (batch.status?.lastError && !batch.full && batch.events.length === 0) return null;
    if (batch.full && batch.connections) {
      this.rows.clear();
      this.counts.fill(0);
      this.rated = this.sendSum = this.receiveSum = 0;
      for (const c of batch.connections) this.add(c);
    }
    let opened = 0;
    let closed = 0;
    for (const e of batch.events) {
      if (e.type === 'closed') {
        closed++;
        this.remove(e.connection.id);
      } else {
        if (e.type === 'opened') opened++;
        this.add(e.connection);
      }
    }
    if (totals) {
      this.rated = totals.rated;
      this.sendSum = totals.send;
      this.receiveSum = totals.receive;
    } else {
      forEachBatchCounterRow(batch, (id, values, at) => {
        const m = this.rows.get(id);
        if (!m) return;
        this.rate(m, -1);
        m.send = knownValue(values[at + SEND_RATE_AT]);
        m.receive = knownValue(values[at + RECEIVE_RATE_AT]);
        this.rate(m, 1);
      });
    }
    if (this.rated === 0) this.sendSum = this.receiveSum = 0; // no float residue once no row has a rate
    const sendRate = this.rated > 0 ? Math.max(0, this.sendSum) : null;
    const receiveRate = this.rated > 0 ? Math.max(0, this.receiveSum) : null;
    const sample: TimelineSample = {
      time: batch.time,
      spanMs: this.lastTime === null ? 0 : Math.max(0, batch.time - this.lastTime),
      counts: this.counts.slice(),
      opened,
      closed,
      sendRate,
      receiveRate,
    };
    this.lastTime = batch.time;
    this.store?.push(sample);
    return sample;
  }

  /** The series kept; throws when the tracker keeps none (see the constructor). */
  data(): TimelineData {
    if (!this.store) throw new Error('this timeline tracker keeps no series');
    return this.store.data();
  }
}

/**
 * The timeline of a recording: its events grouped by poll time, in order, fed to a tracker as
 * batches (a recording holds events only, so rows alive before it started are not counted, and a
 * rate an event carried counts in that poll's sample only).
 */
export function timelineFromEvents(events: readonly ConnectionEvent[], opts: TimelineOptions = {}): TimelineData {
  const t = new TimelineTracker(opts);
  const sorted = [...events].sort((a, b) => a.time - b.time);
  // Rows whose event carried a rate: that rate was the poll's (one interval), and the recording
  // holds no counters after it, so it counts in its own poll's sample only, not in every later one.
  let rated: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const time = sorted[i].time;
    let j = i;
    while (j < sorted.length && sorted[j].time === time) j++;
    const batch = sorted.slice(i, j);
    t.forgetRates(rated);
    t.apply({ time, full: false, events: batch });
    rated = [];
    for (const e of batch) if (e.type !== 'closed' && (e.connection.sendRate != null || e.connection.receiveRate != null)) rated.push(e.connection.id);
    i = j;
  }
  return t.data();
}
