// Human units for traffic values, shared by the CLI and the UI: binary byte multiples (IEC: KiB,
// MiB, …), rates per second, round-trip times in ms. Unknown (null/undefined) renders as ''.

/**
 * The one mark for a value that is not known (or does not exist: a UDP socket's state, RTT or
 * counters) in every text output — CLI tables and lines, the app's tables and panes. Blank is kept
 * for a traffic cell whose value is simply not in yet.
 */
export const UNKNOWN_MARK = '—';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `512 B`, `1.5 KiB`, `120 KiB`, `3.25 MiB`: three significant digits at most; '' when unknown. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${Math.round(v)} B`;
  const digits = v < 10 ? 2 : v < 100 ? 1 : 0;
  // 1023.99 KiB would print as "1024 KiB": move up a unit instead.
  if (Number(v.toFixed(digits)) >= 1024 && u < BYTE_UNITS.length - 1) return `1.00 ${BYTE_UNITS[u + 1]}`;
  return `${v.toFixed(digits)} ${BYTE_UNITS[u]}`;
}

/** Bytes per second, e.g. `1.20 MiB/s`; '' when unknown. */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  const b = formatBytes(bytesPerSecond);
  return b && `${b}/s`;
}

/** `0.045 ms`, `2.5 ms`, `120 ms`; '' when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const digits = ms < 1 ? 3 : ms < 10 ? 1 : 0;
  return `${Number(ms.toFixed(digits))} ms`;
}
