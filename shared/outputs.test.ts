// Every output carries every field: a fully populated Connection is written through every format
// netmon has (snapshot table / NDJSON / CSV, event text / JSON / CSV, both recording formats read
// back, the app's export) and each field is looked for, with its value, in each.
import { describe, expect, it } from 'vitest';
import { CONNECTION_JSON_FIELDS, connectionKey, type Connection, type ConnectionEvent } from './connection';
import {
  csvField,
  csvLine,
  EVENT_CSV_HEADER,
  eventToJson,
  formatCsv,
  formatEventCsvLine,
  formatEventJsonLine,
  formatEventText,
  formatEventTime,
  formatNdjson,
  formatTable,
  splitCsvRecord,
} from './format';
import { parseRecordingText } from './recording-reader';
import { rowsToCsv, rowsToJson, rowsToTsv } from '../renderer/store/exporter';
import { columnsFor } from '../renderer/store/columns';
import type { Row } from '../renderer/store/rows';

const T = Date.UTC(2026, 10, 30, 4, 5, 6, 789);

// Required<>: a field added to Connection must be filled here before this file type-checks.
const fullBase: Omit<Required<Connection>, 'id'> = {
  protocol: 'tcp',
  family: 6,
  localAddress: 'fe80::1',
  localPort: 22,
  localScopeId: 2,
  remoteAddress: 'fe80::2',
  remotePort: 50123,
  remoteScopeId: 3,
  state: 'ESTABLISHED',
  pid: 4242,
  process: 'sshd',
  processPath: '/usr/sbin/sshd',
  processStartTime: T - 3_600_000,
  createdAt: T - 60_000,
  firstSeenAt: T - 30_000,
  lastChangeAt: T - 1_000,
  preexisting: true,
  remoteHost: 'peer.example',
  bytesSent: 1_000_001,
  bytesReceived: 2_000_002,
  packetsSent: 301,
  packetsReceived: 402,
  sendRate: 1250.5,
  receiveRate: 2500.25,
  rttMs: 0.75,
  rttVarMs: 0.125,
  retransmits: 7,
  limitedBy: 'network',
};
const full: Connection = { id: connectionKey(fullBase), ...fullBase };

/** The JSON values each field must have: the fixture's own, times as ISO 8601 written out by hand. */
const EXPECTED_JSON: Record<string, unknown> = {
  ...fullBase,
  processStartTime: '2026-11-30T03:05:06.789Z',
  createdAt: '2026-11-30T04:04:06.789Z',
  firstSeenAt: '2026-11-30T04:04:36.789Z',
  lastChangeAt: '2026-11-30T04:05:05.789Z',
};
/** CSV prints addresses with their scope; everything else as its JSON value in text. */
const EXPECTED_CSV: Record<string, string> = Object.fromEntries(
  Object.entries(EXPECTED_JSON).map(([k, v]) => [k, String(v)]),
);
EXPECTED_CSV.localAddress = 'fe80::1%2';
EXPECTED_CSV.remoteAddress = 'fe80::2%3';

const FIELDS = Object.keys(fullBase);

/** header + one record → field → cell. */
function csvRecord(text: string, skip = 0): Map<string, string> {
  const [header, ...records] = text.split('\r\n');
  const names = splitCsvRecord(header);
  const cells = splitCsvRecord(records[skip]);
  expect(cells).toHaveLength(names.length);
  return new Map(names.map((n, i) => [n, cells[i]]));
}

const event: ConnectionEvent = { type: 'changed', time: T, connection: full, previousState: 'SYN-RECEIVED', previousPid: 17, previousProcess: 'sshd-session' };

describe('every output carries every field', () => {
  it('the output field list is every Connection field but the derived id', () => {
    expect([...CONNECTION_JSON_FIELDS].sort()).toEqual([...FIELDS].sort());
    expect(Object.keys(EXPECTED_JSON).sort()).toEqual([...FIELDS].sort());
  });

  it('snapshot --json', () => {
    expect(JSON.parse(formatNdjson([full]))).toEqual(EXPECTED_JSON);
  });

  it('snapshot --csv', () => {
    const rec = csvRecord(formatCsv([full]));
    for (const f of FIELDS) expect([f, rec.get(f)]).toEqual([f, EXPECTED_CSV[f]]);
  });

  it('event JSON (watch --json, NDJSON recordings)', () => {
    const o = JSON.parse(formatEventJsonLine(event)) as Record<string, unknown>;
    expect(o).toEqual({
      type: 'changed',
      time: '2026-11-30T04:05:06.789Z',
      connection: EXPECTED_JSON,
      previousState: 'SYN-RECEIVED',
      previousPid: 17,
      previousProcess: 'sshd-session',
    });
  });

  it('event CSV (CSV recordings, the app\'s events export)', () => {
    const rec = csvRecord(csvLine(EVENT_CSV_HEADER) + formatEventCsvLine(event));
    for (const f of FIELDS) expect([f, rec.get(f)]).toEqual([f, EXPECTED_CSV[f]]);
    expect([rec.get('time'), rec.get('type'), rec.get('previousState'), rec.get('previousPid'), rec.get('previousProcess')]).toEqual([
      '2026-11-30T04:05:06.789Z', 'changed', 'SYN-RECEIVED', '17', 'sshd-session',
    ]);
  });

  it('both recording formats read back every field', () => {
    for (const text of [formatEventJsonLine(event), csvLine(EVENT_CSV_HEADER) + formatEventCsvLine(event)]) {
      const { events, summary } = parseRecordingText(text);
      expect(summary.problemCount).toBe(0);
      expect(events).toHaveLength(1);
      expect(eventToJson(events[0]).connection).toEqual(EXPECTED_JSON);
      expect(events[0].connection.id).toBe(full.id);
      expect(events[0].previousProcess).toBe('sshd-session');
    }
  });

  it("the app's export (CSV and JSON)", () => {
    const row: Row = { id: full.id, seq: 1, c: full, firstSeen: 0, preexisting: false, lastChange: 0, status: 'changed', statusAt: 0 };
    const rec = csvRecord(rowsToCsv([row]));
    for (const f of FIELDS) expect([f, rec.get(f)]).toEqual([f, EXPECTED_CSV[f]]);
    const [o] = JSON.parse(rowsToJson([row])) as Record<string, unknown>[];
    expect(o).toEqual({ ...EXPECTED_JSON, status: 'changed' });
  });

  it('text lines carry the scoped endpoints', () => {
    expect(formatTable([full])).toContain('[fe80::1%2]:22  [fe80::2%3]:50123');
    expect(formatEventText(event, { utc: true })).toContain('[fe80::1%2]:22→[fe80::2%3]:50123');
  });
});

describe('two listeners on fe80::1%2 and fe80::1%3 (issue example) print as two different lines', () => {
  const listener = (scope: number): Connection => {
    const c: Omit<Connection, 'id'> = {
      protocol: 'tcp', family: 6, localAddress: 'fe80::1', localPort: 22, localScopeId: scope, remoteAddress: '::', remotePort: 0,
      state: 'LISTEN', pid: 1, process: 'sshd',
    };
    return { id: connectionKey(c), ...c };
  };
  const two = [listener(2), listener(3)];
  const lines = (text: string) => text.split(/\r?\n/).filter((l) => l !== '');

  it('in every format', () => {
    const outputs: Record<string, string[]> = {
      table: lines(formatTable(two)).slice(1),
      ndjson: lines(formatNdjson(two)),
      csv: lines(formatCsv(two)).slice(1),
      eventText: two.map((c) => formatEventText({ type: 'opened', time: T, connection: c }, { utc: true })),
      eventJson: two.map((c) => formatEventJsonLine({ type: 'opened', time: T, connection: c })),
      eventCsv: two.map((c) => formatEventCsvLine({ type: 'opened', time: T, connection: c })),
    };
    for (const [name, [a, b]] of Object.entries(outputs)) expect([name, a === b]).toEqual([name, false]);
    expect(outputs.table[0]).toContain('[fe80::1%2]:22');
    expect(outputs.table[1]).toContain('[fe80::1%3]:22');
    expect(JSON.parse(outputs.ndjson[1])).toMatchObject({ localAddress: 'fe80::1', localScopeId: 3, remoteScopeId: null });
    expect(outputs.csv[0].startsWith('tcp,6,fe80::1%2,22,2,::,0,,LISTEN,')).toBe(true);
  });
});

describe('CSV injection', () => {
  const nasty = ['=HYPERLINK("http://x","y")', '+1+1', '-bash', '@SUM(A1)', '\tcmd', '\rcmd', "'=already", "''+twice", "'plain", 'safe'];

  it('formula-like cells get a leading quote; others are left alone', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-bash')).toBe("'-bash");
    expect(csvField('@x')).toBe("'@x");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe('"\'\rx"');
    expect(csvField("'=x")).toBe("''=x");
    expect(csvField("'plain")).toBe("'plain");
    expect(csvField('a=b')).toBe('a=b');
  });

  // What the cell must hold, written out per value.
  const WRITTEN: Record<string, string> = {
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    '+1+1': "'+1+1",
    '-bash': "'-bash",
    '@SUM(A1)': "'@SUM(A1)",
    '\tcmd': "'\tcmd",
    '\rcmd': "'\rcmd",
    "'=already": "''=already",
    "''+twice": "'''+twice",
    "'plain": "'plain",
    safe: 'safe',
  };
  const written = (v: string) => WRITTEN[v];

  it('every CSV netmon writes (snapshot, recordings, export) neutralises; the reader restores the value', () => {
    for (const process of nasty) {
      const c = { ...full, process, remoteHost: process, processPath: process };
      for (const [name, text] of [
        ['snapshot --csv', formatCsv([c])],
        ['export', rowsToCsv([{ id: c.id, seq: 1, c, firstSeen: 0, preexisting: false, lastChange: 0, status: '', statusAt: 0 }])],
      ] as const) {
        const rec = csvRecord(text);
        for (const f of ['process', 'remoteHost', 'processPath']) expect([name, f, rec.get(f)]).toEqual([name, f, written(process)]);
      }
      const recording = csvLine(EVENT_CSV_HEADER) + formatEventCsvLine({ type: 'opened', time: T, connection: c });
      expect(csvRecord(recording).get('process')).toBe(written(process));
      const back = parseRecordingText(recording).events[0].connection;
      expect([back.process, back.remoteHost, back.processPath]).toEqual([process, process, process]);
    }
  });

  it('the copied (tab-separated) view is neutralised too', () => {
    const c = { ...full, process: '=cmd|calc' };
    const tsv = rowsToTsv([{ id: c.id, seq: 1, c, firstSeen: 0, preexisting: false, lastChange: 0, status: '', statusAt: 0 }], columnsFor(false).slice(0, 1));
    expect(tsv).toBe("Process\n'=cmd|calc\n");
  });
});

describe('event times with date and zone', () => {
  it('--utc ends in Z; --date adds the date; local time carries its offset', () => {
    expect(formatEventTime(T, { utc: true })).toBe('04:05:06.789Z');
    expect(formatEventTime(T, { utc: true, date: true })).toBe('2026-11-30T04:05:06.789Z');
    const local = formatEventTime(T, { date: true });
    expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    // The printed local time and offset name the same instant.
    expect(Date.parse(local)).toBe(T);
    expect(formatEventTime(T)).toMatch(/^\d\d:\d\d:\d\d\.789$/);
    expect(formatEventText({ type: 'opened', time: T, connection: full }, { utc: true, date: true })).toMatch(/^2026-11-30T04:05:06\.789Z OPENED /);
  });
});
