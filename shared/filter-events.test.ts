// Which events a filter lets through (issue 8 "Filters mean what they say"): the same rule for
// `netmon watch` and the app's Events view.
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from './connection';
import { eventMatches, parseFilter, rowBefore } from './filter';

function tcp(over: Partial<Connection>): Connection {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp',
    family: 4,
    localAddress: '127.0.0.1',
    localPort: 41000,
    remoteAddress: '127.0.0.1',
    remotePort: 5000,
    state: 'ESTABLISHED',
    pid: 10,
    process: 'client',
    processPath: '/usr/bin/client',
    ...over,
  };
  return { id: connectionKey(c), ...c };
}

function shown(expr: string, events: ConnectionEvent[]): string[] {
  const r = parseFilter(expr);
  if (!r.ok) throw new Error(r.error.message);
  return events.filter((e) => eventMatches(r.filter, e)).map((e) => e.type);
}

describe('eventMatches', () => {
  // The life of one connection to port 5000 as the engine reports it.
  const life: ConnectionEvent[] = [
    { type: 'opened', time: 1, connection: tcp({}) },
    { type: 'changed', time: 2, connection: tcp({ state: 'TIME-WAIT', pid: 0, process: null, processPath: null }), previousState: 'ESTABLISHED', previousPid: 10, previousProcess: 'client' },
    { type: 'closed', time: 3, connection: tcp({ state: 'TIME-WAIT', pid: 0, process: null, processPath: null }) },
  ];

  it('rport:P -state:time-wait shows the connection leaving the filter, not only its opening', () => {
    // Before: "opened" and then nothing when the connection ended.
    expect(shown('rport:5000 -state:time-wait', life)).toEqual(['opened', 'changed']);
  });

  it('a closed event matches on the last row it had', () => {
    expect(shown('state:time-wait', life)).toEqual(['changed', 'closed']);
    expect(shown('state:estab', life)).toEqual(['opened', 'changed']);
  });

  it('a changed owner: the old owner (pid and process name) matches too', () => {
    expect(shown('proc:client', life)).toEqual(['opened', 'changed']);
    expect(shown('pid:10', life)).toEqual(['opened', 'changed']);
    expect(shown('pid:0', life)).toEqual(['changed', 'closed']);
    expect(shown('pid:11', life)).toEqual([]);
    // the old owner's path is not known: the new one's must not stand in for it
    const handover: ConnectionEvent = { type: 'changed', time: 4, connection: tcp({ pid: 20, process: 'child', processPath: '/usr/bin/child' }), previousPid: 10 };
    expect(shown('proc:client', [handover])).toEqual([]);
    expect(shown('proc:child', [handover])).toEqual(['changed']);
    expect(rowBefore(handover)).toMatchObject({ pid: 10, process: null, processPath: null, state: 'ESTABLISHED' });
  });

  it('a changed event with only a state change keeps the owner', () => {
    const e: ConnectionEvent = { type: 'changed', time: 5, connection: tcp({ state: 'CLOSE-WAIT' }), previousState: 'ESTABLISHED' };
    expect(rowBefore(e)).toMatchObject({ state: 'ESTABLISHED', pid: 10, process: 'client', processPath: '/usr/bin/client' });
    expect(shown('state:estab', [e])).toEqual(['changed']);
    expect(shown('state:listen', [e])).toEqual([]);
    // the event's own connection is left as it was
    expect(e.connection.state).toBe('CLOSE-WAIT');
  });

  it('an opened event matches only on its row', () => {
    const e: ConnectionEvent = { type: 'opened', time: 1, connection: tcp({}), previousState: 'LISTEN' };
    expect(shown('state:listen', [e])).toEqual([]);
  });
});
