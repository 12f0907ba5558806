// The application menu and the developer-surface rules. Electron's default menu (installed when an
// app sets none) offers Reload, Force Reload and Toggle Developer Tools with their shortcuts: netmon
// replaces it with a small menu of its own, and only a development build started with --devtools
// gets the developer items back.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openLogFolder(): void;
}

/** Developer tools are offered only with --devtools, and never in a packaged (installed) build. */
export function devToolsAllowed(requested: boolean, packaged: boolean): boolean {
  return requested && !packaged;
}

/** The menu template (Menu.buildFromTemplate). Pure: tests read it as data. */
export function menuTemplate(actions: MenuActions, opts: { devTools: boolean }): MenuItemConstructorOptions[] {
  const menu: MenuItemConstructorOptions[] = [
    {
      label: '&File',
      submenu: [{ label: 'Open &log folder', click: () => actions.openLogFolder() }, { type: 'separator' }, { role: 'quit', label: 'E&xit' }],
    },
    {
      label: '&Edit',
      submenu: [{ role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: '&View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
  ];
  if (opts.devTools) {
    menu.push({ label: '&Developer', submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] });
  }
  return menu;
}

/** The keyboard input Electron reports in `before-input-event` (the fields used here). */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  shift: boolean;
  alt: boolean;
  meta: boolean;
}

/**
 * Keys that reach developer surfaces (DevTools, console, reload) and must do nothing in production:
 * F12, Ctrl+Shift+I/J, F5, Ctrl+R, Ctrl+Shift+R (Cmd on macOS). Ctrl+Shift+C stays with the page
 * (netmon copies rows with Ctrl+C, shifted or not).
 */
export function isDeveloperShortcut(input: KeyInput): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = input.control || input.meta;
  if (key === 'F12' || key === 'F5') return true;
  if (mod && input.shift && (key === 'i' || key === 'j')) return true;
  if (mod && input.alt && key === 'i') return true; // macOS: Cmd+Alt+I
  return mod && key === 'r';
}
