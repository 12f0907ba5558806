// EngineStatus.countersScope as a viewer reads it: checked, never thrown on, and the same object
// while its facts stand (so memoized rows do not redraw every poll).
import { describe, expect, it } from 'vitest';
import { countersScopeOf, type CountersScope } from './ipc';

describe('countersScopeOf', () => {
  const good: CountersScope = { states: ['ESTABLISHED', 'CLOSE-WAIT'], cap: 2000, beyondCap: 4 };

  it('accepts a well-formed scope as a fresh copy, and keeps the previous object while its facts stand', () => {
    const a = countersScopeOf(JSON.parse(JSON.stringify(good)));
    expect(a).toEqual(good);
    expect(a).not.toBe(good);
    expect(countersScopeOf({ ...good, states: [...good.states] }, a)).toBe(a);
    const b = countersScopeOf({ ...good, beyondCap: 0 }, a);
    expect(b).toEqual({ ...good, beyondCap: 0 });
    expect(b).not.toBe(a);
  });

  it('gives null for what is not one, without throwing', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'ESTABLISHED',
      { ...good, states: 'ESTABLISHED' },
      { ...good, states: ['ESTABLISHED', 'OPEN'] },
      { ...good, cap: -1 },
      { ...good, cap: 1.5 },
      { ...good, beyondCap: '3' },
      { states: ['ESTABLISHED'] },
      // Facts no backend reports, which would become every traffic cell's title:
      { ...good, states: [] },
      { ...good, states: ['ESTABLISHED', 'ESTABLISHED'] },
      { ...good, states: ['LISTEN'] },
      { ...good, states: ['TIME-WAIT', 'ESTABLISHED'] },
      { ...good, states: Array.from({ length: 1_000_000 }, () => 'ESTABLISHED') },
      { ...good, states: Object.assign(new Array<string>(2), { 1: 'ESTABLISHED' }) }, // a hole (a structured clone can carry one)
      { ...good, cap: 0, beyondCap: 5 },
      { ...good, cap: Number.MAX_SAFE_INTEGER },
      { ...good, beyondCap: Number.MAX_SAFE_INTEGER },
    ];
    for (const v of bad) expect(countersScopeOf(v), JSON.stringify(v) ?? 'undefined').toBeNull();
  });
});
