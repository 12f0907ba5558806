import { describe, expect, it } from 'vitest';
import { MAX_HISTORY_LIMIT, validateHistoryLimit } from './ipc';

describe('validateHistoryLimit', () => {
  it('bounds one history reply: no limit means the bound, over it is refused', () => {
    expect(MAX_HISTORY_LIMIT).toBe(20_000);
    expect(validateHistoryLimit(undefined)).toBe(20_000);
    expect(validateHistoryLimit(10_000)).toBe(10_000);
    expect(validateHistoryLimit(20_000)).toBe(20_000);
    expect(() => validateHistoryLimit(20_001)).toThrow('history limit must be an integer from 1 to 20000, got 20001');
    expect(() => validateHistoryLimit(1_000_000)).toThrow(/from 1 to 20000/);
    expect(() => validateHistoryLimit(0)).toThrow(/from 1 to 20000/);
    expect(() => validateHistoryLimit('5')).toThrow(/got the string "5"/);
  });
});
