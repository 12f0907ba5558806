// Issue 10 item 7: after close-connection the next read of the table decides. An OS can report
// success and close nothing (Wine's SetTcpEntry is a stub; ss -K without rights exits 0 on some
// kernels), so a connection still in the table is a failure, whatever the OS said.
import type { CloseTarget } from '../../shared/ipc';
import { formatAddress } from '../model/address';
import { PROTO_TCP, ROW_WORDS, W, type RowTable } from '../model/rows';

/** TCP_STATE numbers (shared/connection.ts) of a connection that is on its way out, not open. */
const GONE_STATES = new Set([1 /* CLOSED */, 11 /* TIME-WAIT */, 12 /* DELETE-TCB */]);

/** True when `table` still holds the TCP connection `t` (same direction), in a state other than closed / TIME-WAIT. */
export function stillOpen(table: RowTable, t: CloseTarget): boolean {
  const w = table.words;
  for (let i = 0, o = 0; i < table.count; i++, o += ROW_WORDS) {
    // Numbers first: strings only for the few rows whose ports and family match.
    if (w[o + W.PROTO] !== PROTO_TCP || w[o + W.LPORT] !== t.localPort || w[o + W.RPORT] !== t.remotePort) continue;
    const family = w[o + W.FAMILY] === 6 ? 6 : 4;
    if (family !== t.family || GONE_STATES.has(w[o + W.STATE])) continue;
    if (formatAddress(w, o + W.LADDR, family) === t.localAddress && formatAddress(w, o + W.RADDR, family) === t.remoteAddress) return true;
  }
  return false;
}

export const STILL_OPEN_REASON = 'the OS reported success but the connection is still open';
