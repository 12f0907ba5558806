import { describe, expect, it } from 'vitest';
import { formatPerSecondTick, inTimeRange, perSecond, sampleAt, stackedColumns, visibleSamples } from './chartData';
import type { TimelineSample } from '../../../shared/timeline';

const s = (time: number, counts: number[], opened = 0, spanMs = 1000): TimelineSample => ({ time, spanMs, counts, opened, closed: 0, sendRate: null, receiveRate: null });

describe('timeline chart data', () => {
  it('stacks the states top band first, each band the sum of the series below it', () => {
    const cols = stackedColumns([s(2000, [1, 2, 3, 4, 5, 6], 4, 2000)]);
    expect(cols[0]).toEqual([2]);
    expect(cols.slice(1, 7).map((c) => c[0])).toEqual([21, 15, 10, 6, 3, 1]);
    expect(cols[7]).toEqual([2]); // 4 opened over 2 s
  });

  it('keeps the last window of samples', () => {
    const all = [s(1000, []), s(5000, []), s(9000, []), s(10_000, [])];
    expect(visibleSamples(all, 5000).map((x) => x.time)).toEqual([5000, 9000, 10_000]);
    expect(visibleSamples(all, null)).toHaveLength(4);
  });

  it('per second needs a span; the nearest sample answers a hover', () => {
    expect(perSecond(5, 0)).toBe(0);
    expect(perSecond(5, 500)).toBe(10);
    expect(sampleAt([s(1000, []), s(2000, [])], 1700)?.time).toBe(2000);
    expect(sampleAt([], 1)).toBeNull();
  });

  it('a time range narrows the event predicate, inclusive at both ends', () => {
    const pred = inTimeRange((e: { time: number; ok: boolean }) => e.ok, [10, 20]);
    expect([9, 10, 20, 21].map((time) => pred({ time, ok: true }))).toEqual([false, true, true, false]);
    expect(pred({ time: 15, ok: false })).toBe(false);
  });
});

describe('the events-per-second axis values (issue 11: "2,000" and "10,000" ran under the "/s" label)', () => {
  it('are at most five characters, three significant digits, with k and M', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [0.5, '0.5'],
      [0.25, '0.25'],
      [40, '40'],
      [950, '950'],
      [999.4, '999'],
      [999.6, '1k'],
      [2000, '2k'],
      [10_000, '10k'],
      [12_500, '12.5k'],
      [150_000, '150k'],
      [999_999, '1M'],
      [1_250_000, '1.25M'],
      [Number.NaN, ''],
    ];
    for (const [v, text] of cases) expect(formatPerSecondTick(v), String(v)).toBe(text);
    for (let v = 0; v < 5e7; v = v * 1.37 + 1) expect(formatPerSecondTick(v).length, String(v)).toBeLessThanOrEqual(5);
  });
});
