import { describe, expect, it } from 'vitest';
import { CONNECTION_JSON_FIELDS, connectionKey, type Connection, type ConnectionEvent } from './connection';
import {
  csvField,
  EVENT_CSV_HEADER,
  eventToJson,
  formatCsv,
  formatEndpoint,
  formatEventCsvLine,
  formatEventJsonLine,
  formatEventText,
  formatNdjson,
  formatTable,
  isoTime,
  parseEventJsonLine,
  RecordFormatError,
} from './format';

function conn(c: Omit<Connection, 'id'>): Connection {
  return { id: connectionKey(c), ...c };
}

const tcp4 = conn({
  protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 5000, remoteAddress: '127.0.0.1', remotePort: 40000,
  state: 'ESTABLISHED', pid: 42, process: 'node', processPath: '/usr/bin/node', remoteHost: 'localhost',
});
const tcp6 = conn({
  protocol: 'tcp', family: 6, localAddress: 'fe80::1', localPort: 22, localScopeId: 3, remoteAddress: '::', remotePort: 0,
  state: 'LISTEN', pid: null, process: null,
});
const udp = conn({
  protocol: 'udp', family: 4, localAddress: '0.0.0.0', localPort: 53, remoteAddress: null, remotePort: null,
  state: null, pid: 7, process: 'a "quoted", name',
});

describe('isoTime', () => {
  it('gives ISO text for any time a Date holds and null, never a throw, beyond it', () => {
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTime(8.64e15)).toBe('+275760-09-13T00:00:00.000Z');
    for (const bad of [8.64e15 + 1, -8.64e15 - 1, 1e308, Infinity, NaN, null, undefined]) expect(isoTime(bad)).toBeNull();
  });
});

describe('formatEndpoint', () => {
  it('IPv4, IPv6 in brackets with scope, UDP remote', () => {
    expect(formatEndpoint('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(formatEndpoint('::1', 443)).toBe('[::1]:443');
    expect(formatEndpoint('fe80::1', 22, 3)).toBe('[fe80::1%3]:22');
    expect(formatEndpoint('fe80::1', 22, 0)).toBe('[fe80::1]:22');
    expect(formatEndpoint(null, null)).toBe('*:*');
  });
});

describe('formatTable', () => {
  it('aligns columns under a header, no trailing blanks', () => {
    const out = formatTable([tcp4, tcp6, udp]);
    const lines = out.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1)).toEqual([
      'PROTO  LOCAL           REMOTE           STATE        PID  PROCESS',
      'tcp    127.0.0.1:5000  127.0.0.1:40000  ESTABLISHED  42   node',
      // a listener has no remote side: shown as a UDP endpoint's is
      'tcp6   [fe80::1%3]:22  *:*              LISTEN       —    (unknown)',
      'udp    0.0.0.0:53      *:*              —            7    a "quoted", name',
    ]);
  });
  it('prints only the header for no rows', () => {
    expect(formatTable([])).toBe('PROTO  LOCAL  REMOTE  STATE  PID  PROCESS\n');
  });
});

describe('NDJSON', () => {
  it('has exactly the contract fields, in order', () => {
    const lines = formatNdjson([tcp4, udp]).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const o = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual([...CONNECTION_JSON_FIELDS]);
    expect(o).toMatchObject({
      protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 5000, localScopeId: null, remoteAddress: '127.0.0.1',
      remotePort: 40000, remoteScopeId: null, state: 'ESTABLISHED', pid: 42, process: 'node', processPath: '/usr/bin/node',
      remoteHost: 'localhost', createdAt: null, bytesSent: null, limitedBy: null,
    });
    const u = JSON.parse(lines[1]) as Record<string, unknown>;
    expect(u.remoteAddress).toBeNull();
    expect(u.state).toBeNull();
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
  });
  it('header then one CRLF record per connection', () => {
    const out = formatCsv([tcp4, udp]);
    const empties = (n: number) => ','.repeat(n);
    expect(out).toBe(
      CONNECTION_JSON_FIELDS.join(',') + '\r\n' +
        `tcp,4,127.0.0.1,5000,,127.0.0.1,40000,,ESTABLISHED,42,node,/usr/bin/node${empties(6)}localhost${empties(10)}\r\n` +
        `udp,4,0.0.0.0,53,,,,,,7,"a ""quoted"", name"${empties(17)}\r\n`,
    );
  });
});

describe('events', () => {
  const t = Date.UTC(2024, 0, 2, 3, 4, 5, 60);
  const opened: ConnectionEvent = { type: 'opened', time: t, connection: tcp4 };
  const changed: ConnectionEvent = {
    type: 'changed', time: t, connection: { ...tcp4, state: 'CLOSE-WAIT' }, previousState: 'ESTABLISHED', previousPid: 42,
  };
  const owner: ConnectionEvent = { type: 'changed', time: t, connection: tcp4, previousState: 'ESTABLISHED', previousPid: 0 };

  it('text line', () => {
    expect(formatEventText(opened, { utc: true })).toBe(
      '03:04:05.060Z OPENED  tcp 127.0.0.1:5000→127.0.0.1:40000 ESTABLISHED pid 42 node\n',
    );
    expect(formatEventText(changed, { utc: true })).toBe(
      '03:04:05.060Z CHANGED tcp 127.0.0.1:5000→127.0.0.1:40000 (ESTABLISHED→CLOSE-WAIT) pid 42 node\n',
    );
    expect(formatEventText(owner, { utc: true })).toContain('ESTABLISHED pid 0→42 node');
    expect(formatEventText({ type: 'closed', time: t, connection: udp }, { utc: true })).toBe(
      '03:04:05.060Z CLOSED  udp 0.0.0.0:53→*:* — pid 7 a "quoted", name\n',
    );
  });

  it('JSON line: type, ISO time, connection, previousState only on changed', () => {
    const o = JSON.parse(formatEventJsonLine(opened)) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['type', 'time', 'connection']);
    expect(o.time).toBe('2024-01-02T03:04:05.060Z');
    expect(Object.keys(o.connection as object)).toEqual([...CONNECTION_JSON_FIELDS]);
    const c = JSON.parse(formatEventJsonLine(changed)) as Record<string, unknown>;
    expect(c.previousState).toBe('ESTABLISHED');
    expect('previousPid' in c).toBe(false);
    expect(eventToJson(owner).previousPid).toBe(0);
    const reowned = eventToJson({ ...owner, previousProcess: 'System Idle Process' });
    expect(reowned.previousProcess).toBe('System Idle Process');
    expect('previousProcess' in eventToJson({ ...changed, previousProcess: 'node' })).toBe(false);
  });

  it('CSV line matches the header', () => {
    const line = formatEventCsvLine(changed);
    expect(line).toBe(
      `2024-01-02T03:04:05.060Z,changed,tcp,4,127.0.0.1,5000,,127.0.0.1,40000,,CLOSE-WAIT,42,node,/usr/bin/node${','.repeat(6)}localhost${','.repeat(10)},ESTABLISHED,,\r\n`,
    );
    expect(line.split(',').length).toBe(EVENT_CSV_HEADER.length);
  });

  it('JSON lines read back into equal events', () => {
    for (const e of [opened, changed, owner, { type: 'closed', time: t, connection: udp } as ConnectionEvent]) {
      const back = parseEventJsonLine(formatEventJsonLine(e));
      expect(back.type).toBe(e.type);
      expect(back.time).toBe(e.time);
      expect(back.connection.id).toBe(e.connection.id);
      expect(formatEventJsonLine(back)).toBe(formatEventJsonLine(e));
    }
  });

  it('rejects malformed lines', () => {
    expect(() => parseEventJsonLine('{')).toThrow(RecordFormatError);
    expect(() => parseEventJsonLine('{"type":"boom","time":"2024-01-01T00:00:00Z"}')).toThrow(
      'field "type": "boom" is not opened, closed or changed',
    );
    const good = JSON.parse(formatEventJsonLine(opened)) as { connection: Record<string, unknown> };
    good.connection.state = 'SLEEPING';
    expect(() => parseEventJsonLine(JSON.stringify(good))).toThrow('field "state": "SLEEPING" is not a TCP state or null');
  });
});
