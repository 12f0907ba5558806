// The real Linux poll at several thousand live loopback connections: how long one
// createLinuxSource().read() takes (table read + inode → PID mapping with a warm cache, and the
// cold first read that walks every /proc/<pid>/fd), and the CPU share of polling at 1 Hz, each for
// both ways of reading the tables: netlink sock_diag (the default) and procfs (the fallback).
//
// Connections are held by child processes (a process may hold at most 20,000 fds here), each with
// its own loopback listener; everything is bounded in count and time and torn down with RSTs at the
// end so no TIME-WAIT flood is left behind. Runnable alone:
//   npx esbuild bench/linux-poll.ts --bundle --platform=node --outfile=dist/bench/linux-poll.cjs && node dist/bench/linux-poll.cjs
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createLinuxSource } from '../main/source/linux';
import { openSockDiag } from '../main/source/linux/netlink';
import { createProcNetTable } from '../main/source/linux/procfs';

type Tables = 'netlink' | 'procfs';
const TABLES: readonly Tables[] = ['netlink', 'procfs'];
const TARGETS = [
  { protocol: 'tcp', family: 4 },
  { protocol: 'tcp', family: 6 },
  { protocol: 'udp', family: 4 },
  { protocol: 'udp', family: 6 },
] as const;

export interface LinuxPollRow {
  name: string;
  /** Rows in the table the poll returned (the whole machine's, not only ours). */
  rows: number;
  medianMs: number;
  p95Ms: number;
  /** CPU time / wall time over the run, percent of one core (CPU-share rows only). */
  cpuPercent?: number;
  /** Process CPU time (user + system) per read, ms: steadier than wall time on a busy machine. */
  cpuMs?: number;
  /** For the netlink / procfs comparison: which tables, what was measured, at how many pairs. */
  tables?: Tables;
  kind?: 'cold' | 'warm' | 'kernel' | 'cpu';
  pairs?: number;
}

export interface LinuxPollOptions {
  /** Connected pairs (2 rows each) to measure at, ascending; default 2,000 / 5,000 / 10,000. */
  pairs?: number[];
  /** Timed reads per level. */
  runs?: number;
  /** Pairs held during the 1 Hz CPU run (default 5,000 = ~10k rows); 0 skips it. */
  cpuPairs?: number;
  /** Length of the 1 Hz CPU run, seconds. */
  cpuSeconds?: number;
  /** Most pairs one child holds (two fds each). */
  pairsPerChild?: number;
}

const MAX_TOTAL_PAIRS = 40_000;
const CHILD_READY_TIMEOUT_MS = 60_000;

// The child: listen on loopback, open `n` connections to itself in bounded batches, report, then
// hold them until stdin closes and tear down with RST (resetAndDestroy) to avoid TIME-WAIT.
// Optionally (see ChildOptions) it first leaves `timeWait` connections in TIME-WAIT (closed by the
// connecting side, so the kernel holds them for 60 s) and keeps 1 in `activeEvery` held pairs
// moving a few bytes every `tickMs`, so their counters change from poll to poll.
const CHILD = `
const net = require('net');
const n = Number(process.argv[1]);
const opt = JSON.parse(process.argv[2] || '{}');
const held = [];
const clients = [];
const server = net.createServer((s) => { s.on('error', () => {}); held.push(s); });
const connect = (port) => new Promise((res, rej) => {
  const c = net.connect(port, '127.0.0.1', () => res(c));
  c.on('error', rej);
});
server.listen(0, '127.0.0.1', 4096, async () => {
  const port = server.address().port;
  let left = opt.timeWait || 0;
  while (left > 0) {
    const batch = await Promise.all(Array.from({ length: Math.min(256, left) }, () => connect(port)));
    await Promise.all(batch.map((c) => new Promise((r) => { c.on('close', r); c.end(); })));
    left -= batch.length;
  }
  held.length = 0;
  let opened = 0;
  while (opened < n) {
    const batch = Math.min(256, n - opened);
    const cs = await Promise.all(Array.from({ length: batch }, () => connect(port)));
    for (const c of cs) { held.push(c); clients.push(c); }
    opened += batch;
  }
  while (held.length < 2 * n) await new Promise((r) => setTimeout(r, 5));
  if (opt.activeEvery > 0) {
    const payload = Buffer.alloc(100, 0x61);
    setInterval(() => { for (let i = 0; i < clients.length; i += opt.activeEvery) clients[i].write(payload); }, opt.tickMs || 100).unref();
  }
  process.stdout.write('ready ' + n + '\\n');
});
process.stdin.on('end', () => { for (const s of held) s.resetAndDestroy(); server.close(); setTimeout(() => process.exit(0), 50); });
process.stdin.resume();
`;

export interface ChildOptions {
  /** Connections first opened and closed by the connecting side, left in TIME-WAIT (60 s, not torn down). */
  timeWait?: number;
  /** 1 in this many held pairs sends 100 bytes every tickMs (0: all idle). */
  activeEvery?: number;
  tickMs?: number;
}

export async function startChild(pairs: number, opts: ChildOptions = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', CHILD, String(pairs), JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_READY_TIMEOUT_MS);
  try {
    let out = '';
    while (!out.includes('\n')) {
      const [chunk] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => [null])])) as [Buffer | null];
      if (chunk === null) throw new Error(`connection holder exited before opening ${pairs} pairs`);
      out += chunk.toString();
    }
    if (!out.startsWith(`ready ${pairs}`)) throw new Error(`connection holder said ${JSON.stringify(out)}`);
    return child;
  } finally {
    clearTimeout(timer);
  }
}

export async function stopChildren(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.stdin!.end();
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }),
  );
}

// The kernel's share of a poll: reading the four procfs tables, no parsing, no PID mapping.
const rawBuf = Buffer.allocUnsafe(16 << 20);
function readProcfsRaw(): number {
  let total = 0;
  for (const f of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const fd = openSync(`/proc/net/${f}`, 'r');
    try {
      for (;;) {
        const n = readSync(fd, rawBuf, 0, rawBuf.length, null);
        if (n === 0) break;
        total += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  return total;
}

// The kernel's share over netlink: the four sock_diag dumps, decoded (the decode is a few % of it).
const rawTable = createProcNetTable(1 << 16);
function readNetlinkRaw(reader: ReturnType<typeof openSockDiag>): number {
  rawTable.rows.count = 0;
  reader.read(rawTable, TARGETS);
  return rawTable.rows.count;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function benchLinuxPoll(opts: LinuxPollOptions = {}): Promise<LinuxPollRow[]> {
  const levels = (opts.pairs ?? [2_000, 5_000, 10_000]).filter((n) => n > 0 && n <= MAX_TOTAL_PAIRS).sort((a, b) => a - b);
  const runs = Math.max(5, opts.runs ?? 50);
  const cpuPairs = Math.min(opts.cpuPairs ?? 5_000, MAX_TOTAL_PAIRS);
  const cpuSeconds = Math.max(2, Math.min(60, opts.cpuSeconds ?? 10));
  const perChild = Math.max(1, Math.min(opts.pairsPerChild ?? 4_000, 9_000));
  const children: ChildProcess[] = [];
  let held = 0;
  const holdAtLeast = async (pairs: number) => {
    while (held < pairs) {
      const n = Math.min(perChild, pairs - held);
      children.push(await startChild(n));
      held += n;
    }
  };

  const out: LinuxPollRow[] = [];
  try {
    // The CPU run happens at exactly cpuPairs held, between the timing levels around it.
    const steps = [...new Set([...levels, ...(cpuPairs > 0 ? [cpuPairs] : [])])].sort((a, b) => a - b);
    for (const level of steps) {
      await holdAtLeast(level);
      if (levels.includes(level)) {
        const at = level.toLocaleString('en-US');
        for (const tables of TABLES) {
          // Cold: a fresh source walks every process's fds on its first read.
          const cold = createLinuxSource({ tables });
          if (cold.name !== `linux-${tables}`) throw new Error(`asked for ${tables} tables, got ${cold.name}: ${cold.backendInfo().reason}`);
          const t0 = performance.now();
          const first = cold.read();
          const coldMs = performance.now() - t0;
          out.push({ name: `${tables}: cold first read, ${at} pairs (full /proc fd walk)`, rows: first.count, medianMs: coldMs, p95Ms: coldMs, tables, kind: 'cold', pairs: level });

          // Warm: the same source again and again; the cache answers, the table is read each time.
          const times: number[] = [];
          let rows = 0;
          for (let i = 0; i < 5; i++) cold.read();
          const cpu0 = process.cpuUsage();
          for (let i = 0; i < runs; i++) {
            const s = performance.now();
            rows = cold.read().count;
            times.push(performance.now() - s);
          }
          const cpu = process.cpuUsage(cpu0);
          cold.close?.();
          times.sort((a, b) => a - b);
          out.push({
            name: `${tables}: read, ${at} pairs (warm PID cache)`,
            rows,
            medianMs: quantile(times, 0.5),
            p95Ms: quantile(times, 0.95),
            cpuMs: (cpu.user + cpu.system) / 1000 / runs,
            tables,
            kind: 'warm',
            pairs: level,
          });
        }

        const raw: number[] = [];
        let cpu0 = process.cpuUsage();
        for (let i = 0; i < runs; i++) {
          const s = performance.now();
          readProcfsRaw();
          raw.push(performance.now() - s);
        }
        let cpu = process.cpuUsage(cpu0);
        raw.sort((a, b) => a - b);
        const rowsNow = out[out.length - 1].rows;
        out.push({
          name: `  procfs kernel share: the four file reads only`,
          rows: rowsNow,
          medianMs: quantile(raw, 0.5),
          p95Ms: quantile(raw, 0.95),
          cpuMs: (cpu.user + cpu.system) / 1000 / runs,
          tables: 'procfs',
          kind: 'kernel',
          pairs: level,
        });

        const reader = openSockDiag();
        const dumps: number[] = [];
        let dumped = 0;
        cpu0 = process.cpuUsage();
        for (let i = 0; i < runs; i++) {
          const s = performance.now();
          dumped = readNetlinkRaw(reader);
          dumps.push(performance.now() - s);
        }
        cpu = process.cpuUsage(cpu0);
        reader.close();
        dumps.sort((a, b) => a - b);
        out.push({
          name: `  netlink kernel share: the four dumps + decode`,
          rows: dumped,
          medianMs: quantile(dumps, 0.5),
          p95Ms: quantile(dumps, 0.95),
          cpuMs: (cpu.user + cpu.system) / 1000 / runs,
          tables: 'netlink',
          kind: 'kernel',
          pairs: level,
        });
      }
      if (level === cpuPairs) {
        for (const tables of TABLES) {
          const source = createLinuxSource({ tables });
          source.read(); // warm up the cache as a running app would have
          const walks0 = source.pidStats().scans;
          const times: number[] = [];
          let rows = 0;
          const cpu0 = process.cpuUsage();
          const wall0 = performance.now();
          for (let i = 0; i < cpuSeconds; i++) {
            const s = performance.now();
            rows = source.read().count;
            times.push(performance.now() - s);
            await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - s))));
          }
          const cpu = process.cpuUsage(cpu0);
          const wall = performance.now() - wall0;
          source.close?.();
          times.sort((a, b) => a - b);
          out.push({
            // fd walks: polls that met an inode the PID cache did not know (other processes' new sockets).
            name: `${tables}: 1 Hz polling for ${cpuSeconds} s, ${held.toLocaleString('en-US')} pairs held (${source.pidStats().scans - walks0} fd walks)`,
            rows,
            medianMs: quantile(times, 0.5),
            p95Ms: quantile(times, 0.95),
            cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
            tables,
            kind: 'cpu',
            pairs: held,
          });
        }
      }
    }
  } finally {
    await stopChildren(children);
  }
  return out;
}

/** Plain-text table of the rows. */
export function formatLinuxPoll(rows: readonly LinuxPollRow[]): string {
  const header = ['Linux poll (createLinuxSource().read())', 'rows', 'median ms', 'p95 ms', 'CPU ms/read', 'CPU % of a core'];
  const body = rows.map((r) => [
    r.name,
    r.rows.toLocaleString('en-US'),
    r.medianMs.toFixed(2),
    r.p95Ms.toFixed(2),
    r.cpuMs === undefined ? '' : r.cpuMs.toFixed(2),
    r.cpuPercent === undefined ? '' : r.cpuPercent.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...formatRatios(rows)].join('\n');
}

/** procfs ÷ netlink for every measurement taken both ways (medians; CPU share for the 1 Hz run). */
function formatRatios(rows: readonly LinuxPollRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.tables !== 'netlink' || !r.kind) continue;
    const p = rows.find((x) => x.tables === 'procfs' && x.kind === r.kind && x.pairs === r.pairs);
    if (!p) continue;
    const what = r.kind === 'cpu' ? 'CPU share at 1 Hz' : `${r.kind} read median`;
    const [a, b] = r.kind === 'cpu' ? [p.cpuPercent ?? NaN, r.cpuPercent ?? NaN] : [p.medianMs, r.medianMs];
    const unit = r.kind === 'cpu' ? '%' : ' ms';
    const cpu = r.cpuMs !== undefined && p.cpuMs !== undefined ? `; CPU ms/read ${p.cpuMs.toFixed(2)} / ${r.cpuMs.toFixed(2)} = ${(p.cpuMs / r.cpuMs).toFixed(1)}×` : '';
    out.push(`${what}, ${(r.pairs ?? 0).toLocaleString('en-US')} pairs: procfs ${a.toFixed(2)}${unit} / netlink ${b.toFixed(2)}${unit} = ${(a / b).toFixed(1)}×${cpu}`);
  }
  return out.length ? ['', 'procfs ÷ netlink', ...out] : [];
}

// Run alone (the bundle is named linux-poll.*); inside `npm run bench` bench/index.ts calls it.
if (/linux-poll\.(c?js|ts)$/.test(process.argv[1] ?? '')) {
  benchLinuxPoll()
    .then((rows) => console.log(formatLinuxPoll(rows)))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    });
}
