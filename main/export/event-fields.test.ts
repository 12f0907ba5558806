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

  it('an unknown owner is left out of both exports, never written as a name a process could have (a process named "unknown" keeps its name)', () => {
    const unknownOwner = { ...changed, connection: { ...changed.connection, pid: null, process: null } };
    const namedUnknown = { ...changed, connection: { ...changed.connection, pid: 9, process: 'unknown' } };
    expect(eventAttributes(unknownOwner, 1)).not.toHaveProperty('process.executable.name');
    expect(eventAttributes(unknownOwner, 1)).not.toHaveProperty('process.pid');
    expect(eventAttributes(namedUnknown, 1)).toMatchObject({ 'process.executable.name': 'unknown', 'process.pid': 9 });
    expect(new Map(eventParams(unknownOwner, 1)).has('process')).toBe(false);
    expect(new Map(eventParams(namedUnknown, 1)).get('process')).toBe('unknown');
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
      'netmon.send_rate': 5, 'netmon.receive_rate': 6, 'netmon.rtt_us': 7000, 'netmon.rtt_var_us': 8000, 'netmon.retransmits': 9, 'netmon.limited_by': 'network',
    });
  });

  it('OTLP traffic attributes keep one type from record to record: whole µs for RTT, whole bytes/s for rates', () => {
    // Sub-millisecond loopback RTTs and a fractional rate from a replayed file would be doubles
    // beside the ints of whole values, under the same attribute name.
    const at = (rttMs: number, rttVarMs: number, sendRate: number) =>
      eventAttributes({ ...changed, connection: { ...changed.connection, rttMs, rttVarMs, sendRate } }, 1);
    expect(at(0.057, 0.0125, 1234.6)).toMatchObject({ 'netmon.rtt_us': 57, 'netmon.rtt_var_us': 13, 'netmon.send_rate': 1235 });
    expect(at(1, 2, 5)).toMatchObject({ 'netmon.rtt_us': 1000, 'netmon.rtt_var_us': 2000, 'netmon.send_rate': 5 });
    for (const a of [at(0.057, 0.0125, 1234.6), at(1, 2, 5), at(4294967295, 0.001, 0)]) {
      for (const k of ['netmon.rtt_us', 'netmon.rtt_var_us', 'netmon.send_rate']) expect(Number.isInteger(a[k]), k).toBe(true);
      expect(Object.keys(a).filter((k) => k.endsWith('_ms'))).toEqual([]);
    }
  });
});
