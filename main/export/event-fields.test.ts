// The agent's exports carry the run's times the engine stamps (first seen, last change,
// preexisting) and the OS's creation time, as every other output does.
import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { eventAttributes } from './otlp';
import { eventParams } from './syslog';

const T0 = Date.UTC(2026, 11, 1, 1, 0, 0);
const changed: ConnectionEvent = {
  type: 'changed',
  time: T0 + 3000,
  previousState: 'SYN-SENT',
  connection: {
    id: 'x', protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 47011, remoteAddress: '127.0.0.1', remotePort: 47010,
    state: 'ESTABLISHED', pid: 5, process: 'five', createdAt: T0 - 500, firstSeenAt: T0, lastChangeAt: T0 + 3000, preexisting: false,
  },
};

describe('run times in the agent exports', () => {
  it('syslog structured data names them', () => {
    const p = Object.fromEntries(eventParams(changed, 1));
    expect(p).toMatchObject({
      createdAt: '2026-12-01T00:59:59.500Z',
      firstSeenAt: '2026-12-01T01:00:00.000Z',
      lastChangeAt: '2026-12-01T01:00:03.000Z',
      preexisting: 'false',
    });
  });

  it('OTLP attributes carry them', () => {
    expect(eventAttributes(changed, 1)).toMatchObject({
      'netmon.connection.created_at': '2026-12-01T00:59:59.500Z',
      'netmon.connection.first_seen_at': '2026-12-01T01:00:00.000Z',
      'netmon.connection.last_change_at': '2026-12-01T01:00:03.000Z',
      'netmon.connection.preexisting': false,
    });
  });

  it('a time no Date holds is left out, not thrown', () => {
    const c = { ...changed.connection, processStartTime: 9e15, firstSeenAt: 9e15 };
    expect(() => eventParams({ ...changed, connection: c }, 1)).not.toThrow();
    expect(Object.fromEntries(eventParams({ ...changed, connection: c }, 1)).firstSeenAt).toBeUndefined();
    expect(eventAttributes({ ...changed, connection: c }, 1)['netmon.process.start_time']).toBeUndefined();
  });
});
