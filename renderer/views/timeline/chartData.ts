// Pure: the samples a timeline shows, shaped for uPlot (columns, seconds on x), and the readout at one moment.
import { TIMELINE_SERIES, type TimelineSample } from '../../../shared/timeline';

/** Zoom choices: the last N ms, or the whole run (null). */
export const TIMELINE_ZOOMS = [
  { label: '5 min', ms: 300_000 },
  { label: '1 hour', ms: 3_600_000 },
  { label: 'Whole run', ms: null },
] as const;

/** Index of the first of `samples` (oldest first) whose time is at or after `ms`; samples.length when none is. */
export function firstSampleFrom(samples: readonly TimelineSample[], ms: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].time < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The samples within the last `windowMs` of the newest (all when null). */
export function visibleSamples(samples: readonly TimelineSample[], windowMs: number | null): readonly TimelineSample[] {
  if (windowMs === null || samples.length === 0) return samples;
  return samples.slice(firstSampleFrom(samples, samples[samples.length - 1].time - windowMs));
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

/** Font of the charts' axis labels and tick values (canvas font string). */
export const AXIS_FONT = '11px system-ui, sans-serif';

/**
 * The state chart's right axis (events per second), px from the plot's right edge: tick marks,
 * the gap after them, then the values; the rotated "/s" label is drawn after RIGHT_AXIS_PX (uPlot
 * places an axis label beyond the axis's size), so a value wider than RIGHT_VALUE_ROOM_PX would be
 * drawn over it ("2,000" was).
 */
export const RIGHT_TICK_PX = 4;
export const RIGHT_GAP_PX = 4;
export const RIGHT_AXIS_PX = 44;
export const RIGHT_LABEL_PX = 14;
/** Room for a right-axis value, px: what formatPerSecondTick's longest output ("12.5k") needs at AXIS_FONT. */
export const RIGHT_VALUE_ROOM_PX = RIGHT_AXIS_PX - RIGHT_TICK_PX - RIGHT_GAP_PX;

/**
 * A tick value of the events-per-second axis, short enough for RIGHT_VALUE_ROOM_PX: up to three
 * significant digits with k (10³) or M (10⁶), e.g. 0.5, 40, 950, 2k, 12.5k, 150k, 1.2M. Not finite: ''.
 */
export function formatPerSecondTick(v: number): string {
  if (!Number.isFinite(v)) return '';
  const a = Math.abs(v);
  const [div, unit] = a >= 999_500 ? [1e6, 'M'] : a >= 999.5 ? [1e3, 'k'] : [1, ''];
  const n = v / div;
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${Number(n.toFixed(digits))}${unit}`;
}
