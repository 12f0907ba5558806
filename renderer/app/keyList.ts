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
  { keys: '← → Home End on a header', what: 'the next / previous column header (the header row is one Tab stop)' },
  { keys: 'Alt+← → on a header', what: 'move the column; Ctrl+← → resizes it (Shift: five steps)' },
  { keys: '← → Home End PgUp PgDn on the timeline', what: 'move its cursor one sample (Home / End: to either end; PgUp / PgDn: a tenth of the chart)' },
  { keys: 'Shift+← → on the timeline', what: 'extend a span from the cursor; Enter shows its events, Escape clears it' },
  { keys: 'Escape', what: 'close a menu, the help or the details pane; clear the filter text; then the timeline’s span' },
];

/** The list as a Markdown table's rows, `| keys | what |` (the README's "Keyboard" section). */
export function keyListMarkdown(list: readonly KeyHelp[] = KEY_LIST): string {
  return list.map((k) => `| ${k.keys} | ${k.what} |`).join('\n');
}

/** The list as plain text, one key per line, keys padded to one column (the help panel). */
export function keyListText(list: readonly KeyHelp[] = KEY_LIST): string {
  const w = Math.max(...list.map((k) => k.keys.length));
  return list.map((k) => `  ${k.keys.padEnd(w)}  ${k.what}`).join('\n');
}
