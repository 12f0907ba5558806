// Test support: a scripted EStats native layer that keeps, per connection (named by its MIB row's
// addresses and ports: its State member does not name the connection, which keeps its TCB and its
// collection from ESTABLISHED to LAST-ACK), which kinds have collection on, and answers Get/Set the way the documentation says
// Windows does. Every call is logged so tests can count them.
import type { EStatsNative } from './estats';
import { ERROR_ACCESS_DENIED, ERROR_NOT_FOUND } from './estats';
import { MIB_TCP6ROW_SIZE, MIB_TCPROW_SIZE } from './estats-decode';

export interface FakeConnection {
  /** ROD bytes per TCP_ESTATS_TYPE, as the kernel would fill them once collection is on. */
  rods: Record<number, Uint8Array>;
  /** Kinds with collection on (someone, maybe not netmon, switched it on). */
  enabled: Set<number>;
}

export interface FakeEStats extends EStatsNative {
  /** Connections by hex of their MIB_TCPROW / MIB_TCP6ROW bytes after State (rowHex). */
  connections: Map<string, FakeConnection>;
  calls: { op: 'get' | 'set'; family: 4 | 6; type: number; row: string }[];
  /** Answer every Set with this code instead (e.g. ERROR_ACCESS_DENIED when not elevated). */
  setCode: number | null;
  getCode: number | null;
}

/** Hex of a MIB_TCPROW / MIB_TCP6ROW's bytes after its 4-byte State: the connection's name. */
export const rowHex = (family: 4 | 6, row: Uint8Array): string =>
  Buffer.from(row.subarray(4, family === 6 ? MIB_TCP6ROW_SIZE : MIB_TCPROW_SIZE)).toString('hex');

export function fakeEStats(opts: { admin?: boolean } = {}): FakeEStats {
  const f: FakeEStats = {
    connections: new Map(),
    calls: [],
    setCode: opts.admin === false ? ERROR_ACCESS_DENIED : null,
    getCode: null,
    set(family, row, type, rw) {
      const key = rowHex(family, row);
      f.calls.push({ op: 'set', family, type, row: key });
      if (f.setCode !== null) return f.setCode;
      const c = f.connections.get(key);
      if (!c) return ERROR_NOT_FOUND;
      if (rw[0]) c.enabled.add(type);
      else c.enabled.delete(type);
      return 0;
    },
    get(family, row, type, rw, rod) {
      const key = rowHex(family, row);
      f.calls.push({ op: 'get', family, type, row: key });
      if (f.getCode !== null) return f.getCode;
      const c = f.connections.get(key);
      if (!c) return ERROR_NOT_FOUND;
      rw[0] = c.enabled.has(type) ? 1 : 0;
      // Collection off: the documentation's "meaningless data". Fill with garbage, not zeros.
      if (c.enabled.has(type)) rod.set(c.rods[type].subarray(0, rod.length));
      else rod.fill(0x77);
      return 0;
    },
  };
  return f;
}
