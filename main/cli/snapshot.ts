// `netmon snapshot`: one poll, printed, done.
import { compareConnections, formatCsv, formatNdjson, formatTable } from '../../shared/format';
import { createEngine } from '../engine/engine';
import type { SnapshotOptions } from './args';
import type { CliIo } from './io';

export async function runSnapshot(opts: SnapshotOptions, io: CliIo): Promise<number> {
  const source = io.createSource(opts.source);
  try {
    const engine = createEngine({ source, now: io.now });
    const batch = await engine.pollNow();
    if (batch.status.lastError !== null || !batch.connections) {
      io.stderr(`netmon: cannot read the connection table: ${batch.status.lastError ?? 'no data'}\n`);
      return 1;
    }
    const rows = (opts.filter ? batch.connections.filter((c) => opts.filter!.match(c)) : batch.connections).sort(
      compareConnections,
    );
    io.stdout(opts.output === 'json' ? formatNdjson(rows) : opts.output === 'csv' ? formatCsv(rows) : formatTable(rows));
    return 0;
  } finally {
    source.close?.();
  }
}
