// The agent's exporters get watch --filter's events: a connection leaving the filter is said to,
// and its close is exported though its last row no longer matches.
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import { parseFilter } from '../../shared/filter';
import type { EventBatch } from '../../shared/ipc';
import { counterColumns, movedRow } from '../../shared/testing/counters';
import { reportedEvents } from '../export/reported-events';
import { eventAttributes } from '../export/otlp';
import { eventParams, eventText } from '../export/syslog';
import { reportedBatch } from './cli';

const row = (over: Partial<Connection> = {}): Connection => {
  const c: Omit<Connection, 'id'> = { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 47001, remoteAddress: '127.0.0.1', remotePort: 47000, state: 'ESTABLISHED', pid: 5, process: 'five', ...over };
  return { id: connectionKey(c), ...c };
};

const batch = (time: number, over: Partial<EventBatch>): EventBatch => ({ seq: time, time, full: false, events: [], status: {} as EventBatch['status'], ...over });

function agentStream(expr: string) {
  const r = parseFilter(expr);
  if (!r.ok) throw new Error(r.error.message);
  return reportedEvents(r.filter);
}

const words = (events: readonly ConnectionEvent[]) => events.map((e) => e.type + (e.matched === true ? '+' : e.matched === false ? '-' : ''));

describe('reportedBatch (the agent with a filter)', () => {
  it('state filter: opened, the change out of it marked, then the close', () => {
    const s = agentStream('state:established');
    expect(reportedBatch(s, batch(1, { full: true, connections: [] }))).toEqual([]);
    const out = [
      batch(2, { events: [{ type: 'opened', time: 2, connection: row() }] }),
      batch(3, { events: [{ type: 'changed', time: 3, connection: row({ state: 'FIN-WAIT-2' }), previousState: 'ESTABLISHED' }] }),
      batch(4, { events: [{ type: 'closed', time: 4, connection: row({ state: 'FIN-WAIT-2' }) }] }),
    ].flatMap((b) => reportedBatch(s, b));
    expect(words(out)).toEqual(['opened', 'changed-', 'closed']);
  });

  it('rate filter: matched and unmatched by the counters, the close after', () => {
    const s = agentStream('rate>50k');
    const c = row({ sendRate: null });
    reportedBatch(s, batch(1, { full: true, connections: [c] }));
    const out = [
      batch(2, { counters: counterColumns([movedRow(c.id, 80_000, 80_000)]) }),
      batch(3, { counters: counterColumns([movedRow(c.id, 80_000, 0)]) }),
      batch(4, { events: [{ type: 'closed', time: 4, connection: { ...c, sendRate: 0 } }] }),
    ].flatMap((b) => reportedBatch(s, b));
    expect(words(out)).toEqual(['opened+', 'changed-', 'closed']);
    // Both exports carry the mark.
    expect(eventText(out[1])).toMatch(/^unmatched tcp 127\.0\.0\.1:47001 -> /);
    expect(new Map(eventParams(out[1], 1)).get('matched')).toBe('false');
    expect(eventAttributes(out[1], 1)).toMatchObject({ 'netmon.event.matched': false });
    expect(eventAttributes(out[2], 1)).not.toHaveProperty('netmon.event.matched');
  });
});
