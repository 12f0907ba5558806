import { describe, expect, it } from 'vitest';
import type { TimelineSample } from '../../../shared/timeline';
import { inTimeRange } from './chartData';
import { clockTime, spanText } from './spanLabel';
import { bucketRange, cursorText, dragBuckets, nearestSample, spanAfterKey, type BucketSpan } from './spanKeys';

const T0 = 1_700_000_000_000;
/** Ten polls a second apart (the first covers no time), as the engine samples them. */
const samples: TimelineSample[] = Array.from({ length: 10 }, (_, i) => ({
  time: T0 + i * 1000,
  spanMs: i === 0 ? 0 : 1000,
  counts: [i, 2, 0, 0, 0, 1],
  opened: i,
  closed: 0,
  sendRate: null,
  receiveRate: null,
}));

/** The span after pressing `keys` in order ("Shift+ArrowLeft" holds Shift), from none. */
function press(keys: string[], count = samples.length): BucketSpan | null {
  let at: BucketSpan | null = null;
  for (const k of keys) {
    const shift = k.startsWith('Shift+');
    at = spanAfterKey(shift ? k.slice(6) : k, shift, at, count) ?? at;
  }
  return at;
}

describe('spanAfterKey (WAI-ARIA slider keys over samples)', () => {
  it('the first arrow moves one sample from the newest (where the slider reads before any key), clamped at the ends', () => {
    expect(press(['ArrowLeft'])).toEqual({ anchor: 8, cursor: 8 });
    expect(press(['ArrowRight'])).toEqual({ anchor: 9, cursor: 9 });
    expect(press(['ArrowLeft', 'ArrowLeft', 'ArrowLeft'])).toEqual({ anchor: 6, cursor: 6 });
    expect(press(['Shift+ArrowLeft'])).toEqual({ anchor: 9, cursor: 8 });
    expect(press(['PageUp'])).toEqual({ anchor: 8, cursor: 8 });
    expect(press(['Home', 'ArrowLeft'])).toEqual({ anchor: 0, cursor: 0 });
    expect(press(['End', 'ArrowRight'])).toEqual({ anchor: 9, cursor: 9 });
  });

  it('Shift extends a span from the anchor; a plain move collapses it; Page keys move a tenth', () => {
    expect(press(['Home', 'ArrowRight', 'Shift+ArrowRight', 'Shift+ArrowRight'])).toEqual({ anchor: 1, cursor: 3 });
    expect(press(['End', 'Shift+ArrowLeft', 'Shift+ArrowLeft'])).toEqual({ anchor: 9, cursor: 7 });
    expect(press(['End', 'Shift+Home'])).toEqual({ anchor: 9, cursor: 0 });
    expect(press(['Home', 'Shift+ArrowRight', 'ArrowRight'])).toEqual({ anchor: 2, cursor: 2 });
    expect(press(['Home', 'PageDown'], 100)).toEqual({ anchor: 10, cursor: 10 });
    expect(press(['Home', 'PageUp'], 100)).toEqual({ anchor: 0, cursor: 0 });
  });

  it('takes no other key, and nothing without samples', () => {
    expect(spanAfterKey('Enter', false, null, 10)).toBeNull();
    expect(spanAfterKey('a', false, { anchor: 1, cursor: 1 }, 10)).toBeNull();
    expect(spanAfterKey('ArrowLeft', false, null, 0)).toBeNull();
    // A span held over samples that have since gone (a shorter list) is brought back in range.
    expect(spanAfterKey('ArrowLeft', true, { anchor: 40, cursor: 50 }, 10)).toEqual({ anchor: 9, cursor: 8 });
  });
});

describe('bucketRange / dragBuckets: one span for keys and drag', () => {
  it("buckets a..b hold exactly the events of their polls: from just after the poll before a to b's poll", () => {
    expect(bucketRange(samples, 1, 3)).toEqual([T0 + 1, T0 + 3000]);
    expect(bucketRange(samples, 3, 1)).toEqual([T0 + 1, T0 + 3000]);
    expect(bucketRange(samples, 0, 0)).toEqual([T0, T0]);
    expect(bucketRange(samples, 5, 5)).toEqual([T0 + 4001, T0 + 5000]);
    expect(() => bucketRange([], 0, 0)).toThrow(RangeError);
    // Events carry their poll's time: polls 1..3 are in, 0 and 4 are out.
    const events = samples.map((s, i) => ({ time: s.time, poll: i }));
    expect(events.filter(inTimeRange(() => true, bucketRange(samples, 1, 3))).map((e) => e.poll)).toEqual([1, 2, 3]);
  });

  it('a drag snaps each end to the sample drawn nearest it', () => {
    expect(nearestSample(samples, T0 + 1400)).toBe(1);
    expect(nearestSample(samples, T0 + 1500)).toBe(1);
    expect(nearestSample(samples, T0 + 1600)).toBe(2);
    expect(nearestSample(samples, T0 - 5000)).toBe(0);
    expect(nearestSample(samples, T0 + 99_000)).toBe(9);
    expect(nearestSample([], T0)).toBe(-1);
    expect(dragBuckets(samples, T0 + 3100, T0 + 900)).toEqual([1, 3]);
    expect(dragBuckets(samples, Number.NaN, T0)).toBeNull();
    expect(dragBuckets([], T0, T0)).toBeNull();
  });

  it('the key sequence sets the same span a drag over the same samples sets, a pixel off or not', () => {
    // Home, → (sample 1), Shift+→ ×2 (to sample 3), Enter; the drag from sample 1's x to sample 3's.
    const keys = press(['Home', 'ArrowRight', 'Shift+ArrowRight', 'Shift+ArrowRight'])!;
    const byKeys = bucketRange(samples, keys.anchor, keys.cursor);
    for (const jitter of [-120, 0, 120]) {
      const drag = dragBuckets(samples, samples[1].time + jitter, samples[3].time - jitter)!;
      expect(bucketRange(samples, drag[0], drag[1])).toEqual(byKeys);
    }
    expect(byKeys).toEqual([T0 + 1, T0 + 3000]);
  });
});

describe('cursorText (aria-valuetext)', () => {
  it("reads the cursor's sample, and the span while one is chosen", () => {
    const one = cursorText(samples, { anchor: 2, cursor: 2 });
    expect(one).toMatch(/^\d\d:\d\d:\d\d: ESTABLISHED 2, LISTEN 2, TIME-WAIT 0, CLOSE-WAIT 0, other TCP 0, UDP 1; opened 2\.0\/s, closed 0\.0\/s$/);
    expect(cursorText(samples, { anchor: 4, cursor: 2 })).toMatch(/ESTABLISHED 2,.*\. Span of 3 samples, events from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d: Enter shows its events$/);
    // The span is named by what Enter applies (samples 2..4: from just after sample 1's poll), in the
    // words of the applied span's label: not from sample 2's own poll a second later.
    expect(cursorText(samples, { anchor: 4, cursor: 2 })).toContain(`, events ${spanText(T0 + 1001, T0 + 4000)}:`);
    expect(spanText(T0 + 1001, T0 + 4000)).toBe(`from ${clockTime(T0 + 1000)} to ${clockTime(T0 + 4000)}`);
    // Before any key: the newest sample.
    expect(cursorText(samples, null)).toContain('ESTABLISHED 9,');
    expect(cursorText([], null)).toBe('');
  });
});
