// `netmon snapshot`: one poll, printed, done.
import { compareConnections, formatCsv, formatNdjson, formatTable } from '../../shared/format';
import { createEngine } from '../engine/engine';
import type { SnapshotOptions } from './args';
import type { CliIo } from './io';
import { departingRows, loadBaseline } from './baseline';

export async function runSnapshot(opts: SnapshotOptions, io: CliIo): Promise<number> {
  let baseline: ReturnType<typeof loadBaseline> | null;
  try {
    baseline = opts.baseline ? loadBaseline(opts.baseline) : null;
  } catch (e) {
    io.stderr(`netmon: ${(e as Error).message}\n`);
    return 2;
  }
  const source = io.createSource(opts.source);
  try {
    const engine = createEngine({ source, now: io.now });
    const batch = await engine.pollNow();
    if (batch.status.lastError !== null || !batch.connections) {
      io.stderr(`netmon: cannot read the connection table: ${batch.status.lastError ?? 'no data'}\n`);
      return 1;
    }
    for (const n of batch.status.notices ?? []) io.stderr(`netmon: ${n}\n`);
    const matching = opts.filter ? batch.connections.filter((c) => opts.filter!.match(c)) : batch.connections;
    const rows = (baseline ? departingRows(baseline, batch.connections, matching) : matching).sort(compareConnections);
    io.stdout(opts.output === 'json' ? formatNdjson(rows) : opts.output === 'csv' ? formatCsv(rows) : formatTable(rows));
    return 0;
  } finally {
    source.close?.();
  }
}
