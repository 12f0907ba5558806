// Decode + diff cost per poll at 1k / 10k / 50k rows, from synthetic MIB_TCPTABLE2 buffers laid
// out byte for byte as GetTcpTable2 writes them, with ~1% churn between consecutive snapshots.
import { createDiffer, diffTables } from '../main/model/diff';
import { materializeRow } from '../main/model/materialize';
import { prng } from '../main/model/random';
import { createRowTable, type RowTable } from '../main/model/rows';
import type { ConnectionSource, ProcessInfo } from '../main/source/types';
import { decodeTcpTable2 } from '../main/source/windows/decode';

interface SynthRow {
  state: number;
  laddr: number;
  lport: number;
  raddr: number;
  rport: number;
  pid: number;
}

const ROW2 = 28;

/** MIB_TCPTABLE2: DWORD dwNumEntries, then MIB_TCPROW2 rows (28 bytes) from offset 4. */
export function buildTcpTable2(rows: readonly SynthRow[]): Uint8Array {
  const buf = new Uint8Array(4 + rows.length * ROW2);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, rows.length, true);
  rows.forEach((r, i) => {
    const o = 4 + i * ROW2;
    dv.setUint32(o, r.state, true); // dwState
    dv.setUint32(o + 4, r.laddr, false); // dwLocalAddr, network order
    // dwLocalPort: network order in the low 16 bits; the upper bytes are junk on purpose.
    buf[o + 8] = r.lport >>> 8;
    buf[o + 9] = r.lport & 0xff;
    buf[o + 10] = 0xab;
    buf[o + 11] = 0xcd;
    dv.setUint32(o + 12, r.raddr, false);
    buf[o + 16] = r.rport >>> 8;
    buf[o + 17] = r.rport & 0xff;
    dv.setUint32(o + 20, r.pid, true); // dwOwningPid
    dv.setUint32(o + 24, 0, true); // dwOffloadState: TcpConnectionOffloadStateInHost
  });
  return buf;
}

/** `n` distinct connections, a busy server's mix: mostly ESTABLISHED, some LISTEN and TIME-WAIT. */
function synthRows(n: number, rnd: () => number): SynthRow[] {
  const rows: SynthRow[] = [];
  const seen = new Set<string>();
  while (rows.length < n) {
    const r: SynthRow = {
      state: rnd() < 0.8 ? 5 : rnd() < 0.5 ? 11 : 2,
      laddr: 0x0a000005,
      lport: rnd() < 0.5 ? 443 : 1024 + Math.floor(rnd() * 64000),
      raddr: (0x0a000000 | Math.floor(rnd() * 0xffffff)) >>> 0,
      rport: 1024 + Math.floor(rnd() * 64000),
      pid: 100 + Math.floor(rnd() * 200),
    };
    const k = `${r.lport}/${r.raddr}/${r.rport}`;
    if (seen.has(k)) continue;
    seen.add(k);
    rows.push(r);
  }
  return rows;
}

/** The next snapshot: ~0.5% closed, ~0.5% new, ~0.5% changed state (TIME-WAIT, PID 0). */
function churn(rows: readonly SynthRow[], rnd: () => number): SynthRow[] {
  const out: SynthRow[] = [];
  for (const r of rows) {
    const x = rnd();
    if (x < 0.005) continue;
    out.push(x < 0.01 ? { ...r, state: 11, pid: 0 } : r);
  }
  const fresh = synthRows(Math.max(1, Math.round(rows.length * 0.005)), rnd).map((r) => ({ ...r, raddr: (r.raddr ^ 0x00800000) >>> 0 }));
  // New rows land at random positions, as they do in an unordered table.
  for (const f of fresh) out.splice(Math.floor(rnd() * out.length), 0, f);
  return out;
}

/** The obvious implementation, for the ratio: a Connection per row, keyed by string in a Map. */
function naiveDiff(prev: Map<string, { state: string | null; pid: number | null }>, next: RowTable, lookup: (pid: number) => ProcessInfo | null): number {
  const now = new Map<string, { state: string | null; pid: number | null }>();
  let events = 0;
  for (let i = 0; i < next.count; i++) {
    const c = materializeRow(next, i, lookup);
    now.set(c.id, c);
    const before = prev.get(c.id);
    if (!before || before.state !== c.state || before.pid !== c.pid) events++;
  }
  for (const id of prev.keys()) if (!now.has(id)) events++;
  return events;
}

/** Two consecutive MIB_TCPTABLE2 snapshots of `n` rows with ~1% churn between them. */
export function synthSnapshots(n: number, seed = n): [Uint8Array, Uint8Array] {
  const rnd = prng(seed);
  const a = synthRows(n, rnd);
  return [buildTcpTable2(a), buildTcpTable2(churn(a, rnd))];
}

/**
 * A ConnectionSource that decodes two synthetic snapshots of `n` rows in turn (synthSnapshots'
 * churn each poll): the engine's JS cost without the system call.
 */
export function alternatingSource(n: number): ConnectionSource {
  const [a, b] = synthSnapshots(n);
  let flip = false;
  // Two tables in turn: each stays intact until the read after next, as a source promises.
  const outs = [createRowTable(n + n / 50), createRowTable(n + n / 50)];
  return {
    name: 'synthetic',
    read: () => {
      flip = !flip;
      return decodeTcpTable2(flip ? a : b, outs[flip ? 0 : 1]);
    },
    processInfo: (pid) => ({ pid, name: `proc${pid}.exe`, path: null }),
  };
}

export interface DecodeDiffResult {
  rows: number;
  decode: Timing;
  /** Steady state: the differ already indexes prev (the engine's case after its first poll). */
  diff: Timing;
  /** Cold: the key index built from scratch each time (first poll, or tables that are not a chain). */
  diffCold: Timing;
  materialize: Timing;
  total: Timing;
  naive: Timing;
  events: number;
}

export function benchDecodeDiff(sizes: readonly number[] = [1_000, 10_000, 50_000]): DecodeDiffResult[] {
  const lookup = (pid: number): ProcessInfo => ({ pid, name: `proc${pid}.exe`, path: null });
  const results: DecodeDiffResult[] = [];
  for (const n of sizes) {
    const rnd = prng(n);
    const a = synthRows(n, rnd);
    const b = churn(a, rnd);
    const bufA = buildTcpTable2(a);
    const bufB = buildTcpTable2(b);
    const runs = n <= 1_000 ? 2000 : n <= 10_000 ? 300 : 60;
    // Tables reused between polls, as the source does.
    const prev = decodeTcpTable2(bufA, createRowTable(n));
    const next = createRowTable(b.length);
    const decode = time(() => decodeTcpTable2(bufB, next), runs);
    decodeTcpTable2(bufB, next);
    const diffCold = time(() => diffTables(prev, next), runs);
    // Alternating prev→next and next→prev keeps one differ on a chain of snapshots, as the engine's polls are.
    const differ = createDiffer();
    const diff = halve(time(() => (differ.diff(next, prev), differ.diff(prev, next)), runs));
    const d = diffTables(prev, next);
    const events = d.opened.length + d.closed.length + d.changed.length;
    const materializeChanged = () => {
      const out = [];
      for (const i of d.opened) out.push(materializeRow(next, i, lookup));
      for (const i of d.closed) out.push(materializeRow(prev, i, lookup));
      for (const c of d.changed) out.push(materializeRow(next, c.next, lookup));
      return out;
    };
    const materialize = time(materializeChanged, runs);
    const poll = (older: RowTable, newer: RowTable, buf: Uint8Array) => {
      decodeTcpTable2(buf, newer);
      const dd = differ.diff(older, newer);
      const out = [];
      for (const i of dd.opened) out.push(materializeRow(newer, i, lookup));
      for (const i of dd.closed) out.push(materializeRow(older, i, lookup));
      for (const c of dd.changed) out.push(materializeRow(newer, c.next, lookup));
      return out;
    };
    differ.diff(next, prev);
    const total = halve(time(() => (poll(prev, next, bufB), poll(next, prev, bufA)), runs));
    decodeTcpTable2(bufA, prev);
    const prevMap = new Map<string, { state: string | null; pid: number | null }>();
    for (let i = 0; i < prev.count; i++) {
      const c = materializeRow(prev, i, lookup);
      prevMap.set(c.id, c);
    }
    const naive = time(() => {
      decodeTcpTable2(bufB, next);
      return naiveDiff(prevMap, next, lookup);
    }, Math.max(10, Math.floor(runs / 10)), 3);
    results.push({ rows: n, decode, diff, diffCold, materialize, total, naive, events });
  }
  return results;
}

export function formatDecodeDiff(results: readonly DecodeDiffResult[]): string {
  const rows = results.map((r) => [
    r.rows.toLocaleString('en-US'),
    `${ms(r.decode.median)} / ${ms(r.decode.p95)}`,
    `${ms(r.diff.median)} / ${ms(r.diff.p95)}`,
    `${ms(r.diffCold.median)} / ${ms(r.diffCold.p95)}`,
    `${ms(r.materialize.median)} (${r.events} ev)`,
    `${ms(r.total.median)} / ${ms(r.total.p95)}`,
    ms(r.total.cpu),
    ns((r.total.median * 1e6) / r.rows),
    ms(r.naive.median),
    `${(r.naive.median / r.total.median).toFixed(0)}×`,
  ]);
  return table(
    ['rows', 'decode ms (med/p95)', 'diff ms (med/p95)', 'cold diff ms', 'materialize ms', 'poll total ms (med/p95)', 'CPU ms (mean)', 'per row', 'naive Map ms', 'naive/ours'],
    rows,
  );
}

// ---- timing and table helpers (also used by index.ts) ----

export interface Timing {
  median: number;
  p95: number;
  runs: number;
  /** Mean CPU time (user + system) per run, ms: less disturbed than wall time on a busy machine. */
  cpu: number;
}

/** The timing of one of two equal halves of each run. */
function halve(t: Timing): Timing {
  return { median: t.median / 2, p95: t.p95 / 2, runs: t.runs * 2, cpu: t.cpu / 2 };
}

/** Runs `fn` `warmup` times untimed, then `runs` times timed; returns ms statistics. */
export function time(fn: () => unknown, runs: number, warmup = Math.min(20, runs)): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const samples = new Float64Array(runs);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples[i] = performance.now() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort();
  return {
    median: samples[Math.floor(runs / 2)],
    p95: samples[Math.min(runs - 1, Math.floor(runs * 0.95))],
    runs,
    cpu: (cpu.user + cpu.system) / 1000 / runs,
  };
}

export function ms(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3);
}

export function ns(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} µs` : `${x.toFixed(0)} ns`;
}

/** A plain-text table: header, rule, rows; first column left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
