// Export and copy of the current view. CSV / JSON keep the CLI's field names and order (from
// shared/format) so files from the app and from `netmon snapshot` line up, then add what only
// the app knows (host name, creation / first-seen / last-change times, highlight).
import {
  CONNECTION_CSV_HEADER,
  connectionCsvValues,
  connectionToJson,
  csvLine,
  eventToJson,
  EVENT_CSV_HEADER,
  formatEventCsvLine,
  type ConnectionJson,
  type EventJson,
} from '../../shared/format';
import type { Column } from './columns';
import type { LoggedEvent, Row } from './rows';

const EXTRA_FIELDS = ['remoteHost', 'createdAt', 'firstSeen', 'lastChange', 'status'] as const;

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export type RowJson = ConnectionJson & {
  remoteHost: string | null;
  createdAt: string | null;
  firstSeen: string;
  lastChange: string;
  status: string;
};

export function rowToJson(r: Row): RowJson {
  return {
    ...connectionToJson(r.c),
    remoteHost: r.c.remoteHost ?? null,
    createdAt: iso(r.c.createdAt),
    firstSeen: iso(r.firstSeen) as string,
    lastChange: iso(r.lastChange) as string,
    status: r.status,
  };
}

export function rowsToCsv(rows: readonly Row[]): string {
  let out = csvLine([...CONNECTION_CSV_HEADER, ...EXTRA_FIELDS]);
  for (const r of rows) {
    out += csvLine([...connectionCsvValues(r.c), r.c.remoteHost ?? null, iso(r.c.createdAt), iso(r.firstSeen), iso(r.lastChange), r.status]);
  }
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

/** Tab-separated, header first: pastes straight into a spreadsheet. Tabs / newlines in values become spaces. */
export function rowsToTsv(rows: readonly Row[], columns: readonly Column[]): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
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
