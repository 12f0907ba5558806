// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, renderHook } from '@testing-library/react';
import { useTheme } from './theme';

afterEach(() => {
  cleanup();
  delete window.netmonDesktop;
});

describe('useTheme', () => {
  it('sets the document theme and, in the desktop app, the native title bar', () => {
    const setTheme = vi.fn(async () => undefined);
    window.netmonDesktop = { setTheme, openLogFolder: async () => '' };
    const { rerender } = renderHook(({ t }) => useTheme(t), { initialProps: { t: 'dark' as 'dark' | 'light' | 'system' } });
    expect(document.documentElement.dataset.theme).toBe('dark');
    rerender({ t: 'system' });
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(setTheme.mock.calls).toEqual([['dark'], ['system']]);
  });

  it('in a browser (no desktop bridge) only the document changes, and a refusal is swallowed', async () => {
    renderHook(() => useTheme('light'));
    expect(document.documentElement.dataset.theme).toBe('light');
    const setTheme = vi.fn(async () => Promise.reject(new Error('refused')));
    window.netmonDesktop = { setTheme, openLogFolder: async () => '' };
    renderHook(() => useTheme('dark'));
    await Promise.resolve();
    expect(setTheme).toHaveBeenCalledWith('dark');
  });
});
