// Window size, position, maximised state and the theme, kept across runs in userData/window-state.json.
// The file is read with suspicion (hand-edited, truncated, from another machine): anything invalid
// falls back to the defaults, and a window that would open off every screen is brought back.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { BoundedReadError, readBoundedFile } from '../bounded-file';
import path from 'node:path';
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

/** The saved state as read, and why any of it fell back to the defaults (null: nothing did). */
export interface WindowStateRead {
  state: WindowState;
  problem: string | null;
}

/**
 * Parses the saved state; never throws. Invalid parts fall back to the defaults, each named in
 * `problem` (`not JSON`, `bounds ignored: …`). A leading byte-order mark (Notepad) is dropped.
 */
export function decodeWindowState(text: string | null): WindowStateRead {
  const defaults = (problem: string | null): WindowStateRead => ({ state: { ...DEFAULT_WINDOW_STATE }, problem });
  if (text === null) return defaults(null);
  let raw: unknown;
  try {
    raw = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch {
    return defaults('not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return defaults('not a JSON object');
  const r = raw as Record<string, unknown>;
  const problems: string[] = [];
  const b = r.bounds as Record<string, unknown> | null | undefined;
  const bounds = b && typeof b === 'object' && isCoord(b.x) && isCoord(b.y) && isSize(b.width) && isSize(b.height)
    ? { x: b.x, y: b.y, width: b.width, height: b.height }
    : null;
  if (bounds === null && b !== null && b !== undefined) problems.push('bounds ignored (not whole numbers within ±100000, sizes above 0)');
  if (r.maximized !== undefined && typeof r.maximized !== 'boolean') problems.push('maximized ignored (not true or false)');
  if (r.theme !== undefined && !isThemeSource(r.theme)) problems.push('theme ignored (not system, light or dark)');
  const state = { bounds, maximized: r.maximized === true, theme: isThemeSource(r.theme) ? r.theme : 'system' } as const;
  return { state, problem: problems.length ? problems.join('; ') : null };
}

/** Parses the saved state; never throws (invalid parts fall back to the defaults). */
export function parseWindowState(text: string | null): WindowState {
  return decodeWindowState(text).state;
}

/** The largest window-state file read (it holds ~100 bytes); anything larger is not netmon's. */
export const MAX_WINDOW_STATE_BYTES = 64 * 1024;

/**
 * Reads the saved state from `file` (userData/window-state.json) at start-up; never throws. Only
 * a regular file of at most MAX_WINDOW_STATE_BYTES is read: a FIFO there would block the start
 * for ever, a device or a 2 GB file would never end or bloat it. The file is opened first
 * (non-blocking, so a FIFO without a writer does not wait) and its type and size taken from the
 * open handle (fstat), so it cannot be swapped between the check and the read.
 * @returns the state (defaults where it cannot be used) and why, if it could not: null when it
 *   was read whole and valid, or does not exist (the first start).
 */
export function readWindowStateFile(file: string): WindowStateRead {
  try {
    return decodeWindowState(readBoundedFile(file, MAX_WINDOW_STATE_BYTES).toString('utf8'));
  } catch (e) {
    const state = { ...DEFAULT_WINDOW_STATE };
    if (!(e instanceof BoundedReadError)) return { state, problem: `cannot read it (${String(e)})` };
    if (e.kind === 'open' && e.code === 'ENOENT') return { state, problem: null };
    if (e.kind === 'size' && e.size !== undefined && e.size > MAX_WINDOW_STATE_BYTES) {
      return { state, problem: `${e.size} bytes, more than the ${MAX_WINDOW_STATE_BYTES} a window state can be` };
    }
    return { state, problem: e.reason };
  }
}

export function serializeWindowState(state: WindowState): string {
  return `${JSON.stringify(state)}\n`;
}

/**
 * Saves `state` to `file`: written whole to `file.<pid>.tmp` beside it, then renamed over it. Opening
 * the file itself for writing would block for ever were it a FIFO (and leave half a file if the
 * app died mid-write); a rename replaces whatever entry is there without opening it.
 * @throws the fs error (the caller logs it; the window state is not worth more).
 */
export function writeWindowStateFile(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  try {
    // `wx`: a new regular file, never one (or a FIFO) found at the name.
    writeFileSync(tmp, serializeWindowState(state), { flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
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
