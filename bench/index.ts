// `npm run bench`: decode + diff per poll from synthetic Windows tables, the whole engine poll, the
// live Linux poll, and the cost of encoding one large batch for IPC. Plain-text tables of medians.
import type { ConnectionEvent } from '../shared/connection';
import { encodeBatch, type EventBatch } from '../shared/ipc';
import { createEngine } from '../main/engine/engine';
import { materializeRow } from '../main/model/materialize';
import { prng, randomTable } from '../main/model/random';
import { alternatingSource, benchDecodeDiff, formatDecodeDiff, ms, table, time } from './decode-diff';
import { benchLinuxPoll, formatLinuxPoll } from './linux-poll';
import { benchRendererStore } from './renderer-store';
import { benchRecordingRead, RECORDING_CHILD_FLAG, recordingReadChild } from './recording-read';
import { benchFilter } from './filter';
import { benchTraffic } from './traffic';
import { benchHistory } from './history';
import { benchTimeline } from './timeline';
import { benchExporters, EXPORT_CHILD_FLAG, exporterLoadChild } from './exporters';
import { benchPortNotices } from './port-notices';
import { benchUiFrames } from './ui-frames';

/**
 * The engine's whole poll (decode, copy, diff, events for the changed rows) at 1 Hz-relevant
 * sizes, over a source that decodes two alternating synthetic snapshots: the JS cost of a poll
 * without the system call. CPU at 1 Hz = poll ms / 1000 ms.
 */
async function benchEnginePoll(sizes = [10_000, 50_000]): Promise<string> {
  const rows: string[][] = [];
  for (const n of sizes) {
    const engine = createEngine({ source: alternatingSource(n) });
    await engine.pollNow(); // the full first batch, not what a steady-state poll costs
    const runs = n <= 10_000 ? 200 : 50;
    const samples: number[] = [];
    let events = 0;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      const batch = await engine.pollNow();
      samples.push(batch.status.lastPollMs ?? NaN);
      events += batch.events.length;
    }
    const cpu = process.cpuUsage(cpu0);
    samples.sort((x, y) => x - y);
    const median = samples[Math.floor(runs / 2)];
    rows.push([
      n.toLocaleString('en-US'),
      (events / runs).toFixed(0),
      `${ms(median)} / ${ms(samples[Math.floor(runs * 0.95)])}`,
      ms((cpu.user + cpu.system) / 1000 / runs),
      `${((median / 1000) * 100).toFixed(2)}%`,
    ]);
  }
  return table(['engine poll rows', 'events/poll', 'poll ms (med/p95)', 'CPU ms/poll', 'core at 1 Hz'], rows);
}

function benchBatchEncode(events = 10_000): string {
  const t = randomTable(events, prng(99));
  const list: ConnectionEvent[] = [];
  for (let i = 0; i < t.count; i++) {
    list.push({ type: 'opened', time: 1_700_000_000_000, connection: materializeRow(t, i, (pid) => ({ pid, name: `proc${pid}`, path: null })) });
  }
  const batch: EventBatch = {
    seq: 2,
    time: 1_700_000_000_000,
    full: false,
    events: list,
    status: { paused: false, intervalMs: 1000, source: 'bench', lastPollAt: 0, lastPollMs: 1, lastError: null },
  };
  let bytes = 0;
  const enc = time(() => (bytes = encodeBatch(batch).length), 50, 5);
  return table(
    ['batch encode', 'events', 'JSON bytes', 'ms (med/p95)'],
    [['encodeBatch (JSON.stringify)', events.toLocaleString('en-US'), bytes.toLocaleString('en-US'), `${ms(enc.median)} / ${ms(enc.p95)}`]],
  );
}

async function main(): Promise<void> {
  console.log(`netmon bench — node ${process.version}, ${process.platform}/${process.arch}\n`);
  console.log('Decode (MIB_TCPTABLE2) + diff (~1% churn) + materialize changed rows, per poll');
  console.log(formatDecodeDiff(benchDecodeDiff()));
  console.log('\nEngine poll over synthetic tables (decode + copy + diff + events; no system call)');
  console.log(await benchEnginePoll());
  console.log('\nLinux live poll');
  if (process.platform === 'linux') {
    console.log(formatLinuxPoll(await benchLinuxPoll()));
  } else {
    console.log(`skipped: the Linux source needs Linux (this is ${process.platform})`);
  }
  console.log('');
  console.log(benchBatchEncode());
  console.log('\nRenderer store and view (snapshot, batch, filter, sort; no DOM)');
  console.log(benchRendererStore());
  console.log('\nThe window in Chromium: 50,000 rows, 1,000 events/s (netmon serve --source demo, Playwright)');
  console.log(await benchUiFrames());
  console.log('\nReading a 200 MB recording (streamed, in a child process; peak RSS is the whole child)');
  console.log(benchRecordingRead());
  console.log('\nTraffic counters: tcp_info cost per Linux poll, the batch counters section, EStats per poll');
  console.log(await benchTraffic());
  console.log('\nFilter language: parse, and match over every row (a filter change in the window)');
  console.log(benchFilter());
  console.log("\nRun history: a poll's cost in the engine worker, across the thread and in the host's mirror; the ring's memory");
  console.log(benchHistory());
  console.log('\nTimeline: cost of one batch (1% churn) and the memory the bounded series keeps');
  console.log(benchTimeline());
  console.log('\nAgent exporters: 1,000 events/s into Prometheus (scraped), syslog and OTLP, healthy and stalled receivers');
  console.log(await benchExporters());
  console.log('\nPort usage and notices: engine side (a poll of 1,000 events; a whole-table count) and window side (judging one sample), beside the old window walk; baseline flags');
  console.log(benchPortNotices());
}

/** `node dist/bench/index.cjs --renderer`: only the renderer's figures (Node store bench, then Chromium). */
async function rendererOnly(): Promise<void> {
  console.log(benchRendererStore());
  console.log(await benchUiFrames());
}

const run = process.argv[2] === RECORDING_CHILD_FLAG ? recordingReadChild(process.argv[3]) : process.argv[2] === EXPORT_CHILD_FLAG ? exporterLoadChild(process.argv[3]) : process.argv[2] === '--renderer' ? rendererOnly() : main();
run.catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
