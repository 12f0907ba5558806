// The Events view filters by the same rule as `netmon watch --filter` (shared/filter-stream.ts).
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import { parseFilter } from '../../shared/filter';
import { connectionPredicate } from '../filtering';
import { EventLog } from './eventLog';
import { eventFilter, EventsView } from './eventsView';
import { DEFAULT_TOGGLES } from './toggles';

function tcp(state: Connection['state']): Connection {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 4, localAddress: '10.0.0.2', localPort: 41000, remoteAddress: '10.0.0.9', remotePort: 5000,
    state, pid: 10, process: 'client',
  };
  return { id: connectionKey(c), ...c };
}

describe('EventsView with eventFilter', () => {
  it('shows a connection leaving the filter (its changed event marked) and then its close, live and when rebuilt', () => {
    const r = parseFilter('rport:5000 -state:time-wait');
    if (!r.ok) throw new Error(r.error.message);
    const view = new EventsView(eventFilter(connectionPredicate(r.filter, DEFAULT_TOGGLES)));
    const log = new EventLog(100);
    const life: ConnectionEvent[] = [
      { type: 'opened', time: 1, connection: tcp('ESTABLISHED') },
      { type: 'changed', time: 2, connection: tcp('TIME-WAIT'), previousState: 'ESTABLISHED' },
      { type: 'closed', time: 3, connection: tcp('TIME-WAIT') },
    ];
    const types = (): string[] => view.events.map((e) => e.type + (e.matched === false ? '-' : ''));
    view.append([log.push(life[0])], log);
    view.append([log.push(life[1]), log.push(life[2])], log);
    expect(types()).toEqual(['opened', 'changed-', 'closed']);
    view.rebuild(log);
    expect(types()).toEqual(['opened', 'changed-', 'closed']);
    // The log keeps the engine's events as they were: the mark is the view's.
    expect(log.toArray().map((e) => e.matched)).toEqual([undefined, undefined, undefined]);
  });

  it('the quick toggles take part in the before/after rule too', () => {
    const view = new EventsView(eventFilter(connectionPredicate(null, { ...DEFAULT_TOGGLES, hideTimeWait: true })));
    const log = new EventLog(10);
    // The log begins after the connection opened (the ring dropped it): its events alone decide.
    log.push({ type: 'changed', time: 2, connection: tcp('TIME-WAIT'), previousState: 'ESTABLISHED' });
    log.push({ type: 'closed', time: 3, connection: tcp('TIME-WAIT') });
    expect(view.rebuild(log).map((e) => e.type)).toEqual(['changed', 'closed']);
  });

  it('a time range is applied after the rule: a close inside it shows though the opening is outside', () => {
    const r = parseFilter('state:established');
    if (!r.ok) throw new Error(r.error.message);
    const log = new EventLog(10);
    log.push({ type: 'opened', time: 1, connection: tcp('ESTABLISHED') });
    log.push({ type: 'changed', time: 5, connection: tcp('FIN-WAIT-2'), previousState: 'ESTABLISHED' });
    log.push({ type: 'closed', time: 6, connection: tcp('FIN-WAIT-2') });
    const view = new EventsView(eventFilter(connectionPredicate(r.filter, DEFAULT_TOGGLES), (e) => e.time >= 5));
    expect(view.rebuild(log).map((e) => [e.type, e.matched])).toEqual([['changed', false], ['closed', undefined]]);
  });
});
