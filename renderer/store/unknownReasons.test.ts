// Why a traffic value is missing (issue 11): the Limited-by cell of an idle or receiving connection
// says nothing was sent, not "not known yet"; blank only on the row's first poll.
import { describe, expect, it } from 'vitest';
import { conn } from '../test/fixtures';
import { NO_LIMIT_TIMES, NOT_YET, NOTHING_SENT, countersMissing, noCountersReason, ownerlessNoCounters, trafficGap } from './unknownReasons';

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
