// Export and copy of the current view. CSV / JSON carry every field of the CLI's connection
// output (shared/format: one field list, same names and order) so files from the app and from
// `netmon snapshot` line up, then the row's highlight status, which only the app has.
import type { Connection } from '../../shared/connection';
import {
  CONNECTION_CSV_HEADER,
  connectionCsvValues,
  connectionToJson,
  csvLine,
  eventToJson,
  EVENT_CSV_HEADER,
  formatEventCsvLine,
  neutraliseFormula,
  type ConnectionJson,
  type EventJson,
} from '../../shared/format';
import type { Column } from './columns';
import type { LoggedEvent, Row } from './rows';

export type RowJson = ConnectionJson & { status: string };

/** The row's connection with the times the store tracks filled in where the engine has not set them. */
function rowConnection(r: Row): Connection {
  return {
    ...r.c,
    firstSeenAt: r.c.firstSeenAt ?? r.firstSeen,
    lastChangeAt: r.c.lastChangeAt ?? r.lastChange,
    preexisting: r.c.preexisting ?? r.preexisting,
  };
}

export function rowToJson(r: Row): RowJson {
  return { ...connectionToJson(rowConnection(r)), status: r.status };
}

export function rowsToCsv(rows: readonly Row[]): string {
  let out = csvLine([...CONNECTION_CSV_HEADER, 'status']);
  for (const r of rows) out += csvLine([...connectionCsvValues(rowConnection(r)), r.status]);
  return out;
}

export function rowsToJson(rows: readonly Row[]): string {
  return JSON.stringify(rows.map(rowToJson), null, 2) + '\n';
}

export function eventsToCsv(events: readonly LoggedEvent[]): string {
  return csvLine(EVENT_CSV_HEADER) + events.map((e) => formatEventCsvLine(e)).join('');
}

export function eventsToJson(events: readonly LoggedEvent[]): string {
  const out: EventJson[] = events.map((e) => eventToJson(e));
  return JSON.stringify(out, null, 2) + '\n';
}

/**
 * Tab-separated, header first: pastes straight into a spreadsheet. Tabs / newlines in values become
 * spaces, and formula-like values are neutralised as in CSV (a spreadsheet would run them on paste).
 */
export function rowsToTsv(rows: readonly Row[], columns: readonly Column[]): string {
  const clean = (s: string) => neutraliseFormula(s.replace(/[\t\r\n]+/g, ' '));
  const lines = [columns.map((c) => c.label).join('\t')];
  for (const r of rows) lines.push(columns.map((c) => clean(c.text(r))).join('\t'));
  return lines.join('\n') + '\n';
}

/** `2024-05-01T12-00-00`: sortable and valid in every file system. */
export function fileTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/:/g, '-');
}

export function exportFileName(kind: 'connections' | 'events', ext: 'csv' | 'json', ms: number): string {
  return `netmon-${kind}-${fileTimestamp(ms)}.${ext}`;
}
