// Traffic counters: what asking the kernel for tcp_info costs a Linux poll (CPU per read at
// 16,000 sockets, with and without counters, interleaved in one run), the size of a batch's
// counters section at 10,000 established rows whose counters all move, and the EStats collector's
// JS cost and call count per poll over synthetic rows (a native layer that answers at once).
// Runnable alone:
//   npx esbuild bench/traffic.ts --bundle --platform=node --external:koffi --outfile=dist/bench/traffic.cjs && node dist/bench/traffic.cjs
import { performance } from 'node:perf_hooks';
import { encodeBatch } from '../shared/ipc';
import { createEngine } from '../main/engine/engine';
import { C, COUNTER_SLOTS, createRowTable, ensureCounters, PROTO_TCP, ROW_WORDS, W, type RowTable } from '../main/model/rows';
import { createLinuxSource } from '../main/source/linux';
import { createEStatsCollector, MAX_ESTATS_CONNECTIONS } from '../main/source/windows/estats';
import { ms, table } from './decode-diff';
import { startChild, stopChildren } from './linux-poll';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU ms (user + system) of one call. */
function cpuOf(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

export async function benchLinuxCounters(pairs = 8000, runs = 30): Promise<string> {
  const children = [];
  try {
    for (let left = pairs; left > 0; left -= 4000) children.push(await startChild(Math.min(4000, left)));
    const plain = createLinuxSource({ tables: 'netlink', counters: false });
    const withInfo = createLinuxSource({ tables: 'netlink', counters: true });
    plain.read();
    withInfo.read(); // warm: inode → PID cache filled, buffers grown
    const a: number[] = [];
    const b: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      // Interleaved, so a machine that gets busier during the run weighs on both alike.
      a.push(cpuOf(() => (rows = plain.read().count)));
      b.push(cpuOf(() => withInfo.read()));
    }
    plain.close?.();
    withInfo.close?.();
    const ratio = median(b) / median(a);
    return table(
      ['Linux poll (netlink)', 'rows', 'CPU ms/read (median)', 'ratio', 'budget'],
      [
        ['without tcp_info', rows.toLocaleString('en-US'), ms(median(a)), '1.00', ''],
        ['with tcp_info (counters)', rows.toLocaleString('en-US'), ms(median(b)), ratio.toFixed(2), '≤ 1.30'],
      ],
    );
  } finally {
    await stopChildren(children);
  }
}

/** `n` established IPv4 rows with counters; `step` moves every counter. */
function establishedTable(n: number, step: number): RowTable {
  const t = createRowTable(n);
  const k = ensureCounters(t, n);
  for (let i = 0; i < n; i++) {
    const o = i * ROW_WORDS;
    t.words[o + W.PROTO] = PROTO_TCP;
    t.words[o + W.FAMILY] = 4;
    t.words[o + W.LADDR] = 0x0a000001;
    t.words[o + W.LPORT] = 1024 + (i % 60000);
    t.words[o + W.RADDR] = 0x0a000002 + Math.floor(i / 60000);
    t.words[o + W.RPORT] = 443;
    t.words[o + W.STATE] = 5;
    t.words[o + W.PID] = 1000 + (i % 50);
    const at = i * COUNTER_SLOTS;
    k[at + C.BYTES_SENT] = 1e6 + i * 1000 + step * 65_536;
    k[at + C.BYTES_RECEIVED] = 5e5 + i * 10 + step * 4096;
    k[at + C.SEGS_OUT] = 1000 + step * 45;
    k[at + C.SEGS_IN] = 900 + step * 40;
    k[at + C.RTT_US] = 1500 + (i % 300);
    k[at + C.RTTVAR_US] = 200;
    k[at + C.RETRANS] = i % 7;
    k[at + C.BUSY_US] = step * 900_000;
    k[at + C.RWND_LIMITED_US] = step * 100_000;
    k[at + C.SNDBUF_LIMITED_US] = 0;
  }
  t.count = n;
  return t;
}

export async function benchCountersBatch(n = 10_000): Promise<string> {
  let step = 0;
  const engine = createEngine({ source: { name: 'bench', read: () => establishedTable(n, step++), processInfo: (pid) => ({ pid, name: `proc${pid}`, path: null }) } });
  await engine.pollNow();
  const sizes: number[] = [];
  const polls: number[] = [];
  let moved = 0;
  for (let i = 0; i < 10; i++) {
    const batch = await engine.pollNow();
    polls.push(batch.status.lastPollMs ?? NaN);
    moved = batch.counters?.length ?? 0;
    sizes.push(encodeBatch(batch).length);
  }
  return table(
    ['counters section', 'rows', 'rows moved', 'batch JSON bytes', 'bytes/row', 'engine poll ms (median)'],
    [[`${n.toLocaleString('en-US')} established`, n.toLocaleString('en-US'), moved.toLocaleString('en-US'), median(sizes).toLocaleString('en-US'), (median(sizes) / n).toFixed(0), ms(median(polls))]],
  );
}

export function benchEStats(n = 10_000, runs = 20): string {
  const rod = new Uint8Array(160);
  const collector = createEStatsCollector(() => ({
    set: () => 0,
    get: (_f, _row, _type, rw, out) => {
      rw[0] = 1;
      out.set(rod.subarray(0, out.length));
      return 0;
    },
  }));
  const t = establishedTable(n, 0);
  collector.collect(t); // enables the first MAX_ESTATS_ENABLE_PER_POLL
  for (let i = 0; i < 5; i++) collector.collect(t); // reach the cap
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    collector.collect(t);
    samples.push(performance.now() - t0);
  }
  const s = collector.stats();
  return table(
    ['EStats collector (synthetic, instant native)', 'established rows', 'tracked (cap)', 'Get calls/poll', 'Set calls/poll', 'JS ms/poll (median)'],
    [[`${n.toLocaleString('en-US')} rows`, n.toLocaleString('en-US'), `${s.tracked} (${MAX_ESTATS_CONNECTIONS})`, String(s.getCalls), String(s.setCalls), ms(median(samples))]],
  );
}

export async function benchTraffic(): Promise<string> {
  const parts: string[] = [];
  if (process.platform === 'linux') parts.push(await benchLinuxCounters());
  else parts.push(`Linux poll with tcp_info: skipped (this is ${process.platform})`);
  parts.push(await benchCountersBatch());
  parts.push(benchEStats());
  return parts.join('\n\n');
}

// Run alone (bundled as traffic.cjs); inside `npm run bench` index.ts calls benchTraffic.
if (/traffic\.c?js$/.test(process.argv[1] ?? '')) void benchTraffic().then((s) => console.log(s));
