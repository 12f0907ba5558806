import { describe, expect, it } from 'vitest';
import { clockTime, spanLabel } from './spanLabel';

/** Epoch ms of a local wall-clock time on 1 Dec 2026 (the label shows local time). */
const at = (h: number, m: number, s: number, ms = 0) => new Date(2026, 11, 1, h, m, s, ms).getTime();

describe('spanLabel', () => {
  it('a span within one second is told apart to the millisecond, not "from 02:17:53 to 02:17:53"', () => {
    expect(spanLabel(at(2, 17, 53, 120), at(2, 17, 53, 870))).toBe('Events from 02:17:53.120 to 02:17:53.870');
    expect(spanLabel(at(2, 17, 53), at(2, 17, 53, 999))).toBe('Events from 02:17:53.000 to 02:17:53.999');
  });

  it('a span under a second across a second boundary is in milliseconds too', () => {
    expect(spanLabel(at(2, 17, 53, 900), at(2, 17, 54, 100))).toBe('Events from 02:17:53.900 to 02:17:54.100');
  });

  it('one instant reads as one moment', () => {
    expect(spanLabel(at(2, 17, 53, 120), at(2, 17, 53, 120))).toBe('Events at 02:17:53.120');
  });

  it('a second or more reads in whole seconds, whose two ends then always differ', () => {
    expect(spanLabel(at(2, 17, 53), at(2, 18, 10))).toBe('Events from 02:17:53 to 02:18:10');
    expect(spanLabel(at(2, 17, 53, 999), at(2, 17, 54, 999))).toBe('Events from 02:17:53 to 02:17:54');
    expect(spanLabel(at(23, 59, 59), at(0, 0, 1) + 86_400_000)).toBe('Events from 23:59:59 to 00:00:01');
  });

  it('clockTime is 24-hour with two-digit fields', () => {
    expect(clockTime(at(14, 5, 9))).toBe('14:05:09');
    expect(clockTime(at(0, 0, 0, 7), true)).toBe('00:00:00.007');
  });
});
