import { describe, expect, it } from 'vitest';
import { connectionKey, TRAFFIC_FIELDS, type Connection, type ConnectionEvent } from './connection';
import { csvLine, EVENT_CSV_HEADER, eventToJson, formatEventCsvLine, formatEventJsonLine } from './format';
import { describeRecording, notARecording, parseRecordingText, RecordingParser } from './recording-reader';
import type { TrafficQuantity } from './traffic-range';

function ev(port: number, process: string | null = 'node'): ConnectionEvent {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 6, localAddress: 'fe80::1', localScopeId: 4, localPort: port, remoteAddress: '::1', remotePort: 80,
    state: 'ESTABLISHED', pid: 100, process,
  };
  return { type: 'opened', time: Date.UTC(2026, 0, 1) + port, connection: { id: connectionKey(c), ...c } };
}
// Multi-byte text, a quoted cell spanning lines, commas and quotes: what chunk splits must not break.
const EVENTS = [ev(1), ev(2, 'ппппппппп'), ev(3, 'two\nlines, "q"'), ev(4, '=formula'), ev(5, null), ev(6, '𝔫𝔢𝔱')];
const NDJSON = EVENTS.map(formatEventJsonLine).join('');
const CSV = csvLine(EVENT_CSV_HEADER) + EVENTS.map(formatEventCsvLine).join('');

/** Feeds `text` in pieces of `size` characters. */
function feed(text: string, size: number) {
  const events: ConnectionEvent[] = [];
  const p = new RecordingParser((e) => events.push(e));
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  return { events, summary: p.end() };
}

describe('RecordingParser', () => {
  for (const [name, text, lines] of [['ndjson', NDJSON, 6], ['csv', CSV, 8]] as const) {
    it(`${name}: the same events whatever the chunk size, every field back`, () => {
      const whole = parseRecordingText(text);
      expect(whole.summary).toMatchObject({ format: name, events: 6, lines, problemCount: 0, torn: null });
      expect(whole.events.map(eventToJson)).toEqual(EVENTS.map(eventToJson));
      for (const size of [1, 2, 3, 7, 64, 1000]) {
        const r = feed(text, size);
        expect([size, r.events.map(eventToJson)]).toEqual([size, EVENTS.map(eventToJson)]);
        expect(r.summary).toEqual(whole.summary);
      }
    });
  }

  it('CRLF NDJSON and blank lines are fine', () => {
    const r = parseRecordingText(NDJSON.replace(/\n/g, '\r\n\r\n'));
    expect([r.events.length, r.summary.problemCount]).toEqual([6, 0]);
  });

  it('an overlong line is skipped unread; the lines after it still count', () => {
    const text = formatEventJsonLine(ev(1)) + 'x'.repeat(5000) + '\n' + formatEventJsonLine(ev(2));
    const r = feed(text, 100);
    expect(r.events.map((e) => e.connection.localPort)).toEqual([1, 2]);
    // maxRecordLength below the event length: a separate parser with a small limit.
    const small: ConnectionEvent[] = [];
    const p = new RecordingParser((e) => small.push(e), { maxRecordLength: 1000 });
    for (let i = 0; i < text.length; i += 100) p.push(text.slice(i, i + 100));
    const s = p.end();
    expect(s.problems).toEqual([{ line: 2, message: 'longer than 1000 characters: not a netmon event' }]);
    expect(small.map((e) => e.connection.localPort)).toEqual([1, 2]);
    expect(s.lines).toBe(3);
  });

  // Values no OS table holds: each such line is skipped with its field named, the rest read.
  const outOfRange: [string, (l: string) => string, string][] = [
    ['localPort', (l) => l.replace('"localPort":2,', '"localPort":70000,'), 'field "localPort": 70000 is not a port (0 to 65535)'],
    ['remotePort', (l) => l.replace('"remotePort":80,', '"remotePort":-1,'), 'field "remotePort": -1 is not a port (0 to 65535)'],
    ['pid', (l) => l.replace('"pid":100,', '"pid":4294967296,'), 'field "pid": 4294967296 is not a whole number from 0 to 4294967295'],
    ['localScopeId', (l) => l.replace('"localScopeId":4,', '"localScopeId":1e20,'), 'field "localScopeId": 100000000000000000000 is not a whole number from 0 to 4294967295'],
    ['localAddress', (l) => l.replace('"localAddress":"fe80::1"', '"localAddress":"fe80::zz"'), 'field "localAddress": "fe80::zz" is not an IPv4 or IPv6 address'],
    ['remoteAddress', (l) => l.replace('"remoteAddress":"::1"', '"remoteAddress":"10.0.0.1"'), 'field "remoteAddress": "10.0.0.1" is not an IPv6 address (family is 6)'],
    ['sendRate', (l) => l.replace('"sendRate":null', '"sendRate":-5'), 'field "sendRate": -5 is not a number from 0 to 9007199254740991 (bytes/s)'],
    ['rttMs', (l) => l.replace('"rttMs":null', '"rttMs":1e308'), 'field "rttMs": 1e+308 is not a number from 0 to 4294967295 (ms)'],
    ['time', (l) => l.replace(/"time":"[^"]+"/, '"time":"+275760-09-13T00:00:00.001Z"'), 'field "time": "+275760-09-13T00:00:00.001Z" is not an ISO 8601 time'],
  ];
  it.each(outOfRange)('ndjson: an out-of-range %s skips that line with a clear error; the rest are read and the skip counted', (field, spoil, message) => {
    const lines = NDJSON.split('\n');
    const spoiled = spoil(lines[1]);
    expect(spoiled).not.toBe(lines[1]);
    lines[1] = spoiled;
    const r = parseRecordingText(lines.join('\n'));
    expect(r.events.map((e) => e.connection.localPort)).toEqual([1, 3, 4, 5, 6]);
    expect(r.summary.problemCount).toBe(1);
    expect(r.summary.problems).toEqual([{ line: 2, field, message }]);
    expect(describeRecording('f.ndjson', r.summary)).toBe(`f.ndjson: read 5 events from 6 lines; skipped 1 record (line 2: ${message})`);
  });

  it('fuzz: numbers and addresses swapped for hostile values never throw; every line is an in-range event or a counted skip', () => {
    // Seeded (a fixed LCG), so a failure replays; bounded to a few thousand lines.
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const hostile: unknown[] = [-1, 65536, 70000, 2 ** 32, 2 ** 53, 1e308, -0.5, 1.5, NaN, '1', '', 'fe80::zz', '1.2.3.4', '::1', null, true, [], {}];
    const fields = ['localPort', 'remotePort', 'pid', 'localScopeId', 'remoteScopeId', 'localAddress', 'remoteAddress', 'sendRate', 'rttMs', 'bytesSent', 'previousPid'];
    const base = JSON.parse(formatEventJsonLine(ev(7))) as { connection: Record<string, unknown> } & Record<string, unknown>;
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const e = structuredClone(base);
      const f = fields[Math.floor(rnd() * fields.length)];
      const v = hostile[Math.floor(rnd() * hostile.length)];
      if (f === 'previousPid') e.previousPid = v;
      else e.connection[f] = v;
      lines.push(JSON.stringify(e));
    }
    const r = parseRecordingText(lines.join('\n') + '\n');
    expect(r.summary.events + r.summary.problemCount).toBe(lines.length);
    expect(r.summary.problemCount).toBeGreaterThan(1000);
    const u32 = (v: unknown) => v == null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff);
    const port = (v: unknown) => v == null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535);
    for (const { connection: c, previousPid } of r.events) {
      expect([port(c.localPort), port(c.remotePort), u32(c.pid), u32(c.localScopeId), u32(c.remoteScopeId), u32(previousPid)]).toEqual([true, true, true, true, true, true]);
      expect(c.localAddress.includes(':')).toBe(true); // family 6, as recorded
      expect(c.remoteAddress === null || c.remoteAddress.includes(':')).toBe(true);
      expect([c.sendRate == null || (c.sendRate >= 0 && c.sendRate <= Number.MAX_SAFE_INTEGER), c.rttMs == null || (c.rttMs >= 0 && c.rttMs <= 0xffffffff)]).toEqual([true, true]);
      expect(c.bytesSent == null || (Number.isInteger(c.bytesSent) && c.bytesSent >= 0 && c.bytesSent <= Number.MAX_SAFE_INTEGER)).toBe(true);
    }
  });

  it('csv: out-of-range cells skip their record with the field named; every skip is counted', () => {
    const header = csvLine(EVENT_CSV_HEADER);
    const cells = (e: ConnectionEvent) => formatEventCsvLine(e).replace(/\r\n$/, '').split(',');
    const col = (f: string) => EVENT_CSV_HEADER.indexOf(f as (typeof EVENT_CSV_HEADER)[number]);
    const spoilt = (e: ConnectionEvent, f: string, v: string) => {
      const c = cells(e);
      c[col(f)] = v;
      return `${c.join(',')}\r\n`;
    };
    const text =
      header + formatEventCsvLine(ev(1)) + spoilt(ev(2), 'localPort', '65536') + spoilt(ev(3), 'pid', '99999999999') + formatEventCsvLine(ev(4));
    const r = parseRecordingText(text);
    expect(r.events.map((e) => e.connection.localPort)).toEqual([1, 4]);
    expect(r.summary.problemCount).toBe(2);
    expect(r.summary.problems).toEqual([
      { line: 3, field: 'localPort', message: 'field "localPort": 65536 is not a port (0 to 65535)' },
      { line: 4, field: 'pid', message: 'field "pid": 99999999999 is not a whole number from 0 to 4294967295' },
    ]);
  });

  // Each numeric traffic field at its documented edge (shared/traffic-range.ts): the largest value
  // an OS can report is read back; the next number up skips its record, named, and the rest are read.
  const S = Number.MAX_SAFE_INTEGER;
  const COUNT_TEXT = 'a whole number from 0 to 9007199254740991';
  const RATE_TEXT = 'a number from 0 to 9007199254740991 (bytes/s)';
  const RTT_TEXT = 'a number from 0 to 4294967295 (ms)';
  const edges: [TrafficQuantity, number, number, string][] = [
    ['bytesSent', S, 2 ** 53, COUNT_TEXT],
    ['bytesReceived', S, 2 ** 53, COUNT_TEXT],
    ['packetsSent', S, 2 ** 53, COUNT_TEXT],
    ['packetsReceived', S, 2 ** 53, COUNT_TEXT],
    ['retransmits', S, 2 ** 53, COUNT_TEXT],
    ['sendRate', S, 2 ** 53, RATE_TEXT],
    ['receiveRate', S, 2 ** 53, RATE_TEXT],
    ['rttMs', 0xffffffff, 0xffffffff + 0.5, RTT_TEXT],
    ['rttVarMs', 0xffffffff, 2 ** 32, RTT_TEXT],
  ];
  it('the edge table covers every numeric traffic field', () => {
    expect(edges.map(([f]) => f).sort()).toEqual(TRAFFIC_FIELDS.filter((f) => f !== 'limitedBy').sort());
  });
  const withTraffic = (port: number, f: TrafficQuantity, v: number): ConnectionEvent => {
    const e = ev(port);
    Object.assign(e.connection, { bytesSent: 10, bytesReceived: 20, packetsSent: 1, packetsReceived: 2, sendRate: 0.5, receiveRate: 1, rttMs: 0.25, rttVarMs: 0.125, retransmits: 0, limitedBy: 'sender' }, { [f]: v });
    return e;
  };
  for (const format of ['ndjson', 'csv'] as const) {
    it.each(edges)(`${format}: %s at its max (%d) is read back; just over it (%d) skips that record only, named`, (f, max, over, text) => {
      const events = [ev(1), withTraffic(2, f, max), withTraffic(3, f, over), ev(4)];
      const body = format === 'ndjson' ? events.map(formatEventJsonLine).join('') : csvLine(EVENT_CSV_HEADER) + events.map(formatEventCsvLine).join('');
      const r = parseRecordingText(body);
      expect(r.events.map((e) => e.connection.localPort)).toEqual([1, 2, 4]);
      expect(r.events[1].connection[f]).toBe(max);
      const message = `field "${f}": ${JSON.stringify(over)} is not ${text}`;
      expect(r.summary.problems).toEqual([{ line: format === 'ndjson' ? 3 : 4, field: f, message }]);
      expect(r.summary.problemCount).toBe(1);
    });
  }

  it('names the line and the field of a bad record, and keeps reading', () => {
    const bad = NDJSON.split('\n');
    bad[2] = bad[2].replace('"localPort":3', '"localPort":"3"');
    const r = parseRecordingText(bad.join('\n'));
    expect(r.events).toHaveLength(5);
    expect(r.summary.problems).toEqual([{ line: 3, field: 'localPort', message: 'field "localPort": "3" is not a port (0 to 65535)' }]);
    expect(describeRecording('f.ndjson', r.summary)).toBe(
      'f.ndjson: read 5 events from 6 lines; skipped 1 record (line 3: field "localPort": "3" is not a port (0 to 65535))',
    );
    const csvBad = CSV.replace(',ESTABLISHED,', ',SLEEPING,');
    const c = parseRecordingText(csvBad);
    expect(c.summary.problems[0]).toEqual({ line: 2, field: 'state', message: 'field "state": "SLEEPING" is not a TCP state or null' });
  });

  it('CSV: a header-less or foreign CSV is not a recording', () => {
    const r = parseRecordingText('a,b,c\r\n1,2,3\r\n');
    expect(notARecording('x.csv', r.summary)).toBe('x.csv is not a netmon recording: line 1: not JSON (2 lines read, no events)');
  });

  it('CSV recordings from before the scope / time / traffic columns still read', () => {
    const old =
      'time,type,protocol,family,localAddress,localPort,remoteAddress,remotePort,state,pid,process,previousState,previousPid\r\n' +
      '2024-01-02T03:04:05.060Z,changed,tcp,6,fe80::1%3,5000,::1,40000,CLOSE-WAIT,42,node,ESTABLISHED,\r\n';
    const r = parseRecordingText(old);
    expect(r.summary.problemCount).toBe(0);
    expect(r.events[0].connection).toMatchObject({ localAddress: 'fe80::1', localScopeId: 3, localPort: 5000, state: 'CLOSE-WAIT' });
    expect(r.events[0].previousState).toBe('ESTABLISHED');
  });

  it('fuzz: random and mangled input never throws, and every delivered event is whole (bounded)', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = '{}[]",:\\\n\r 0123456789abcdefnulltrue-+=@\'%.TZ';
    const started = Date.now();
    for (let round = 0; round < 400; round++) {
      const base = round % 2 ? NDJSON : CSV;
      let text = '';
      if (round % 3 === 0) for (let i = 0; i < 300; i++) text += alphabet[rnd(alphabet.length)];
      else {
        // Mangle a real recording: cut, duplicate and flip characters.
        const chars = [...base];
        for (let k = 0; k < 5; k++) chars.splice(rnd(chars.length), rnd(3), alphabet[rnd(alphabet.length)]);
        text = chars.slice(0, rnd(chars.length + 1)).join('');
      }
      const r = feed(text, 1 + rnd(50));
      for (const e of r.events) expect(() => formatEventJsonLine(e)).not.toThrow();
      expect(r.summary.events).toBe(r.events.length);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('a CSV number cell is read as the same number NDJSON would hold, or refused', () => {
  // netmon writes a number as JavaScript prints it (String(n)), which is always a JSON number
  // literal: 1e-7 for a tiny rate, never +1, 0x10, " 5 " or .5. Number() takes all of those, so a
  // hand-edited cell meant 16 (or nothing) silently; the NDJSON reader refuses them all.
  const cells = (e: ConnectionEvent) => formatEventCsvLine(e).replace(/\r\n$/, '').split(',');
  const col = (f: string) => EVENT_CSV_HEADER.indexOf(f as (typeof EVENT_CSV_HEADER)[number]);
  const withCell = (f: string, v: string): string => {
    const c = cells(ev(7));
    c[col(f)] = v;
    return `${csvLine(EVENT_CSV_HEADER)}${c.join(',')}\r\n`;
  };
  it.each([
    ['pid', '0x10'],
    ['pid', '+1'],
    ['pid', "'+1"],
    ['pid', ' 5 '],
    ['localPort', '0b11'],
    ['localPort', '0o7'],
    ['localPort', '.5'],
    ['localPort', '5.'],
    ['bytesSent', '1_000'],
    ['bytesSent', '00'],
    ['rttMs', 'Infinity'],
    ['rttMs', '1e'],
    ['localScopeId', '\t4'],
    // a whole-number field is digits only (netmon never writes 1e3 for a port)
    ['localPort', '1e3'],
    // the scope after % is digits and agrees with the scope column (4 here)
    ['localAddress', 'fe80::1%0x4'],
    ['localAddress', 'fe80::1% 4'],
    ['localAddress', 'fe80::1%'],
    ['localAddress', 'fe80::1%3'],
  ])('%s %j is refused, named', (f, v) => {
    const r = parseRecordingText(withCell(f, v));
    expect(r.events).toEqual([]);
    expect(r.summary.problems.map((p) => p.field)).toEqual([f]);
  });
  it.each([
    ['rttMs', '1e-7', 1e-7],
    ['sendRate', '2.5E+3', 2500],
    ['pid', '0', 0],
    ['bytesSent', '9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('%s %j is read as %d, as JSON reads it', (f, v, n) => {
    const r = parseRecordingText(withCell(f, v));
    expect(r.summary.problems).toEqual([]);
    expect((r.events[0].connection as unknown as Record<string, unknown>)[f]).toBe(n);
  });
  it('an address with its scope and no scope column (older recordings) takes the scope from the address', () => {
    const header = EVENT_CSV_HEADER.filter((h) => h !== 'localScopeId');
    const c = cells(ev(7));
    c.splice(col('localScopeId'), 1);
    const r = parseRecordingText(`${csvLine(header)}${c.join(',')}\r\n`);
    expect(r.summary.problems).toEqual([]);
    expect(r.events[0].connection).toMatchObject({ localAddress: 'fe80::1', localScopeId: 4 });
  });
});

describe('a recorded time is ISO 8601 with its zone, as netmon writes it (toISOString), or refused', () => {
  // Date.parse takes far more: "5" (May 2001), "Tue, 01 Dec 2026 01:00:00 GMT", and a time without
  // a zone, which it reads in the zone of the machine replaying the file: another hour elsewhere.
  const line = (time: string, firstSeenAt: string) => {
    const e = eventToJson(ev(9));
    return `${JSON.stringify({ ...e, time, connection: { ...e.connection, firstSeenAt } })}\n`;
  };
  const good = '2026-12-01T01:00:00.000Z';
  it.each(['5', '2026', 'Tue, 01 Dec 2026 01:00:00 GMT', '2026-12-01T01:00:00', '2026-12-01 01:00:00Z', '2026-12-01', ' 2026-12-01T01:00:00.000Z'])('%j is refused as the event time and as a field time', (bad) => {
    for (const [text, field] of [[line(bad, good), 'time'], [line(good, bad), 'firstSeenAt']]) {
      const r = parseRecordingText(text);
      expect(r.events).toEqual([]);
      expect(r.summary.problems.map((p) => p.field)).toEqual([field]);
    }
  });
  it.each([
    [good, Date.UTC(2026, 11, 1, 1)],
    ['2026-12-01T02:00:00+01:00', Date.UTC(2026, 11, 1, 1)],
    ['2026-12-01T01:00:00.5Z', Date.UTC(2026, 11, 1, 1) + 500],
    [new Date(Date.UTC(10000, 0, 1)).toISOString(), Date.UTC(10000, 0, 1)],
  ])('%s is read as %d', (time, ms) => {
    const r = parseRecordingText(line(time, time));
    expect(r.summary.problems).toEqual([]);
    expect([r.events[0].time, r.events[0].connection.firstSeenAt]).toEqual([ms, ms]);
  });
});

describe('a whole-number field written with a fraction or an exponent is refused, naming line and field', () => {
  // JSON.parse reads 5.0 and 5e0 as 5, so the value alone cannot tell; netmon writes counts, ports,
  // PIDs and scope ids as digits only, and the readers look at the text.
  const traffic: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 6, localAddress: 'fe80::1', localPort: 5000, localScopeId: 3, remoteAddress: 'fe80::2', remotePort: 6000,
    remoteScopeId: 5, state: 'ESTABLISHED', pid: 42, process: 'node', bytesSent: 10, bytesReceived: 20, packetsSent: 3, packetsReceived: 4,
    sendRate: 1.5, receiveRate: 2.25, rttMs: 0.05, rttVarMs: 1e-7, retransmits: 1,
  };
  const changed: ConnectionEvent = { type: 'changed', time: Date.UTC(2026, 0, 1), connection: { id: connectionKey(traffic), ...traffic }, previousState: 'SYN-SENT', previousPid: 7 };
  const good = formatEventJsonLine(changed);
  const WHOLE = ['family', 'localPort', 'localScopeId', 'remotePort', 'remoteScopeId', 'pid', 'previousPid', 'bytesSent', 'bytesReceived', 'packetsSent', 'packetsReceived', 'retransmits'];

  it('the recording as netmon writes it reads clean, fractional rates and RTTs included', () => {
    const r = parseRecordingText(good);
    expect(r.summary.problems).toEqual([]);
    expect(r.events[0].connection).toMatchObject({ sendRate: 1.5, rttMs: 0.05, rttVarMs: 1e-7, bytesSent: 10 });
  });

  it.each(WHOLE.flatMap((f) => ['.0', 'e0', '.0e0', 'E+0'].map((tail) => [f, tail])))('NDJSON %s written as N%s', (f, tail) => {
    const key = `"${f}":`;
    const at = good.indexOf(key) + key.length;
    const value = /^\d+/.exec(good.slice(at))![0];
    const line = good.slice(0, at) + value + tail + good.slice(at + value.length);
    // JSON.parse alone sees the same value: only the text differs.
    expect(JSON.stringify(JSON.parse(line))).toBe(JSON.stringify(JSON.parse(good)));
    const r = parseRecordingText(`${good}${line}${good}`);
    expect(r.events).toHaveLength(2);
    expect(r.summary.problems).toEqual([
      { line: 2, field: f, message: `field "${f}": ${value}${tail} at column ${at + 1} is written with a fraction or an exponent; this field is a whole number (digits only)` },
    ]);
  });

  it('NDJSON with spaces around the colon, as a hand-edited file may have, is refused the same', () => {
    const line = good.replace('"localPort":5000', '"localPort" :  5000.0');
    expect(parseRecordingText(line).summary.problems.map((p) => p.field)).toEqual(['localPort']);
  });

  it('text inside a string that looks like a field is not a field: a process named a,"pid":5.0 reads', () => {
    const named = { ...changed, connection: { ...changed.connection, process: 'a,"pid":5.0 {"family":6.0}', processPath: '/x/,"bytesSent": 1e3' } };
    const r = parseRecordingText(formatEventJsonLine(named));
    expect(r.summary.problems).toEqual([]);
    expect(r.events[0].connection.process).toBe('a,"pid":5.0 {"family":6.0}');
  });

  it.each(WHOLE.filter((f) => f !== 'previousPid').map((f) => [f]))('CSV %s written as N.0 is refused the same', (f) => {
    const header = csvLine(EVENT_CSV_HEADER);
    const cells = formatEventCsvLine(changed).replace(/\r\n$/, '').split(',');
    const i = EVENT_CSV_HEADER.indexOf(f as (typeof EVENT_CSV_HEADER)[number]);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(cells[i]).toMatch(/^\d+$/);
    const value = cells[i];
    cells[i] = `${value}.0`;
    const r = parseRecordingText(`${header}${cells.join(',')}\r\n`);
    expect(r.events).toEqual([]);
    expect(r.summary.problems).toEqual([
      { line: 2, field: f, message: `field "${f}": ${value}.0 is written with a fraction or an exponent; this field is a whole number (digits only)` },
    ]);
  });
});
