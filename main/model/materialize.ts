// Row of a RowTable → Connection object. The only place numeric rows become strings and objects,
// so it runs only for rows that changed or that someone asked to see.
import { connectionId, connectionKey, tcpStateName, type Connection } from '../../shared/connection';
import type { ProcessInfo } from '../source/types';
import { formatAddress, isZeroAddress } from './address';
import { freshSlots } from './diff';
import { PID_UNKNOWN, PROTO_UDP, ROW_WORDS, W, type RowTable } from './rows';
import { addTrafficFields, type RateColumns } from './traffic';

export type ProcessLookup = (pid: number) => ProcessInfo | null;

const noProcess: ProcessLookup = () => null;

/**
 * Row `i` of `t` as a Connection, its owner from `lookup`; `rates` (row-aligned with `t`) supplies
 * the engine's rates and limitedBy. `slot` is the row's rank among the live sockets of its endpoint
 * (identity.ts): it makes the id unique when several sockets share one.
 */
export function materializeRow(t: RowTable, i: number, lookup: ProcessLookup = noProcess, rates?: RateColumns, slot = 0): Connection {
  const w = t.words;
  const o = i * ROW_WORDS;
  const family = w[o + W.FAMILY] === 6 ? 6 : 4;
  const udp = w[o + W.PROTO] === PROTO_UDP;
  const rawPid = w[o + W.PID];
  const pid = rawPid === PID_UNKNOWN ? null : rawPid;
  // A UDP endpoint has no peer unless the socket is connected (Linux reports one then).
  const noRemote = udp && isZeroAddress(w, o + W.RADDR) && w[o + W.RPORT] === 0;
  const info = pid === null ? null : lookup(pid);
  const c: Omit<Connection, 'id'> = {
    protocol: udp ? 'udp' : 'tcp',
    family,
    localAddress: formatAddress(w, o + W.LADDR, family),
    localPort: w[o + W.LPORT],
    remoteAddress: noRemote ? null : formatAddress(w, o + W.RADDR, family),
    remotePort: noRemote ? null : w[o + W.RPORT],
    state: udp ? null : (tcpStateName(w[o + W.STATE]) ?? null),
    pid,
    process: info?.name ?? null,
  };
  if (w[o + W.LSCOPE] !== 0) c.localScopeId = w[o + W.LSCOPE];
  if (!noRemote && w[o + W.RSCOPE] !== 0) c.remoteScopeId = w[o + W.RSCOPE];
  if (info?.path) c.processPath = info.path;
  if (info?.startTime != null) c.processStartTime = info.startTime;
  const created = t.createdAt?.[i];
  if (created !== undefined && !Number.isNaN(created)) c.createdAt = created;
  addTrafficFields(c, t, i, rates);
  return { id: connectionId(connectionKey(c), slot), ...c };
}

/**
 * Every row of `t` as a Connection, one per row (one per socket the OS lists). `slots` are the
 * rows' slots as the engine tracks them; without them each row gets the slot it would have if it
 * had just opened, so ids are unique either way.
 */
export function materializeTable(t: RowTable, lookup: ProcessLookup = noProcess, rates?: RateColumns, slots: Uint32Array = freshSlots(t)): Connection[] {
  const out: Connection[] = new Array<Connection>(t.count);
  for (let i = 0; i < t.count; i++) out[i] = materializeRow(t, i, lookup, rates, slots[i]);
  return out;
}
