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
