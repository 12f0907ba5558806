// The words above the Events table for the time span selected on the timeline.

const SECOND = { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
const MILLISECOND = { ...SECOND, fractionalSecondDigits: 3 } as const;

/** Local wall-clock time of `ms` (epoch ms): `02:17:53`, or with `precise` `02:17:53.120`. */
export const clockTime = (ms: number, precise = false): string => new Date(ms).toLocaleTimeString('en-GB', precise ? MILLISECOND : SECOND);

/**
 * How the selected span [from, to] (epoch ms, inclusive: see inTimeRange) reads: `Events from
 * 02:17:53 to 02:18:10`; a span under a second in milliseconds (whole seconds would name one second
 * twice, "from 02:17:53 to 02:17:53"), `Events from 02:17:53.120 to 02:17:53.870`; a single
 * instant as one moment, `Events at 02:17:53.120`.
 */
export function spanLabel(from: number, to: number): string {
  if (from === to) return `Events at ${clockTime(from, true)}`;
  const precise = Math.abs(to - from) < 1000;
  return `Events from ${clockTime(from, precise)} to ${clockTime(to, precise)}`;
}
