import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { devToolsAllowed, isDeveloperShortcut, menuTemplate, type KeyInput } from '../../main/electron/menu';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('menuTemplate', () => {
  it('offers no reload or developer tools in production, and the log folder', () => {
    const openLogFolder = vi.fn();
    const items = flatten(menuTemplate({ openLogFolder }, { devTools: false }));
    const roles = items.map((i) => i.role).filter(Boolean);
    for (const r of ['reload', 'forceReload', 'toggleDevTools']) expect(roles).not.toContain(r);
    expect(items.some((i) => i.accelerator !== undefined)).toBe(false);
    const log = items.find((i) => i.label === 'Open &log folder')!;
    (log.click as () => void)();
    expect(openLogFolder).toHaveBeenCalledTimes(1);
    expect(roles).toContain('quit');
  });

  it('a development build with --devtools gets the developer items', () => {
    const roles = flatten(menuTemplate({ openLogFolder: () => undefined }, { devTools: true })).map((i) => i.role);
    expect(roles).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
  });

  it('DevTools need --devtools and an unpackaged build', () => {
    expect(devToolsAllowed(true, false)).toBe(true);
    expect(devToolsAllowed(true, true)).toBe(false);
    expect(devToolsAllowed(false, false)).toBe(false);
  });
});

describe('isDeveloperShortcut', () => {
  const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ type: 'keyDown', key: k, control: false, shift: false, alt: false, meta: false, ...mods });
  it('catches DevTools and reload keys', () => {
    for (const k of [key('F12'), key('I', { control: true, shift: true }), key('i', { control: true, shift: true }), key('J', { control: true, shift: true }), key('i', { meta: true, alt: true }), key('F5'), key('r', { control: true }), key('R', { control: true, shift: true })]) {
      expect(isDeveloperShortcut(k), JSON.stringify(k)).toBe(true);
    }
  });
  it('leaves the page its own keys', () => {
    for (const k of [key('f', { control: true }), key('c', { control: true }), key('C', { control: true, shift: true }), key('i'), key('r'), key(' '), { ...key('F12'), type: 'keyUp' }]) {
      expect(isDeveloperShortcut(k), JSON.stringify(k)).toBe(false);
    }
  });
});
