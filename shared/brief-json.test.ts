import { describe, expect, it } from 'vitest';
import { briefJson } from './brief-json';

describe('briefJson', () => {
  it('is JSON.stringify when that fits, and cuts at max with "..." otherwise', () => {
    const values: unknown[] = [null, true, 0, -1.5e-7, '', 'a"\\\n\u2028', [], {}, [1, [2, { a: null }]], JSON.parse('{"__proto__":{"x":[1,"y"]},"k":"v"}')];
    for (const v of values) expect(briefJson(v, 1000)).toBe(JSON.stringify(v));
    expect(briefJson('abcdefghij', 8)).toBe('"abcd...');
    expect(briefJson({ key: [1, 2, 3] }, 12)).toBe('{"key":[1...');
    expect(briefJson([1, 2], 7)).toBe('[1,2]');
  });

  it('never throws and stays short for a value nested past the stack or megabytes long', () => {
    const nested = JSON.parse(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`) as unknown;
    expect(() => JSON.stringify(nested)).toThrow(RangeError);
    expect(briefJson(nested)).toBe(`${'{"a":'.repeat(11)}{"...`);
    expect(briefJson('x'.repeat(10_000_000), 20)).toBe(`"${'x'.repeat(16)}...`);
    expect(briefJson(Array.from({ length: 1_000_000 }, () => 7), 10)).toBe('[7,7,7,...');
  });
});
