// The words above the Events table for the time span selected on the timeline.

const SECOND = { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
const MILLISECOND = { ...SECOND, fractionalSecondDigits: 3 } as const;

/** Local wall-clock time of `ms` (epoch ms): `02:17:53`, or with `precise` `02:17:53.120`. */
export const clockTime = (ms: number, precise = false): string => new Date(ms).toLocaleTimeString('en-GB', precise ? MILLISECOND : SECOND);

/**
 * How a time span [from, to] (epoch ms, inclusive: see inTimeRange) reads, wherever netmon names one
 * (the applied span's label, the chart's value while a span is chosen): `from 02:17:53 to
 * 02:18:10`; a span under a second in milliseconds (whole seconds would name one second twice,
 * "from 02:17:53 to 02:17:53"), `from 02:17:53.120 to 02:17:53.870`; a single instant as one
 * moment, `at 02:17:53.120`. Give it the range the filter applies (bucketRange), not sample times:
 * a span of samples starts where its first sample's interval starts, before that sample's poll.
 */
export function spanText(from: number, to: number): string {
  if (from === to) return `at ${clockTime(from, true)}`;
  const precise = Math.abs(to - from) < 1000;
  return `from ${clockTime(from, precise)} to ${clockTime(to, precise)}`;
}

/** The label of the span applied to the Events view: `Events ` + spanText, e.g. `Events from 02:17:53 to 02:18:10`. */
export const spanLabel = (from: number, to: number): string => `Events ${spanText(from, to)}`;
