// The whole-number check of the recording readers (5.0 / 5e0 refused for a count, port, PID, scope
// id or family) looks at the line's text: it must not refuse a valid recording written in another
// JSON spelling than netmon's own — members in another order, whitespace between tokens, exponents
// in fractional fields, escapes and look-alike text inside strings.
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from './connection';
import { formatEventJsonLine } from './format';
import { parseRecordingText } from './recording-reader';

const c: Omit<Connection, 'id'> = {
  protocol: 'tcp', family: 6, localAddress: 'fe80::1', localPort: 5000, localScopeId: 3, remoteAddress: 'fe80::2', remotePort: 6000,
  remoteScopeId: 5, state: 'ESTABLISHED', pid: 42, process: 'node', processPath: '/usr/bin/node', bytesSent: 10, bytesReceived: 20,
  packetsSent: 3, packetsReceived: 4, sendRate: 1.5, receiveRate: 2.25, rttMs: 0.05, rttVarMs: 1e-7, retransmits: 1,
};
const event: ConnectionEvent = { type: 'changed', time: Date.UTC(2026, 0, 1), connection: { id: connectionKey(c), ...c }, previousState: 'SYN-SENT', previousPid: 7 };
const good = formatEventJsonLine(event).trimEnd();
const expected = parseRecordingText(good).events;

/** `v` with the members of every object in reverse order. */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]));
}

describe('a valid recording in another JSON spelling reads as netmon\'s own', () => {
  it('the line as netmon writes it reads clean', () => {
    expect(expected).toHaveLength(1);
    expect(parseRecordingText(good).summary.problems).toEqual([]);
  });

  const spellings: Array<[string, string]> = [
    ['members in reverse order', JSON.stringify(reversed(JSON.parse(good)))],
    // Indented JSON with its line breaks turned into spaces: a tab or spaces between every token.
    ['spaces and tabs between tokens', JSON.stringify(JSON.parse(good), null, '\t').replace(/\n/g, ' ')],
    ['spaces before the colons', good.replace(/":/g, '"  :')],
    ['exponents in fractional fields', good.replace('"sendRate":1.5', '"sendRate":15e-1').replace('"rttMs":0.05', '"rttMs":5E-2')],
    ['a string escaping its letters', good.replace('"process":"node"', '"process":"\\u006eode"')],
    ['text in strings like a whole field with a fraction', good.replace('"/usr/bin/node"', '"/usr/bin/node\\",\\"pid\\":5.0 ,\\"family\\" : 6e0"')],
  ];

  it.each(spellings)('%s', (_, line) => {
    expect(JSON.parse(line)).toBeTypeOf('object');
    const r = parseRecordingText(`${line}\n`);
    expect(r.summary.problems).toEqual([]);
    expect(r.events).toHaveLength(1);
    const { processPath, ...rest } = r.events[0].connection;
    const { processPath: want, ...wantRest } = expected[0].connection;
    expect(rest).toEqual(wantRest);
    expect(typeof processPath === 'string' && typeof want === 'string' && processPath.startsWith(want)).toBe(true);
  });
});

describe('a whole-number field netmon reads, in any JSON spelling, is refused when written with a fraction or an exponent', () => {
  /** The problems of reading `line`. */
  const problems = (line: string) => parseRecordingText(`${line}\n`).summary.problems;
  /** The one problem expected for `literal`, found at `at` in `line` (its 1-based column named). */
  const refused = (line: string, field: string, literal: string, at = line.indexOf(literal)) => [
    { line: 1, field, message: `field "${field}": ${literal} at column ${at + 1} is written with a fraction or an exponent; this field is a whole number (digits only)` },
  ];

  const forms: Array<[string, string, string, string]> = [
    // [what, line, field, literal]
    ['a CR before the key', good.replace(',"pid":42,', ',\r"pid":42.0,'), 'pid', '42.0'],
    ['a CR and a tab around the comma', good.replace(',"pid":42,', '\r,\t\r"pid"\r:\t42e0,'), 'pid', '42e0'],
    ['tabs and CRs all around', good.replace(',"localPort":5000,', '\t,\r\t"localPort"\t:\r5000.0\t,'), 'localPort', '5000.0'],
    ['an escaped key: \\u0070id', good.replace(',"pid":42,', ',"\\u0070id":42.0,'), 'pid', '42.0'],
    ['an escaped last letter: pi\\u0064', good.replace(',"pid":42,', ',"pi\\u0064":42.0,'), 'pid', '42.0'],
    ['an escaped key at the top: previousPi\\u0064', good.replace('"previousPid":7', '"previous\\u0050id":7.0'), 'previousPid', '7.0'],
    ['an escaped key with an escaped slash before it in a string', good.replace('"process":"node"', '"process":"n\\\\"').replace(',"pid":42,', ',"\\u0070\\u0069\\u0064":4.2e1,'), 'pid', '4.2e1'],
    ['the last of two members of one name', good.replace(',"pid":42,', ',"pid":42,"pid":42.0,'), 'pid', '42.0'],
    ['the first member of the connection', good.replace('{"protocol":"tcp","family":6,', '{"family":6.0,"protocol":"tcp",'), 'family', '6.0'],
  ];

  it.each(forms)('%s', (_, line, field, literal) => {
    // JSON.parse reads the same as with the literal written digits only: only the text tells.
    const at = line.indexOf(literal);
    expect(JSON.parse(line)).toEqual(JSON.parse(line.slice(0, at) + String(Number(literal)) + line.slice(at + literal.length)));
    expect(problems(line)).toEqual(refused(line, field, literal));
  });

  // Members netmon does not read are not looked at, whatever they hold: as in what JSON.parse
  // gives the reader, they are ignored.
  const ignored: Array<[string, string]> = [
    ['an unknown object in the connection holding "pid":1.5', good.replace(',"pid":42,', ',"x":{"pid":1.5,"family":6.0},"pid":42,')],
    ['an unknown object at the top holding "connection"', good.replace('{"type":', '{"x":{"connection":{"pid":5.0}},"type":')],
    ['an unknown array of objects', good.replace(',"pid":42,', ',"x":[{"pid":5.0},[{"localPort":1e3}],2.5],"pid":42,')],
    ['an unknown member named like a field in another object (previousPid in the connection)', good.replace(',"pid":42,', ',"previousPid":7.0,"pid":42,')],
    ['a whole field of the connection at the top', good.replace('{"type":', '{"pid":5.0,"family":4e0,"type":')],
    ['a member of the same name replaced by a later one', good.replace(',"pid":42,', ',"pid":42.0,"pid":42,')],
    ['a connection replaced by a later one', `${good.replace('{"protocol":"tcp","family":6,', '{"protocol":"tcp","family":6.0,').slice(0, -1)},"connection":${JSON.stringify(JSON.parse(good).connection)}}`],
    ['text in a string: "pid":5.0 after a comma and a CR', good.replace('"process":"node"', '"process":"a,\\r\\"pid\\":5.0,\\t\\"\\u0070id\\":5e0"')],
    ['text in a key: a member named ,"pid":5.0', good.replace(',"pid":42,', ',",\\"pid\\":5.0":1.5,"pid":42,')],
  ];

  it.each(ignored)('%s is not refused', (_, line) => {
    expect(typeof JSON.parse(line)).toBe('object');
    expect(problems(line)).toEqual([]);
    expect(parseRecordingText(line).events[0].connection.pid).toBe(42);
  });
});
