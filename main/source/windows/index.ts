// The Windows connection source: iphlpapi.dll tables over koffi → one RowTable per poll.
// Each table (TCP v4, TCP v6, UDP v4, UDP v6) is read through a chain of API variants, best first;
// a variant the DLL lacks (or that answers "not supported") hands over to the next.
import { PID_UNKNOWN, ROW_WORDS, W, createRowTable, type RowTable } from '../../model/rows';
import type { ConnectionSource, ProcessDetails, ProcessInfo } from '../types';
import { SourceError } from '../types';
import { readDynamicRanges } from '../port-range';
import { TableReader, type TableCall } from './buffer-call';
import {
  STRIDE,
  decodeTcp6Table,
  decodeTcp6Table2,
  decodeTcp6TableOwnerModule,
  decodeTcpTable,
  decodeTcpTable2,
  decodeTcpTableOwnerModule,
  decodeUdp6TableOwnerPid,
  decodeUdpTableOwnerPid,
  usedBytes,
} from './decode';
import { ERROR_CALL_NOT_IMPLEMENTED, ERROR_INVALID_PARAMETER, ERROR_NOT_SUPPORTED } from './errors';
import { EStatsUnavailableError, createEStatsCollector, type EStatsNativeFactory } from './estats';
import { ProcessNameCache, type ProcessLookups } from './process-names';
import * as k from '../../native/koffi';

/** Every table function the source may use; the extended ones name their family and class. */
export type TableFunction =
  | 'GetExtendedTcpTable(AF_INET, TCP_TABLE_OWNER_MODULE_ALL)'
  | 'GetExtendedTcpTable(AF_INET6, TCP_TABLE_OWNER_MODULE_ALL)'
  | 'GetTcpTable2'
  | 'GetTcp6Table2'
  | 'GetTcpTable'
  | 'GetTcp6Table'
  | 'GetExtendedUdpTable(AF_INET, UDP_TABLE_OWNER_PID)'
  | 'GetExtendedUdpTable(AF_INET6, UDP_TABLE_OWNER_PID)';

/** What the source needs from the OS; koffi-backed by default, scripted in tests. */
export interface WindowsNative {
  /** The bound function, or null when the DLL does not export it. */
  table(fn: TableFunction): TableCall | null;
  processes: ProcessLookups<unknown>;
  /** The EStats calls (per-connection counters); absent = the source collects no counters. */
  estats?: EStatsNativeFactory;
}

type Decoder = (buf: Uint8Array, out?: RowTable, append?: boolean) => RowTable;

interface Variant {
  fn: TableFunction;
  decode: Decoder;
  firstRow: number;
  stride: number;
}

const V = (fn: TableFunction, decode: Decoder, firstRow: number, stride: number): Variant => ({ fn, decode, firstRow, stride });

const TCP4_EXTENDED = V('GetExtendedTcpTable(AF_INET, TCP_TABLE_OWNER_MODULE_ALL)', decodeTcpTableOwnerModule, 8, STRIDE.TCPROW_OWNER_MODULE);
const TCP6_EXTENDED = V('GetExtendedTcpTable(AF_INET6, TCP_TABLE_OWNER_MODULE_ALL)', decodeTcp6TableOwnerModule, 8, STRIDE.TCP6ROW_OWNER_MODULE);
const TCP4_2 = V('GetTcpTable2', decodeTcpTable2, 4, STRIDE.TCPROW2);
const TCP6_2 = V('GetTcp6Table2', decodeTcp6Table2, 4, STRIDE.TCP6ROW2);
const TCP4_LEGACY = V('GetTcpTable', decodeTcpTable, 4, STRIDE.TCPROW);
const TCP6_LEGACY = V('GetTcp6Table', decodeTcp6Table, 4, STRIDE.TCP6ROW);
const UDP4 = V('GetExtendedUdpTable(AF_INET, UDP_TABLE_OWNER_PID)', decodeUdpTableOwnerPid, 4, STRIDE.UDPROW_OWNER_PID);
const UDP6 = V('GetExtendedUdpTable(AF_INET6, UDP_TABLE_OWNER_PID)', decodeUdp6TableOwnerPid, 4, STRIDE.UDP6ROW_OWNER_PID);

export interface WindowsSourceOptions {
  /**
   * Which TCP API: `auto` (default) = GetExtendedTcpTable OWNER_MODULE (creation times) → GetTcp*Table2 →
   * GetTcp*Table; `table2` starts at GetTcp*Table2; `legacy` uses only GetTcpTable / GetTcp6Table.
   */
  tcp?: 'auto' | 'table2' | 'legacy';
  /** Also read UDP endpoints (default true). */
  udp?: boolean;
  /** Injected native layer (tests); default binds iphlpapi/kernel32 through koffi. */
  native?: WindowsNative;
}

/** Codes meaning "this variant does not work here": move on to the next one. */
const UNSUPPORTED = new Set([ERROR_NOT_SUPPORTED, ERROR_INVALID_PARAMETER, ERROR_CALL_NOT_IMPLEMENTED]);

/** Reads one table through its variants, remembering which one works. */
class TableChain {
  private at = 0;
  private reader: TableReader | null = null;
  /** Why earlier variants were dropped, e.g. `GetTcpTable2: missing`. */
  readonly skipped: string[] = [];

  constructor(
    private readonly variants: Variant[],
    private readonly native: WindowsNative,
  ) {}

  get active(): TableFunction | null {
    return this.variants[this.at]?.fn ?? null;
  }

  readInto(out: RowTable): void {
    for (;;) {
      const v = this.variants[this.at];
      if (!v) throw new SourceError(`none of ${this.variants.map((x) => x.fn).join(', ')} is available (${this.skipped.join('; ')})`);
      if (!this.reader) {
        const call = this.native.table(v.fn);
        if (!call) {
          this.skip(`${v.fn}: not exported by iphlpapi.dll`);
          continue;
        }
        this.reader = new TableReader(call, v.fn, { usedBytes: (b) => usedBytes(b, v.firstRow, v.stride) });
      }
      let bytes: Buffer | null;
      try {
        bytes = this.reader.read();
      } catch (err) {
        if (err instanceof SourceError && err.code !== undefined && UNSUPPORTED.has(err.code) && this.at + 1 < this.variants.length) {
          this.skip(err.message);
          continue;
        }
        throw err;
      }
      if (bytes) v.decode(bytes, out, true);
      return;
    }
  }

  private skip(why: string): void {
    this.skipped.push(why);
    this.at++;
    this.reader = null;
  }
}

export interface WindowsSource extends ConnectionSource {
  /** The table functions in use, for status and tests. */
  functions(): { active: (TableFunction | null)[]; skipped: string[] };
}

export function createWindowsSource(options: WindowsSourceOptions = {}): WindowsSource {
  const native = options.native ?? koffiNative();
  const mode = options.tcp ?? 'auto';
  const tcp4 = mode === 'legacy' ? [TCP4_LEGACY] : mode === 'table2' ? [TCP4_2, TCP4_LEGACY] : [TCP4_EXTENDED, TCP4_2, TCP4_LEGACY];
  const tcp6 = mode === 'legacy' ? [TCP6_LEGACY] : mode === 'table2' ? [TCP6_2, TCP6_LEGACY] : [TCP6_EXTENDED, TCP6_2, TCP6_LEGACY];
  const chains = [new TableChain(tcp4, native), new TableChain(tcp6, native)];
  if (options.udp ?? true) chains.push(new TableChain([UDP4], native), new TableChain([UDP6], native));
  const names = new ProcessNameCache(native.processes);
  const estats = native.estats ? createEStatsCollector(native.estats) : null;
  let capacity = 256;

  return {
    name: 'windows-iphlpapi',
    read(): RowTable {
      // A fresh table each poll: the engine may keep the previous one for its diff.
      const out = createRowTable(capacity);
      for (const c of chains) c.readInto(out);
      capacity = Math.max(256, Math.ceil(out.count * 1.25));
      const pids = new Set<number>();
      for (let i = 0, w = W.PID; i < out.count; i++, w += ROW_WORDS) pids.add(out.words[w]);
      names.beginPoll(pids);
      estats?.collect(out);
      return out;
    },
    processInfo(pid: number): ProcessInfo | null {
      if (pid === PID_UNKNOWN || !Number.isInteger(pid) || pid < 0) return null;
      return names.lookup(pid);
    },
    async processDetails(pid: number): Promise<ProcessDetails | null> {
      if (pid === PID_UNKNOWN || !Number.isInteger(pid) || pid < 0) return null;
      const info = names.lookup(pid);
      // Command line, user and hosted services need more privileged APIs; only what the
      // limited-query handle gives is filled in.
      const details: ProcessDetails = { pid, name: info.name, path: info.path, commandLine: null, user: null, startTime: null, services: [] };
      const h = pid > 4 ? native.processes.open(pid) : null;
      if (h !== null) {
        try {
          const ticks = native.processes.creationTime(h);
          if (ticks !== null && ticks > 0n) details.startTime = Number(ticks / 10_000n) - 11_644_473_600_000;
        } finally {
          native.processes.close(h);
        }
      }
      return details;
    },
    dynamicRanges: () => readDynamicRanges('win32'),
    functions: () => ({ active: chains.map((c) => c.active), skipped: chains.flatMap((c) => c.skipped) }),
  };
}

/** The real native layer (koffi.ts loads iphlpapi/kernel32 only on first use). */
function koffiNative(): WindowsNative {
  return {
    table(fn) {
      switch (fn) {
        case 'GetTcpTable2':
        case 'GetTcp6Table2':
        case 'GetTcpTable':
        case 'GetTcp6Table':
          return k.bindTcpTableFunction(fn);
        case 'GetExtendedTcpTable(AF_INET, TCP_TABLE_OWNER_MODULE_ALL)':
          return k.bindExtendedTableFunction('GetExtendedTcpTable', k.AF_INET, k.TCP_TABLE_OWNER_MODULE_ALL);
        case 'GetExtendedTcpTable(AF_INET6, TCP_TABLE_OWNER_MODULE_ALL)':
          return k.bindExtendedTableFunction('GetExtendedTcpTable', k.AF_INET6, k.TCP_TABLE_OWNER_MODULE_ALL);
        case 'GetExtendedUdpTable(AF_INET, UDP_TABLE_OWNER_PID)':
          return k.bindExtendedTableFunction('GetExtendedUdpTable', k.AF_INET, k.UDP_TABLE_OWNER_PID);
        case 'GetExtendedUdpTable(AF_INET6, UDP_TABLE_OWNER_PID)':
          return k.bindExtendedTableFunction('GetExtendedUdpTable', k.AF_INET6, k.UDP_TABLE_OWNER_PID);
      }
    },
    processes: koffiProcessLookups(),
    estats: () => k.bindEStats() ?? new EStatsUnavailableError('iphlpapi.dll does not export the EStats functions'),
  };
}

function koffiProcessLookups(): ProcessLookups<unknown> {
  let api: ReturnType<typeof k.kernel32> | null = null;
  const get = () => (api ??= k.kernel32());
  type H = Parameters<ReturnType<typeof k.kernel32>['imagePath']>[0];
  return {
    open: (pid) => get().openProcess(k.PROCESS_QUERY_LIMITED_INFORMATION, pid),
    creationTime: (h) => get().creationTime(h as H),
    imagePath: (h) => get().imagePath(h as H),
    close: (h) => get().closeHandle(h as H),
  };
}

/** The koffi-backed native layer for closeTcpConnectionV4 / endProcess (actions.ts). */
export function koffiActionNative(): import('./actions').ActionNative {
  return {
    setTcpEntry: (row) => {
      const f = k.bindSetTcpEntry();
      return f ? f(row) >>> 0 : null;
    },
    openForTerminate(pid) {
      const api = k.kernel32();
      // Query rights too, so the creation time is checked on the handle that terminates.
      const h = api.openProcess(k.PROCESS_TERMINATE | k.PROCESS_QUERY_LIMITED_INFORMATION, pid);
      return h ? { handle: h } : { error: api.lastError() };
    },
    creationTime: (handle) => k.kernel32().creationTime(handle as k.ProcessHandle),
    terminate(handle, exitCode) {
      const api = k.kernel32();
      return api.terminate(handle as k.ProcessHandle, exitCode) ? 0 : api.lastError() || 1;
    },
    close: (handle) => k.kernel32().closeHandle(handle as k.ProcessHandle),
  };
}
