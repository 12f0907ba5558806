import { describe, expect, it } from 'vitest';
import { csvLine, EVENT_CSV_HEADER, eventToJson, formatEventCsvLine, formatEventJsonLine } from '../../shared/format';
import type { ConnectionEvent } from '../../shared/connection';
import { openRecordingFile } from './recording';
import { conn } from '../test/fixtures';

const ev = (port: number, process = 'node'): ConnectionEvent => ({ type: 'opened', time: Date.UTC(2026, 0, 1, 0, 0, port), connection: conn({ localPort: port, process }) });
const EVENTS = [ev(1), ev(2, 'ппппп'), ev(3, '=x'), ev(4)];
const file = (text: string, name: string) => new File([text], name);

describe('openRecordingFile (the app opening a recording)', () => {
  it('opens CSV recordings as well as NDJSON, read in slices (multi-byte text split across them)', async () => {
    const csv = csvLine(EVENT_CSV_HEADER) + EVENTS.map(formatEventCsvLine).join('');
    const ndjson = EVENTS.map(formatEventJsonLine).join('');
    for (const [name, text] of [['rec.csv', csv], ['rec.ndjson', ndjson]]) {
      for (const sliceBytes of [1, 5, 1 << 20]) {
        const r = await openRecordingFile(file(text, name), { sliceBytes });
        expect([name, sliceBytes, r.log.toArray().map(eventToJson)]).toEqual([name, sliceBytes, EVENTS.map(eventToJson)]);
        expect(r.notice).toBeNull();
      }
    }
  });

  it('a torn last record is skipped and said so; the rest is shown', async () => {
    const text = EVENTS.map(formatEventJsonLine).join('').slice(0, -40);
    const r = await openRecordingFile(file(text, 'cut.ndjson'));
    expect(r.log.length).toBe(3);
    expect(r.notice).toBe('cut.ndjson: read 3 events from 4 lines; the last record (line 4) was cut off mid-write and skipped');
  });

  it('a record whose traffic no OS can report (rttMs 1e308) is skipped, named in the notice; the rest is shown', async () => {
    const traffic = (port: number, rttMs: number): ConnectionEvent => ({ ...ev(port), connection: conn({ localPort: port, rttMs, bytesSent: 10 }) });
    const events = [traffic(1, 3.5), traffic(2, 1e308), traffic(3, 0xffffffff)];
    const csv = csvLine(EVENT_CSV_HEADER) + events.map(formatEventCsvLine).join('');
    const ndjson = events.map(formatEventJsonLine).join('');
    for (const [name, text, line, lines] of [['t.csv', csv, 3, 4], ['t.ndjson', ndjson, 2, 3]] as const) {
      const r = await openRecordingFile(file(text, name));
      expect(r.log.toArray().map((e) => [e.connection.localPort, e.connection.rttMs])).toEqual([[1, 3.5], [3, 0xffffffff]]);
      expect(r.notice).toBe(`${name}: read 2 events from ${lines} lines; skipped 1 record (line ${line}: field "rttMs": 1e+308 is not a number from 0 to 4294967295 (ms))`);
    }
  });

  it('keeps the newest events up to its capacity and says how many were not kept', async () => {
    const r = await openRecordingFile(file(EVENTS.map(formatEventJsonLine).join(''), 'big.ndjson'), { capacity: 2 });
    expect(r.log.toArray().map((e) => e.connection.localPort)).toEqual([3, 4]);
    expect([r.summary.events, r.dropped]).toEqual([4, 2]);
    expect(r.notice).toBe('showing the newest 2 of 4 events');
  });

  it('a file that is not a recording is an error naming it, the line and the field', async () => {
    const text = '{"type":"opened","connection":{}}\n';
    await expect(openRecordingFile(file(text, 'x.ndjson'))).rejects.toThrow(
      'x.ndjson is not a netmon recording: line 1: field "time": missing (expected an ISO 8601 time) (1 line read, no events)',
    );
  });
});
