// Pure: choosing a time span on the timeline by buckets, the same by keyboard and by drag. A
// bucket is one sample: sample i covers the polls after sample i-1 up to its own (TimelineSample:
// `time` is its last poll, `spanMs` how long it covers), and an event carries its poll's time, so
// buckets a..b hold exactly the events with time in (time[a] - spanMs[a], time[b]].
// Keys follow the WAI-ARIA slider pattern (https://www.w3.org/WAI/ARIA/apg/patterns/slider/):
// ← → one bucket, Home / End the ends, Page Up / Page Down a tenth; Shift extends a span from the
// anchor, as in a list's selection.
import { TIMELINE_SERIES, type TimelineSample } from '../../../shared/timeline';
import { clockTime, spanText } from './spanLabel';
import { firstSampleFrom, perSecond } from './chartData';

/** A keyboard span by sample index: `anchor` where it started, `cursor` where the keys left it (equal: no span yet). */
export interface BucketSpan {
  anchor: number;
  cursor: number;
}

/**
 * The span after `key` (KeyboardEvent.key) with Shift held or not, over `count` samples; null for a
 * key the chart does not take. With no span yet (`at` null) the cursor is where the slider says it
 * is (aria-valuenow), at the newest sample, and the first key moves it from there, as any later one
 * does. The cursor stays within 0..count-1; without Shift the anchor follows it.
 */
export function spanAfterKey(key: string, shift: boolean, at: BucketSpan | null, count: number): BucketSpan | null {
  if (count <= 0) return null;
  const last = count - 1;
  const from = at ? Math.min(last, Math.max(0, at.cursor)) : last;
  const page = Math.max(1, Math.round(count / 10));
  let to: number;
  switch (key) {
    case 'ArrowLeft':
      to = from - 1;
      break;
    case 'ArrowRight':
      to = from + 1;
      break;
    case 'Home':
      to = 0;
      break;
    case 'End':
      to = last;
      break;
    case 'PageUp':
      to = from - page;
      break;
    case 'PageDown':
      to = from + page;
      break;
    default:
      return null;
  }
  const cursor = Math.min(last, Math.max(0, to));
  const anchor = shift && at ? Math.min(last, Math.max(0, at.anchor)) : shift ? from : cursor;
  return { anchor, cursor };
}

/**
 * The time range (epoch ms, inclusive, as inTimeRange reads it) of buckets a..b of `samples` (either
 * order; clamped to the samples): from just after the poll before bucket min(a, b) to the last
 * poll of bucket max(a, b). The run's first sample covers no time: its range starts at its poll.
 * Throws RangeError when there are no samples.
 */
export function bucketRange(samples: readonly TimelineSample[], a: number, b: number): [number, number] {
  if (samples.length === 0) throw new RangeError('bucketRange: no samples');
  const clamp = (i: number) => Math.min(samples.length - 1, Math.max(0, i));
  const first = samples[clamp(Math.min(a, b))];
  const last = samples[clamp(Math.max(a, b))];
  return [first.spanMs > 0 ? first.time - first.spanMs + 1 : first.time, last.time];
}

/** Index of the sample whose time is nearest `ms` (the earlier on a tie); -1 when there are none. */
export function nearestSample(samples: readonly TimelineSample[], ms: number): number {
  const lo = firstSampleFrom(samples, ms);
  if (lo >= samples.length) return samples.length - 1;
  if (lo > 0 && ms - samples[lo - 1].time <= samples[lo].time - ms) return lo - 1;
  return lo;
}

/**
 * The buckets a drag from `fromMs` to `toMs` (epoch ms where the drag started and ended, either
 * order) picks: each end snaps to the sample drawn nearest it, so the span a drag sets is the one
 * the keys set over the same samples. Null when there are no samples or a bound is not finite.
 */
export function dragBuckets(samples: readonly TimelineSample[], fromMs: number, toMs: number): [number, number] | null {
  if (samples.length === 0 || !Number.isFinite(fromMs) || !Number.isFinite(toMs)) return null;
  return [nearestSample(samples, Math.min(fromMs, toMs)), nearestSample(samples, Math.max(fromMs, toMs))];
}

/** What a sample reads as, for a screen reader: `02:17:53: ESTABLISHED 12, LISTEN 3, …; opened 1.0/s, closed 0.0/s`. */
export function sampleText(s: TimelineSample): string {
  const counts = TIMELINE_SERIES.map((name, i) => `${name} ${Math.round(s.counts[i] ?? 0)}`).join(', ');
  return `${clockTime(s.time)}: ${counts}; opened ${perSecond(s.opened, s.spanMs).toFixed(1)}/s, closed ${perSecond(s.closed, s.spanMs).toFixed(1)}/s`;
}

/**
 * The chart's aria-valuetext: the cursor's sample and, while a span is being chosen, its extent in
 * samples, the time it covers (spanText of bucketRange: the words the applied span's label uses)
 * and how to apply it. Empty when there are no samples.
 */
export function cursorText(samples: readonly TimelineSample[], at: BucketSpan | null): string {
  if (samples.length === 0) return '';
  const cursor = at ? Math.min(samples.length - 1, Math.max(0, at.cursor)) : samples.length - 1;
  const text = sampleText(samples[cursor]);
  if (!at || at.anchor === at.cursor) return text;
  const a = Math.min(at.anchor, at.cursor);
  const b = Math.max(at.anchor, at.cursor);
  const [from, to] = bucketRange(samples, a, b);
  return `${text}. Span of ${b - a + 1} samples, events ${spanText(from, to)}: Enter shows its events`;
}
