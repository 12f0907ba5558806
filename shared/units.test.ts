import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatRate } from './units';

describe('units', () => {
  it('formats bytes in binary multiples', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(120 * 1024)).toBe('120 KiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.00 MiB');
    expect(formatBytes(3.25 * 1024 ** 2)).toBe('3.25 MiB');
    expect(formatBytes(2 ** 40 * 5)).toBe('5.00 TiB');
    expect(formatBytes(null)).toBe('');
    expect(formatBytes(undefined)).toBe('');
    expect(formatBytes(NaN)).toBe('');
  });
  it('formats rates and RTTs; unknown is blank, not 0', () => {
    expect(formatRate(655_360)).toBe('640 KiB/s');
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(null)).toBe('');
    expect(formatMs(0.045)).toBe('0.045 ms');
    expect(formatMs(2.54)).toBe('2.5 ms');
    expect(formatMs(120.4)).toBe('120 ms');
    expect(formatMs(null)).toBe('');
  });
});
