// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDebounced } from './hooks';

describe('useDebounced', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('takes a change after a quiet spell at once, and waits out changes that follow quickly', () => {
    const { result, rerender } = renderHook(({ v }) => useDebounced(v, 120), { initialProps: { v: '' } });
    act(() => vi.advanceTimersByTime(500));
    // A paste after a pause: no waiting (issue 9 §4: a filter change under 100 ms).
    rerender({ v: 'port:443' });
    expect(result.current).toBe('port:443');
    // Typing on at once: each key within 120 ms of the last waits until the keys stop.
    act(() => vi.advanceTimersByTime(30));
    rerender({ v: 'port:4431' });
    expect(result.current).toBe('port:443');
    act(() => vi.advanceTimersByTime(30));
    rerender({ v: 'port:44' });
    act(() => vi.advanceTimersByTime(119));
    expect(result.current).toBe('port:443');
    act(() => vi.advanceTimersByTime(1));
    expect(result.current).toBe('port:44');
  });
});
