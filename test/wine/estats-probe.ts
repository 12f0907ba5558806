// Runs inside Windows Node under Wine: what iphlpapi.dll's EStats functions do for a loopback
// connection of this process (exports, Set / Get return codes, the RW flag), and what netmon's
// collector and the Windows source make of it. Writes JSON to the file named by argv[2].
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import * as k from '../../main/native/koffi';
import { tableFromSpecs } from '../../main/model/build';
import { COUNTER_SLOTS } from '../../main/model/rows';
import { EStatsUnavailableError, createEStatsCollector } from '../../main/source/windows/estats';
import { ESTATS_KINDS, MIB_TCP6ROW_SIZE, writeEStatsRow } from '../../main/source/windows/estats-decode';
import { createWindowsSource } from '../../main/source/windows';
import { runProbe } from './probe-run';

const out: Record<string, unknown> = {};

async function main(): Promise<void> {
  let accepted: Socket | undefined;
  const server = createServer((s) => {
    accepted = s;
    s.resume();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  client.write(Buffer.alloc(10_000, 0x61));
  await new Promise((r) => setTimeout(r, 300));
  const spec = { local: '127.0.0.1', localPort: client.localPort!, remote: '127.0.0.1', remotePort: port };
  out.connection = spec;

  const api = k.bindEStats();
  out.exported = api !== null;
  if (api) {
    const t = tableFromSpecs([spec]);
    const row = new Uint8Array(MIB_TCP6ROW_SIZE);
    writeEStatsRow(t.words, 0, row);
    out.calls = ESTATS_KINDS.map((kind) => {
      const rw = Uint8Array.of(1);
      const set = api.set(4, row, kind.type, rw);
      const readRw = Uint8Array.of(0xee);
      const rod = new Uint8Array(kind.rodSize);
      const get = api.get(4, row, kind.type, readRw, rod);
      return { kind: kind.name, set, get, rw: readRw[0] };
    });
  }

  const collector = createEStatsCollector(() => k.bindEStats() ?? new EStatsUnavailableError('iphlpapi.dll does not export the EStats functions'));
  const t = tableFromSpecs([spec]);
  try {
    collector.collect(t);
    out.collector = {
      counters: t.counters ? Array.from(t.counters.subarray(0, COUNTER_SLOTS), (v) => (Number.isNaN(v) ? null : v)) : null,
      note: t.countersNote ?? null,
      unavailable: collector.unavailable() ? { name: collector.unavailable()!.name, message: collector.unavailable()!.message, code: collector.unavailable()!.code ?? null } : null,
    };
  } catch (e) {
    out.collectorThrew = String(e);
  }

  const source = createWindowsSource();
  const table = await source.read();
  out.source = { rows: table.count, note: table.countersNote ?? null, hasCounters: table.counters !== undefined };

  client.destroy();
  accepted?.destroy();
  server.close();
}

runProbe(out, main);
