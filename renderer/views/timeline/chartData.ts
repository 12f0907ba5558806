// Pure: the samples a timeline shows, shaped for uPlot (columns, seconds on x), and the readout at one moment.
import { TIMELINE_SERIES, type TimelineSample } from '../../../shared/timeline';

/** Zoom choices: the last N ms, or the whole run (null). */
export const TIMELINE_ZOOMS = [
  { label: '5 min', ms: 300_000 },
  { label: '1 hour', ms: 3_600_000 },
  { label: 'Whole run', ms: null },
] as const;

/** The samples within the last `windowMs` of the newest (all when null). */
export function visibleSamples(samples: readonly TimelineSample[], windowMs: number | null): readonly TimelineSample[] {
  if (windowMs === null || samples.length === 0) return samples;
  const from = samples[samples.length - 1].time - windowMs;
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].time < from) lo = mid + 1;
    else hi = mid;
  }
  return samples.slice(lo);
}

/** Per second over the sample's span (0 for the run's first sample, which has no span). */
export function perSecond(count: number, spanMs: number): number {
  return spanMs > 0 ? (count * 1000) / spanMs : 0;
}

/**
 * uPlot columns: x (epoch s), then the states stacked (drawn largest-first so each smaller band
 * covers the one below: column k is the sum of series k..end in TIMELINE_SERIES order reversed),
 * then opened/s and closed/s. `rates` adds send and receive bytes/s columns.
 */
export function stackedColumns(samples: readonly TimelineSample[]): number[][] {
  const n = TIMELINE_SERIES.length;
  const x = samples.map((s) => s.time / 1000);
  const stacks: number[][] = [];
  for (let k = 0; k < n; k++) {
    // Band k covers series 0..n-1-k: the top band first.
    stacks.push(samples.map((s) => s.counts.slice(0, n - k).reduce((a, b) => a + b, 0)));
  }
  return [x, ...stacks, samples.map((s) => perSecond(s.opened, s.spanMs)), samples.map((s) => perSecond(s.closed, s.spanMs))];
}

export function rateColumns(samples: readonly TimelineSample[]): (number | null)[][] {
  return [samples.map((s) => s.time / 1000), samples.map((s) => s.sendRate), samples.map((s) => s.receiveRate)];
}

export function hasRates(samples: readonly TimelineSample[]): boolean {
  return samples.some((s) => s.sendRate !== null || s.receiveRate !== null);
}

/** The sample nearest to `timeMs` (null when there are none). */
export function sampleAt(samples: readonly TimelineSample[], timeMs: number): TimelineSample | null {
  let best: TimelineSample | null = null;
  for (const s of samples) if (!best || Math.abs(s.time - timeMs) < Math.abs(best.time - timeMs)) best = s;
  return best;
}

/** Narrows an event predicate to events within `range` (epoch ms, inclusive); unchanged when null. */
export function inTimeRange<E extends { time: number }>(pred: (e: E) => boolean, range: readonly [number, number] | null): (e: E) => boolean {
  if (!range) return pred;
  const [from, to] = range;
  return (e) => e.time >= from && e.time <= to && pred(e);
}
