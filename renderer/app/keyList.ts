// The app's keys as users read them: one list for the help panel (the "?" beside the filter) and the
// README's "Keyboard" section, which a test holds to it, so the two cannot drift apart.

export interface KeyHelp {
  /** The keys, as printed (Windows names: Ctrl, Shift, Alt; arrows as ← → ↑ ↓). */
  keys: string;
  /** What they do, and where. */
  what: string;
}

export const KEY_LIST: readonly KeyHelp[] = [
  { keys: 'F6 / Shift+F6', what: 'next / previous region: filter box, timeline, table, details pane' },
  { keys: 'Ctrl+F', what: 'the filter box' },
  { keys: 'Space', what: 'freeze / unfreeze the view (outside text fields and buttons)' },
  { keys: '↑ ↓ PgUp PgDn Home End', what: 'move in a table; with Shift, extend the selection; Ctrl+A selects all' },
  { keys: 'Enter', what: 'the details pane of the row (on a header: sort by it)' },
  { keys: 'Ctrl+C', what: 'copy the selected rows, tab-separated' },
  { keys: 'Shift+F10 / Menu key', what: 'the row’s context menu; on a header, the column menu' },
  { keys: '← → Home End', what: 'on a header, in the top bar’s buttons, the quick filters, the view tabs or the timeline’s spans: the next / previous one (each row is one Tab stop)' },
  { keys: 'Alt+← →', what: 'on a header: move the column; Ctrl+← → resizes it (Shift: five steps)' },
  { keys: '← → Home End PgUp PgDn', what: 'on the timeline: move its cursor one sample (Home / End: to either end; PgUp / PgDn: a tenth)' },
  { keys: 'Shift+← →', what: 'on the timeline: extend a span from the cursor; Enter shows its events, Escape clears it' },
  { keys: 'Escape', what: 'close a menu, the help or the details pane; clear the filter text; then the timeline’s span' },
];

/** The list as a Markdown table's rows, `| keys | what |` (the README's "Keyboard" section). */
export function keyListMarkdown(list: readonly KeyHelp[] = KEY_LIST): string {
  return list.map((k) => `| ${k.keys} | ${k.what} |`).join('\n');
}

/** Width of the help panel's key column, characters: a longer key has its words on the next line. */
const KEY_COLUMN = 24;

/**
 * The list as plain text for the help panel: one key a line, keys padded to KEY_COLUMN; a longer
 * key stands alone with what it does on the next line, under the column (no wide gap for all).
 */
export function keyListText(list: readonly KeyHelp[] = KEY_LIST): string {
  const pad = ' '.repeat(KEY_COLUMN + 4);
  return list.map((k) => (k.keys.length <= KEY_COLUMN ? `  ${k.keys.padEnd(KEY_COLUMN)}  ${k.what}` : `  ${k.keys}\n${pad}${k.what}`)).join('\n');
}
