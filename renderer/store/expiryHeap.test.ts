import { describe, expect, it } from 'vitest';
import { prng } from '../../main/model/random';
import { ExpiryHeap } from './expiryHeap';

describe('ExpiryHeap', () => {
  it('pops entries in order of time, interleaved with pushes', () => {
    const rnd = prng(11);
    const h = new ExpiryHeap();
    const model: number[] = [];
    const popped: number[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      if (rnd() < 0.6 || model.length === 0) {
        const at = Math.floor(rnd() * 1000);
        h.push(`r${i}`, at);
        model.push(at);
      } else {
        model.sort((a, b) => a - b);
        expected.push(model.shift() as number);
        popped.push(h.pop()?.at ?? -1);
      }
      expect(h.size).toBe(model.length);
    }
    expect(popped).toEqual(expected);
    expect(h.peek()?.at).toBe(Math.min(...model));
    h.clear();
    expect(h.pop()).toBeUndefined();
  });
});
