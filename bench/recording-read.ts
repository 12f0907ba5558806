// Reading a large recording: a 200 MB NDJSON file streamed through the one recording reader in a
// child process of its own, so its peak RSS is the reader's alone (the bench process holds other
// tables). The reader must stay bounded: one chunk plus one line, whatever the file's size.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionKey, type Connection } from '../shared/connection';
import { formatEventJsonLine } from '../shared/format';
import { streamRecording } from '../main/record/read-recording';
import { ms, table } from './decode-diff';

export const RECORDING_CHILD_FLAG = '--recording-read-child';
/** Peak RSS budget for streaming any recording (MB): Node's own footprint plus a few chunks. */
const PEAK_RSS_BUDGET_MB = 150;

/** Writes an NDJSON recording of about `mb` MB of fully populated events; returns the event count. */
function writeRecording(path: string, mb: number): number {
  const base: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 6, localAddress: 'fe80::1', localPort: 443, localScopeId: 2, remoteAddress: '2001:db8::7', remotePort: 50000,
    state: 'ESTABLISHED', pid: 4242, process: 'svchost.exe', processPath: 'C:\\Windows\\System32\\svchost.exe', processStartTime: 1.7e12,
    createdAt: 1.7e12, firstSeenAt: 1.7e12, lastChangeAt: 1.7e12, preexisting: false, remoteHost: 'host.example', bytesSent: 123456,
    bytesReceived: 654321, packetsSent: 100, packetsReceived: 200, sendRate: 1000.5, receiveRate: 2000.25, rttMs: 1.5, rttVarMs: 0.5,
    retransmits: 1, limitedBy: 'network',
  };
  const fd = openSync(path, 'w');
  let events = 0;
  let bytes = 0;
  try {
    while (bytes < mb * 1e6) {
      let chunk = '';
      for (let i = 0; i < 2000; i++, events++) {
        const c = { ...base, remotePort: 1024 + (events % 60000) };
        chunk += formatEventJsonLine({ type: events % 3 === 0 ? 'opened' : 'closed', time: 1.7e12 + events, connection: { id: connectionKey(c), ...c } });
      }
      bytes += writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return events;
}

/** In the child: streams FILE, prints {events, ms (wall), cpuMs, peakRssMb}. */
export async function recordingReadChild(path: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let n = 0;
  await streamRecording(path, () => {
    n++;
  });
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({ events: n, ms: elapsed, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

export function benchRecordingRead(mb = 200): string {
  const dir = mkdtempSync(join(tmpdir(), 'netmon-bench-rec-'));
  try {
    const path = join(dir, 'big.ndjson');
    const written = writeRecording(path, mb);
    const size = statSync(path).size;
    const r = spawnSync(process.execPath, [process.argv[1], RECORDING_CHILD_FLAG, path], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`recording read child failed (${r.status ?? r.signal}): ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { events: number; ms: number; cpuMs: number; peakRssMb: number };
    if (out.events !== written) throw new Error(`read ${out.events} events of ${written}`);
    return table(
      ['recording read (stream)', 'events', 'wall ms', 'CPU ms', 'CPU µs/event', 'MB/s of CPU', 'peak RSS MB', 'budget MB'],
      [[
        `NDJSON ${(size / 1e6).toFixed(0)} MB`,
        out.events.toLocaleString('en-US'),
        ms(out.ms),
        ms(out.cpuMs),
        ((out.cpuMs * 1000) / out.events).toFixed(2),
        (size / 1e6 / (out.cpuMs / 1000)).toFixed(0),
        out.peakRssMb.toFixed(0),
        `≤ ${PEAK_RSS_BUDGET_MB}`,
      ]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
