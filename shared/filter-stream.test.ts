// The filtered event stream's rule (shared/filter-stream.ts): a reported connection that stops
// matching is said to, once; its close is always reported.
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from './connection';
import { parseFilter } from './filter';
import { filterStream } from './filter-stream';

function tcp(over: Partial<Connection>): Connection {
  const c: Omit<Connection, 'id'> = { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 41000, remoteAddress: '127.0.0.1', remotePort: 5000, state: 'ESTABLISHED', pid: 10, process: 'client', ...over };
  return { id: connectionKey(c), ...c };
}

function stream(expr: string) {
  const r = parseFilter(expr);
  if (!r.ok) throw new Error(r.error.message);
  return filterStream(r.filter);
}

/** `type` plus `+` / `-` for a matched / unmatched mark. */
const words = (events: readonly ConnectionEvent[]) => events.map((e) => e.type + (e.matched === true ? '+' : e.matched === false ? '-' : ''));

describe('filterStream', () => {
  it('the issue: busy, idle, FIN-WAIT-2, closed: matched, unmatched once, then the close', () => {
    const s = stream('rate>50k');
    const idle = tcp({ sendRate: 0, receiveRate: 0 });
    s.start([idle]);
    expect(words(s.moved([tcp({ sendRate: 80_000, receiveRate: 0 })], 1))).toEqual(['opened+']);
    expect(s.moved([tcp({ sendRate: 80_000, receiveRate: 0 })], 2)).toEqual([]);
    const left = s.moved([idle], 3);
    expect(words(left)).toEqual(['changed-']);
    expect(left[0]).toMatchObject({ time: 3, connection: { sendRate: 0 } });
    expect(s.moved([idle], 4)).toEqual([]);
    const finWait = tcp({ state: 'FIN-WAIT-2', sendRate: 0, receiveRate: 0 });
    // Changes of a connection that left the filter are not news; its close is.
    expect(s.events([{ type: 'changed', time: 5, connection: finWait, previousState: 'ESTABLISHED' }])).toEqual([]);
    expect(words(s.events([{ type: 'closed', time: 6, connection: finWait }]))).toEqual(['closed']);
  });

  it('coming back: a reported connection that matches again is a changed event marked matched', () => {
    const s = stream('rate>50k');
    s.start([tcp({ sendRate: 90_000 })]);
    expect(words(s.moved([tcp({ sendRate: 0 })], 1))).toEqual(['changed-']);
    expect(words(s.moved([tcp({ sendRate: 90_000 })], 2))).toEqual(['changed+']);
  });

  it('leaving by a change of its own: that changed event is marked, and the close still comes', () => {
    const s = stream('state:established');
    s.start([]);
    const syn = tcp({ state: 'SYN-SENT' });
    const est = tcp({});
    const fin = tcp({ state: 'FIN-WAIT-1' });
    expect(s.events([{ type: 'opened', time: 1, connection: syn }])).toEqual([]);
    expect(words(s.events([{ type: 'changed', time: 2, connection: est, previousState: 'SYN-SENT' }]))).toEqual(['changed']);
    const out = s.events([
      { type: 'changed', time: 3, connection: fin, previousState: 'ESTABLISHED' },
      { type: 'changed', time: 4, connection: tcp({ state: 'FIN-WAIT-2' }), previousState: 'FIN-WAIT-1' },
      { type: 'closed', time: 5, connection: tcp({ state: 'FIN-WAIT-2' }) },
    ]);
    expect(words(out)).toEqual(['changed-', 'closed']);
    expect(out[0]).toMatchObject({ previousState: 'ESTABLISHED', connection: { state: 'FIN-WAIT-1' } });
  });

  it('a connection never reported: nothing of it, its close included, though its last row matches', () => {
    const s = stream('rate>50k');
    s.start([tcp({ sendRate: 0 })]);
    expect(s.events([{ type: 'closed', time: 1, connection: tcp({ sendRate: 99_000 }) }])).toEqual([]);
  });

  it('a connection whose start the stream did not see (a recording begun later): its events alone decide', () => {
    const s = stream('-state:time-wait');
    const tw = tcp({ state: 'TIME-WAIT' });
    expect(words(s.events([{ type: 'changed', time: 1, connection: tw, previousState: 'ESTABLISHED' }]))).toEqual(['changed']);
    // Reported by that event: its close is passed too.
    expect(words(s.events([{ type: 'closed', time: 2, connection: tw }]))).toEqual(['closed']);
    const other = tcp({ localPort: 41001, state: 'TIME-WAIT' });
    expect(s.events([{ type: 'closed', time: 3, connection: other }])).toEqual([]);
    expect(words(s.events([{ type: 'closed', time: 3, connection: tcp({ localPort: 41002 }) }]))).toEqual(['closed']);
  });

  it('start forgets what came before', () => {
    const s = stream('rate>50k');
    s.start([tcp({ sendRate: 90_000 })]);
    s.start([tcp({ sendRate: 0 })]);
    // Reported by the first table only: after the second, its close is not news.
    expect(s.events([{ type: 'closed', time: 1, connection: tcp({ sendRate: 0 }) }])).toEqual([]);
  });
});
