// Pure: where the timeline's time axis puts its ticks and what they read. uPlot's own choice spaced
// ticks by a fixed 50 px whatever their labels' width, so "00:53:30" labels ran together at 1024 px
// on the 1-hour zoom (found by a new admin). Here a step is taken only when its labels, as wide as
// `labelWidth` measures them, fit between ticks with a gap.

/** Steps a tick may advance by, seconds: clock-friendly, smallest first. */
export const TICK_STEPS_S = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400,
] as const;

/** Clear space between two neighbouring labels, CSS px. */
export const TICK_GAP_PX = 14;

const HMS = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const HM = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
const DAY = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short' });

/** A tick's label at `stepS` between ticks (epoch seconds in, local time): 00:53:30, 00:54, 01 Dec. */
export function tickLabel(timeS: number, stepS: number): string {
  const ms = timeS * 1000;
  return stepS < 60 ? HMS.format(ms) : stepS < 86_400 ? HM.format(ms) : DAY.format(ms);
}

/** Labels for ticks `splits` (as timeTicks returned them): their format follows the step between them. */
export function tickLabels(splits: readonly number[]): string[] {
  const step = splits.length > 1 ? splits[1] - splits[0] : 1;
  return splits.map((s) => tickLabel(s, step));
}

/** Seconds to add to epoch seconds for local wall-clock time at `timeS`. */
function localOffsetS(timeS: number): number {
  return -new Date(timeS * 1000).getTimezoneOffset() * 60;
}

/** Ticks at every multiple of `step` (local time) within [min, max]. */
function ticksAt(minS: number, maxS: number, stepS: number): number[] {
  const off = localOffsetS(minS);
  const out: number[] = [];
  for (let t = Math.ceil((minS + off) / stepS) * stepS - off; t <= maxS; t += stepS) out.push(t);
  return out;
}

/**
 * Tick positions (epoch seconds) for a time axis spanning [minS, maxS] over `plotPx` CSS px: the
 * smallest step of TICK_STEPS_S at which every two neighbouring labels, centred on their ticks and
 * `labelWidth(text)` px wide, keep TICK_GAP_PX apart. Ticks sit on whole steps of local time. A span
 * too short for two ticks gets one (its start); an axis too narrow for any step gets none.
 */
export function timeTicks(minS: number, maxS: number, plotPx: number, labelWidth: (text: string) => number): number[] {
  if (!(maxS >= minS) || !(plotPx > 0) || !Number.isFinite(minS) || !Number.isFinite(maxS)) return [];
  const span = maxS - minS;
  // One label at the start, where it fits: for a span with no room or no whole step inside.
  const start = () => (labelWidth(tickLabel(minS, 1)) <= plotPx ? [minS] : []);
  if (span === 0) return start();
  const pxPerS = plotPx / span;
  for (const step of TICK_STEPS_S) {
    const room = step * pxPerS;
    // A cheap look first (labels of one format are about as wide), then every label.
    if (room < labelWidth(tickLabel(minS, step)) + TICK_GAP_PX) continue;
    const ticks = ticksAt(minS, maxS, step);
    const widths = ticks.map((t) => labelWidth(tickLabel(t, step)));
    if (widths.every((w, i) => i === 0 || room >= (w + widths[i - 1]) / 2 + TICK_GAP_PX)) return ticks.length > 0 ? ticks : start();
  }
  return [];
}
