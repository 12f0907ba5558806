import { describe, expect, it } from 'vitest';
import { accessProblem } from './AccessNotice';

describe('accessProblem', () => {
  it('a refused token names every way it happens, not only a restart (a wrong token typed into a fresh address is refused too)', () => {
    const p = accessProblem('refused');
    expect(p?.title).toBe('netmon refused this page’s token');
    expect(p?.detail).toBe(
      'Each run of netmon serve has its own token, and the one in this page’s address is not the current run’s: ' +
        'the address was mistyped or cut short, it is from an earlier run (a bookmark, an old tab), or netmon serve was restarted since this tab opened. ' +
        'Open the address netmon printed this time, from the terminal where it runs.',
    );
    expect(p?.detail).not.toMatch(/most likely/);
  });
  it('says nothing when the link needs no action', () => {
    expect(accessProblem('open')).toBeNull();
  });
});
