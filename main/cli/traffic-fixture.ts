// Test fixture of the CLI's traffic tests (top, snapshot --sort, the counters note): rows of a
// scripted source with counters, and the two polls most of those tests read.
import type { RowSpec } from '../model/build';
import type { ScriptStep } from '../source/scripted';

/** An established TCP row 10.0.0.1:lport → 10.0.0.9:443 owned by `pid`, with these byte counters (RTT 1.5 ± 0.1 ms; `extra.counters` adds to the defaults). */
export const trafficRow = (lport: number, pid: number, sent: number, received: number, extra: Partial<RowSpec> = {}): RowSpec => ({
  local: '10.0.0.1',
  localPort: lport,
  remote: '10.0.0.9',
  remotePort: 443,
  pid,
  ...extra,
  counters: { BYTES_SENT: sent, BYTES_RECEIVED: received, SEGS_OUT: 5, SEGS_IN: 6, RTT_US: 1500, RTTVAR_US: 100, RETRANS: 0, ...extra.counters },
});

/** A listener of pid 20 (sshd): counted by top --processes; no counters, as no OS keeps them for a listener. */
export const TRAFFIC_LISTENER: RowSpec = { local: '10.0.0.1', localPort: 4, remote: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 20 };
/** A UDP socket of pid 20: no counters at all. */
export const TRAFFIC_UDP: RowSpec = { protocol: 'udp', local: '0.0.0.0', localPort: 5353, pid: 20 };

/**
 * Two polls: port 1 (curl, pid 10) moves the most bytes per second (60,000 sent, 20,000 received),
 * port 2 (sshd) has moved the most bytes overall (5 MB, 1,000 more), port 3 is idle with
 * `port3Retrans` retransmits; a listener and a UDP socket follow.
 */
export function trafficScript(port3Retrans = 0): ScriptStep[] {
  const idle = trafficRow(3, 20, 10, 10, { counters: { RETRANS: port3Retrans } });
  return [
    [trafficRow(1, 10, 0, 0), trafficRow(2, 20, 5_000_000, 0), idle, TRAFFIC_LISTENER, TRAFFIC_UDP],
    [trafficRow(1, 10, 60_000, 20_000), trafficRow(2, 20, 5_001_000, 0), idle, TRAFFIC_LISTENER, TRAFFIC_UDP],
  ];
}
