import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './queue';

describe('BoundedQueue', () => {
  it('keeps at most capacity items, dropping and counting the oldest', () => {
    const q = new BoundedQueue<number>(3);
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.depth).toBe(3);
    expect(q.dropped).toBe(2);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([3, 4, 5, undefined]);
  });

  it('requeues a failed send at the front in order, dropping what does not fit', () => {
    const q = new BoundedQueue<number>(4);
    q.push(10);
    q.push(11);
    q.requeue([7, 8, 9]);
    expect(q.dropped).toBe(1);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([8, 9, 10, 11]);
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
