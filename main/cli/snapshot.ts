// `netmon snapshot`: one poll, printed, done.
import { compareConnections, formatCsv, formatNdjson, formatTable } from '../../shared/format';
import type { SnapshotOptions } from './args';
import type { CliIo } from './io';
import { departingRows, loadBaseline } from './baseline';
import { readTableOnce } from './read-table';

export async function runSnapshot(opts: SnapshotOptions, io: CliIo): Promise<number> {
  let baseline: ReturnType<typeof loadBaseline> | null;
  try {
    baseline = opts.baseline ? loadBaseline(opts.baseline) : null;
  } catch (e) {
    io.stderr(`netmon: ${(e as Error).message}\n`);
    return 2;
  }
  const read = await readTableOnce(opts.source, io);
  if (!read) return 1;
  const { connections, status } = read.last;
  for (const n of status.notices ?? []) io.stderr(`netmon: ${n}\n`);
  const matching = opts.filter ? connections.filter((c) => opts.filter!.match(c)) : connections;
  const rows = (baseline ? departingRows(baseline, connections, matching) : matching).sort(compareConnections);
  io.stdout(opts.output === 'json' ? formatNdjson(rows) : opts.output === 'csv' ? formatCsv(rows) : formatTable(rows));
  return 0;
}
