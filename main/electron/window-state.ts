// Window size, position, maximised state and the theme, kept across runs in userData/window-state.json.
// The file is read with suspicion (hand-edited, truncated, from another machine): anything invalid
// falls back to the defaults, and a window that would open off every screen is brought back.
import { isThemeSource, type ThemeSource } from '../../shared/ipc';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Normal (not maximised) bounds in screen DIPs; null: let the OS place a default-sized window. */
  bounds: Rect | null;
  maximized: boolean;
  theme: ThemeSource;
}

export const DEFAULT_WINDOW_STATE: WindowState = { bounds: null, maximized: false, theme: 'system' };
export const WINDOW_STATE_FILE = 'window-state.json';

/** The window's background before the page paints, per effective theme (the page's --bg, styles.css). */
export const BACKGROUND = { light: '#f6f7f9', dark: '#0f1217' } as const;

export function backgroundColor(dark: boolean): string {
  return dark ? BACKGROUND.dark : BACKGROUND.light;
}

const isCoord = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 100_000;
const isSize = (v: unknown): v is number => isCoord(v) && v > 0;

/** Parses the saved state; never throws (invalid parts fall back to the defaults). */
export function parseWindowState(text: string | null): WindowState {
  if (text === null) return { ...DEFAULT_WINDOW_STATE };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const b = r.bounds as Record<string, unknown> | null | undefined;
  const bounds = b && typeof b === 'object' && isCoord(b.x) && isCoord(b.y) && isSize(b.width) && isSize(b.height)
    ? { x: b.x, y: b.y, width: b.width, height: b.height }
    : null;
  return { bounds, maximized: r.maximized === true, theme: isThemeSource(r.theme) ? r.theme : 'system' };
}

export function serializeWindowState(state: WindowState): string {
  return `${JSON.stringify(state)}\n`;
}

/** Part of the title bar that must lie on a screen for the window to count as reachable. */
const GRAB_HEIGHT = 32;
const GRAB_WIDTH = 120;

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Where to open the window: the saved bounds when their title bar can be grabbed on one of the
 * screens (at least 120×32 DIPs of its top edge inside a work area), otherwise centred on the
 * first (primary) work area. The size is clamped to [min, work area].
 * @param workAreas screen.getAllDisplays().map(d => d.workArea), the primary first
 * @returns bounds for the BrowserWindow, or null for the OS's default placement
 */
export function placeWindow(saved: Rect | null, workAreas: readonly Rect[], min: { width: number; height: number }): Rect | null {
  if (!saved || workAreas.length === 0) return null;
  const reachable = workAreas.some(
    (a) =>
      overlap(saved.x, saved.x + saved.width, a.x, a.x + a.width) >= Math.min(GRAB_WIDTH, saved.width) &&
      overlap(saved.y, saved.y + GRAB_HEIGHT, a.y, a.y + a.height) >= GRAB_HEIGHT,
  );
  const area = reachable
    ? workAreas.find((a) => overlap(saved.x, saved.x + saved.width, a.x, a.x + a.width) > 0 && overlap(saved.y, saved.y + GRAB_HEIGHT, a.y, a.y + a.height) > 0)!
    : workAreas[0];
  const width = Math.max(min.width, Math.min(saved.width, area.width));
  const height = Math.max(min.height, Math.min(saved.height, area.height));
  if (reachable) return { x: saved.x, y: saved.y, width, height };
  return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height };
}
