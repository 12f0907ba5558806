// `netmon snapshot`: one poll (two when rates are needed), printed, done.
import { busiest } from '../../shared/processes';
import { compareConnections, formatCsv, formatNdjson, formatTable } from '../../shared/format';
import type { SnapshotOptions } from './args';
import type { CliIo } from './io';
import { departingRows, loadBaseline } from './baseline';
import { readTableOnce } from './read-table';
import { formatTrafficTable } from './traffic-table';

export async function runSnapshot(opts: SnapshotOptions, io: CliIo): Promise<number> {
  let baseline: ReturnType<typeof loadBaseline> | null;
  try {
    baseline = opts.baseline ? loadBaseline(opts.baseline) : null;
  } catch (e) {
    io.stderr(`netmon: ${(e as Error).message}\n`);
    return 2;
  }
  // Rates and limitedBy need two polls (the filter, --sort rate, --traffic or --interval asked for them).
  const read = await readTableOnce(opts.source, io, {
    warmUpMs: opts.warmUpMs,
    tables: opts.tables,
    // Sorted, filtered or shown by traffic (SnapshotOptions.traffic says all three): a source
    // without counters is said, as top says it.
    readsTraffic: opts.traffic,
  });
  if (!read) return 1;
  if (read.stopped) return 0; // stopped between the two polls: nothing to report, and no error
  const { connections, status } = read.last;
  for (const n of status.notices ?? []) io.stderr(`netmon: ${n}\n`);
  const matching = opts.filter ? connections.filter((c) => opts.filter!.match(c)) : connections;
  const sorted = (baseline ? departingRows(baseline, connections, matching) : matching).sort(compareConnections);
  // Busiest first; ties and rows without the value keep the usual order (unknown last).
  const rows = opts.sort ? busiest(sorted, opts.sort, sorted.length) : sorted;
  if (opts.output === 'json') io.stdout(formatNdjson(rows));
  else if (opts.output === 'csv') io.stdout(formatCsv(rows));
  else io.stdout(opts.traffic ? formatTrafficTable(rows) : formatTable(rows));
  return 0;
}
