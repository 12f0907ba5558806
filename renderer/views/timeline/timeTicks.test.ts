// The timeline's x axis read "00:53:3000:54:0000:54:30…" at 1024 px on the 1-hour zoom ~9 minutes
// into a run (found by a new admin): uPlot spaced ticks 50 px apart whatever their labels' width.
// Swept here over plot widths × spans × starts, labels measured by an estimate of the axis font.
import { describe, expect, it } from 'vitest';
import { TICK_GAP_PX, tickLabel, tickLabels, timeTicks } from './timeTicks';

/** 11 px system-ui: digits are ~6.2 px, ':' ~3 px, letters up to ~7; 7 px a character is above all of them. */
const estimate = (text: string) => text.length * 7;
/** A wider font still (e.g. a larger system font): the choice must follow the measure it is given. */
const wide = (text: string) => text.length * 10;

const WIDTHS = [60, 120, 200, 320, 480, 640, 800, 880, 952, 1024, 1280, 1600, 1848, 2560, 3840];
const SPANS = [1, 5, 30, 59, 60, 299, 300, 540, 550, 899, 1800, 3599, 3600, 3 * 3600, 86_400, 3 * 86_400, 7 * 86_400, 30 * 86_400];
const START = Date.UTC(2026, 11, 1, 0, 44, 47) / 1000;

function assertFits(ticks: number[], min: number, max: number, px: number, measure: (t: string) => number, what: string): void {
  const labels = tickLabels(ticks);
  const pos = ticks.map((t) => ((t - min) / (max - min)) * px);
  for (let i = 0; i < ticks.length; i++) {
    expect(ticks[i], what).toBeGreaterThanOrEqual(min);
    expect(ticks[i], what).toBeLessThanOrEqual(max);
    if (i === 0) continue;
    expect(ticks[i], what).toBeGreaterThan(ticks[i - 1]);
    const need = (measure(labels[i]) + measure(labels[i - 1])) / 2 + TICK_GAP_PX;
    expect(pos[i] - pos[i - 1], `${what}: "${labels[i - 1]}" and "${labels[i]}" ${(pos[i] - pos[i - 1]).toFixed(1)} px apart, need ${need}`).toBeGreaterThanOrEqual(need - 1e-9);
  }
}

describe('timeTicks: labels never overlap', () => {
  it('at every width, span and start, for the measure given', () => {
    for (const measure of [estimate, wide]) {
      for (const px of WIDTHS) {
        for (const span of SPANS) {
          for (const start of [START, START + 17.3, START + 3599.9]) {
            const ticks = timeTicks(start, start + span, px, measure);
            assertFits(ticks, start, start + span, px, measure, `${px} px over ${span} s from ${start}`);
            // Room for several labels and more than a second: the axis shows at least two (the step
            // taken is at most 3× one that did not fit, so it fits at least twice in 480 px).
            if (px >= 480 && span >= 10) expect(ticks.length, `${px} px over ${span} s`).toBeGreaterThanOrEqual(2);
          }
        }
      }
    }
  });

  it('the reported case: ~900 px of plot at 1024 px, 1-hour zoom, 9 minutes into the run', () => {
    for (const span of [530, 540, 550]) {
      const ticks = timeTicks(START, START + span, 900, estimate);
      assertFits(ticks, START, START + span, 900, estimate, `${span} s`);
      // Not every 30 s with seconds on: one a minute, read as hours and minutes.
      expect(ticks[1] - ticks[0]).toBe(60);
      expect(tickLabels(ticks).every((l) => /^\d\d:\d\d$/.test(l))).toBe(true);
    }
  });

  it('ticks sit on whole steps of local time; labels follow the step', () => {
    const ticks = timeTicks(START, START + 3600, 1000, estimate);
    const step = ticks[1] - ticks[0];
    const offset = -new Date(ticks[0] * 1000).getTimezoneOffset() * 60;
    for (const t of ticks) expect((t + offset) % step).toBe(0);
    expect(tickLabel(START, 30)).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(tickLabel(START, 600)).toMatch(/^\d\d:\d\d$/);
    expect(tickLabel(START, 86_400)).toMatch(/^\d\d [A-Z][a-z]{2}$/);
  });

  it('degenerate input: no span, no width, not a number', () => {
    expect(timeTicks(START, START, 500, estimate)).toEqual([START]);
    expect(timeTicks(START, START + 60, 0, estimate)).toEqual([]);
    expect(timeTicks(Number.NaN, START, 500, estimate)).toEqual([]);
    expect(timeTicks(START + 5, START, 500, estimate)).toEqual([]);
    expect(timeTicks(START, START + 3600, 20, estimate)).toEqual([]);
  });
});
