// User settings, persisted in localStorage and restored at start. Unknown or malformed stored
// values fall back to defaults field by field, so one bad value never loses the rest. The poll
// interval and pause are not here: they are the engine's state, the same for every viewer.
import { COLUMNS, TRAFFIC_COLUMNS, type ColumnKey, type SortSpec } from './columns';
import { DEFAULT_TOGGLES, type Toggles } from './toggles';
import { DEFAULT_LAYOUT, sanitizeLayout, type ColumnLayout } from './columnLayout';

export type Theme = 'system' | 'light' | 'dark';

export interface Settings {
  filter: string;
  toggles: Toggles;
  keepClosed: boolean;
  resolveNames: boolean;
  /** Show the traffic columns (Sent, Received, Send/s, …) in Connections. */
  trafficColumns: boolean;
  /** How long new / changed rows stay highlighted, ms (one of HIGHLIGHT_CHOICES_MS). */
  highlightMs: number;
  theme: Theme;
  sort: SortSpec;
  /** Order, hidden columns and resized widths of the Connections table. */
  columns: ColumnLayout;
}

/** Highlight durations offered, ms. */
export const HIGHLIGHT_CHOICES_MS = [2000, 5000, 10_000, 30_000] as const;

export const SETTINGS_KEY = 'netmon.settings.v1';

export const DEFAULT_SETTINGS: Settings = {
  filter: '',
  toggles: DEFAULT_TOGGLES,
  keepClosed: false,
  resolveNames: false,
  trafficColumns: false,
  highlightMs: 5000,
  theme: 'system',
  sort: { key: 'process', dir: 'asc' },
  columns: DEFAULT_LAYOUT,
};

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (e.g. opaque origin): run with defaults
  }
}

export function loadSettings(storage: StorageLike | null = defaultStorage()): Settings {
  let raw: unknown;
  try {
    const text = storage?.getItem(SETTINGS_KEY);
    raw = text ? JSON.parse(text) : null;
  } catch {
    raw = null;
  }
  return sanitize(raw);
}

export function saveSettings(s: Settings, storage: StorageLike | null = defaultStorage()): void {
  try {
    storage?.setItem(SETTINGS_KEY, JSON.stringify(s));
  } catch {
    // quota or disabled storage: settings simply do not persist
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function sanitize(raw: unknown): Settings {
  const d = DEFAULT_SETTINGS;
  if (!isObj(raw)) return { ...d, toggles: { ...d.toggles }, sort: { ...d.sort }, columns: sanitizeLayout(null) };
  const toggles = { ...d.toggles };
  if (isObj(raw.toggles)) {
    for (const k of Object.keys(toggles) as (keyof Toggles)[]) {
      const v = raw.toggles[k];
      if (typeof v === 'boolean') toggles[k] = v;
    }
  }
  let sort = { ...d.sort };
  if (isObj(raw.sort) && [...COLUMNS, ...TRAFFIC_COLUMNS].some((c) => c.key === (raw.sort as Record<string, unknown>).key)) {
    const dir = raw.sort.dir === 'desc' ? 'desc' : 'asc';
    sort = { key: raw.sort.key as ColumnKey, dir };
  }
  return {
    filter: typeof raw.filter === 'string' ? raw.filter : d.filter,
    toggles,
    keepClosed: typeof raw.keepClosed === 'boolean' ? raw.keepClosed : d.keepClosed,
    resolveNames: typeof raw.resolveNames === 'boolean' ? raw.resolveNames : d.resolveNames,
    trafficColumns: typeof raw.trafficColumns === 'boolean' ? raw.trafficColumns : d.trafficColumns,
    highlightMs: (HIGHLIGHT_CHOICES_MS as readonly number[]).includes(raw.highlightMs as number) ? (raw.highlightMs as number) : d.highlightMs,
    theme: raw.theme === 'light' || raw.theme === 'dark' || raw.theme === 'system' ? raw.theme : d.theme,
    sort,
    columns: sanitizeLayout(raw.columns),
  };
}
