// The agent's exports carry the run's times the engine stamps (first seen, last change,
// preexisting), the OS's creation time and every traffic field, as every other output does.
import { describe, expect, it } from 'vitest';
import { CONNECTION_JSON_FIELDS, type Connection, type ConnectionEvent } from '../../shared/connection';
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

  it('every field of a connection reaches both exports (the traffic fields from the one list)', () => {
    const full: Connection = {
      ...changed.connection, family: 6, localAddress: 'fe80::1', localScopeId: 2, remoteAddress: 'fe80::2', remoteScopeId: 2,
      processPath: '/usr/bin/five', processStartTime: T0 - 9000, remoteHost: 'peer.example',
      bytesSent: 1, bytesReceived: 2, packetsSent: 3, packetsReceived: 4, sendRate: 5, receiveRate: 6, rttMs: 7, rttVarMs: 8, retransmits: 9, limitedBy: 'network',
    };
    const params = Object.fromEntries(eventParams({ ...changed, connection: full }, 1));
    expect(CONNECTION_JSON_FIELDS.filter((f) => !(f in params))).toEqual([]);
    expect(params).toMatchObject({ packetsSent: '3', sendRate: '5', rttVarMs: '8', retransmits: '9', limitedBy: 'network' });
    expect(eventAttributes({ ...changed, connection: full }, 1)).toMatchObject({
      'netmon.bytes_sent': 1, 'netmon.bytes_received': 2, 'netmon.packets_sent': 3, 'netmon.packets_received': 4,
      'netmon.send_rate': 5, 'netmon.receive_rate': 6, 'netmon.rtt_ms': 7, 'netmon.rtt_var_ms': 8, 'netmon.retransmits': 9, 'netmon.limited_by': 'network',
    });
  });
});
