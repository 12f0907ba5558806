// Pure: the Ports view's inputs — the ranges to judge against (the OS's, or the default labelled as
// such, shared/port-usage.ts) and the threshold setting.
export { rangesFrom, type RangesInUse } from '../../../shared/port-usage';

/** A threshold setting from text: an integer percent 1–100, else null (the input shows it is wrong). */
export function parseThreshold(text: string): number | null {
  if (!/^\d{1,3}$/.test(text.trim())) return null;
  const n = Number(text);
  return n >= 1 && n <= 100 ? n : null;
}
