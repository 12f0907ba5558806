// Why a traffic value is missing (issue 11): the Limited-by cell of an idle or receiving connection
// says nothing was sent, not "not known yet"; blank only on the row's first poll.
import { describe, expect, it } from 'vitest';
import { conn } from '../test/fixtures';
import type { CountersScope } from '../../shared/ipc';
import { NO_LIMIT_TIMES, NOT_YET, NOTHING_SENT, countersMissing, noCountersReason, ownerlessNoCounters, trafficGap, unreadReason } from './unknownReasons';

const counted = { bytesSent: 4096, bytesReceived: 1024, rttMs: 0.05, retransmits: 0 };

describe('trafficGap', () => {
  it('first poll of a row: rates and Limited by are not in yet (blank, NOT_YET); the counters are shown', () => {
    const c = conn({ localPort: 47001, ...counted, sendRate: null, receiveRate: null, limitedBy: null });
    expect(trafficGap(c, 'limitedBy', null)).toEqual({ dash: false, title: NOT_YET });
    expect(trafficGap(c, 'sendRate', null)).toEqual({ dash: false, title: NOT_YET });
    expect(trafficGap(c, 'bytesSent', null)).toBeNull();
  });

  it('an idle or only-receiving connection with known rates: "—", nothing was sent', () => {
    for (const receiveRate of [0, 52_000]) {
      const c = conn({ localPort: 47001, ...counted, sendRate: 0, receiveRate, limitedBy: null });
      expect(trafficGap(c, 'limitedBy', null)).toEqual({ dash: true, title: NOTHING_SENT });
      expect(trafficGap(c, 'sendRate', null)).toBeNull();
      expect(trafficGap(c, 'receiveRate', null)).toBeNull();
    }
    expect(NOTHING_SENT).toBe('Nothing sent in the last interval: the sender was not held back');
  });

  it('a sending connection: its code is shown; without one the OS gave no send-limit times', () => {
    expect(trafficGap(conn({ localPort: 47001, ...counted, sendRate: 9000, receiveRate: 0, limitedBy: 'sender' }), 'limitedBy', null)).toBeNull();
    expect(trafficGap(conn({ localPort: 47001, ...counted, sendRate: 9000, receiveRate: 0, limitedBy: null }), 'limitedBy', null)).toEqual({ dash: true, title: NO_LIMIT_TIMES });
  });

  it('UDP, LISTEN and TIME-WAIT: "—" with their own reason, for every field, whatever the OS reported', () => {
    const cases = [
      conn({ localPort: 53, protocol: 'udp' }),
      conn({ localPort: 47001, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0, bytesSent: 0, sendRate: 0 }),
      conn({ localPort: 47001, state: 'TIME-WAIT', pid: null, process: null }),
    ];
    const reasons = cases.map((c) => noCountersReason(c));
    expect(reasons).toEqual([
      'UDP sockets have no per-socket counters on either OS',
      'A listening socket moves no data itself (its accepted connections do)',
      'Closed: the OS keeps no counters for a connection in TIME-WAIT',
    ]);
    for (const [i, c] of cases.entries()) {
      for (const field of ['bytesSent', 'sendRate', 'limitedBy'] as const) expect(trafficGap(c, field, null), `${c.state ?? 'udp'} ${field}`).toEqual({ dash: true, title: reasons[i] });
    }
  });

  it('counters unavailable (the backend says why): "—" with its note, rates known or not', () => {
    const c = conn({ localPort: 47001 });
    for (const field of ['bytesSent', 'sendRate', 'rttMs', 'limitedBy'] as const) expect(trafficGap(c, field, 'needs administrator')).toEqual({ dash: true, title: countersMissing('needs administrator') });
  });

  it('a socket no process owns that the OS gave no counters: "—" with why, in every state the model groups as no owner', () => {
    for (const state of ['FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSING', 'LAST-ACK'] as const) {
      for (const process of [null, 'System Idle Process']) {
        const c = conn({ localPort: 47001, state, pid: 0, process });
        const title = `No process owns a connection in ${state}, and the OS gave no traffic counters for it`;
        for (const field of ['bytesSent', 'bytesReceived', 'sendRate', 'receiveRate', 'rttMs', 'retransmits', 'limitedBy'] as const) expect(trafficGap(c, field, null), `${state} ${field}`).toEqual({ dash: true, title });
      }
    }
    // The Linux source's socket with no file, in any state (here one still in a listener's accept queue).
    expect(trafficGap(conn({ localPort: 47001, state: 'SYN-RECEIVED', pid: 0, process: null }), 'rttMs', null)?.dash).toBe(true);
  });

  it('an orphan the OS does count (a Linux FIN-WAIT-1 orphan has tcp_info) shows its counters; its rates are only not in yet', () => {
    const c = conn({ localPort: 47001, state: 'FIN-WAIT-1', pid: 0, process: null, ...counted, sendRate: null, receiveRate: null });
    expect(ownerlessNoCounters(c)).toBeNull();
    expect(trafficGap(c, 'bytesSent', null)).toBeNull();
    expect(trafficGap(c, 'sendRate', null)).toEqual({ dash: false, title: NOT_YET });
    // Owned, or unknown rather than absent (no PID at all): not this reason.
    expect(ownerlessNoCounters(conn({ localPort: 47001, state: 'FIN-WAIT-2', pid: 20, process: 'nginx' }))).toBeNull();
    expect(ownerlessNoCounters(conn({ localPort: 47001, state: 'FIN-WAIT-2', pid: null, process: null }))).toBeNull();
    // The backend's own note comes first: it says why for every row.
    expect(trafficGap(conn({ localPort: 47001, state: 'FIN-WAIT-2', pid: 0, process: null }), 'sendRate', 'needs administrator')).toEqual({ dash: true, title: countersMissing('needs administrator') });
  });
});

describe('trafficGap with a backend that reads some connections (EStats: some states, a cap)', () => {
  const STATES: CountersScope['states'] = ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK'];
  const full: CountersScope = { states: STATES, cap: 2000, beyondCap: 37 };
  const room: CountersScope = { ...full, beyondCap: 0 };
  const BEYOND = 'Traffic counters: netmon reads them for at most 2,000 connections a poll; this one is beyond that (37 are), until a read one closes';
  const fields = ['bytesSent', 'bytesReceived', 'sendRate', 'receiveRate', 'rttMs', 'retransmits', 'limitedBy'] as const;

  it('a connection in a state not read: "—" saying so, for every field, cap reached or not', () => {
    for (const scope of [full, room]) {
      for (const state of ['SYN-SENT', 'SYN-RECEIVED'] as const) {
        const title = `Traffic counters: not read in ${state} (netmon reads them in ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK)`;
        for (const field of fields) expect(trafficGap(conn({ localPort: 47001, state }), field, null, scope), `${state} ${field}`).toEqual({ dash: true, title });
      }
    }
  });

  it('the cap reached: a read-state connection with no counter at all is beyond it ("—"), in CLOSE-WAIT as in ESTABLISHED', () => {
    for (const state of ['ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK'] as const) {
      const c = conn({ localPort: 47001, state });
      for (const field of fields) expect(trafficGap(c, field, null, full), `${state} ${field}`).toEqual({ dash: true, title: BEYOND });
    }
  });

  it('a read connection: its counters shown, its rates only not in yet; with room under the cap a blank row is not in yet', () => {
    const read = conn({ localPort: 47001, state: 'CLOSE-WAIT', ...counted, sendRate: null, receiveRate: null, limitedBy: null });
    expect(unreadReason(read, full)).toBeNull();
    expect(trafficGap(read, 'bytesSent', null, full)).toBeNull();
    expect(trafficGap(read, 'sendRate', null, full)).toEqual({ dash: false, title: NOT_YET });
    // Left by the per-poll enable bound, not the cap: it comes with the next poll.
    expect(trafficGap(conn({ localPort: 47001 }), 'bytesSent', null, room)).toEqual({ dash: false, title: NOT_YET });
  });

  it('reasons that hold whatever the backend reads come first: UDP, LISTEN, TIME-WAIT, the backend\'s note', () => {
    expect(trafficGap(conn({ localPort: 47001, state: 'TIME-WAIT', pid: null, process: null }), 'bytesSent', null, full)?.title).toBe(noCountersReason({ protocol: 'tcp', state: 'TIME-WAIT' }));
    expect(trafficGap(conn({ localPort: 53, protocol: 'udp', state: null }), 'bytesSent', null, full)?.title).toBe(noCountersReason({ protocol: 'udp', state: null }));
    expect(trafficGap(conn({ localPort: 47001, state: 'SYN-SENT' }), 'bytesSent', 'needs administrator', full)).toEqual({ dash: true, title: countersMissing('needs administrator') });
  });
});
