// `netmon top` in-process against scripted sources whose rows carry counters.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromSpecs } from '../model/build';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import { parseCommandLine } from './args';
import type { CliIo } from './io';
import { main } from './main';
import { trafficRow, trafficScript } from './traffic-fixture';
import { formatProcessTrafficTable as formatTopProcesses, formatTrafficTable as formatTopConnections } from './traffic-table';
import type { Connection } from '../../shared/connection';
import { rollUpProcesses } from '../../shared/processes';
import { TRAFFIC_COLUMNS } from '../../renderer/store/columns';
import type { Row } from '../../renderer/store/rows';
import { PROCESS_COLUMNS } from '../../renderer/views/processes/processColumns';

function run(argv: string[], script: ScriptStep[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    createSource: () => createScriptedSource(script, { processes: { 10: 'curl', 20: 'sshd' } }),
    stop: new AbortController().signal,
  };
  return main(argv, io).then((code) => ({ code, out, err }));
}

const row = trafficRow;
const SCRIPT: ScriptStep[] = trafficScript();

describe('netmon top', () => {
  it('parses its options and refuses bad ones', () => {
    expect(parseCommandLine(['top', '--by', 'bytes', '--limit', '3', '--processes', '-i', '500'])).toMatchObject({
      kind: 'top',
      options: { by: 'bytes', limit: 3, processes: true, intervalMs: 500, json: false },
    });
    expect(parseCommandLine(['top'])).toMatchObject({ options: { by: 'rate', limit: 20, processes: false, intervalMs: 1000 } });
    expect(() => parseCommandLine(['top', '--by', 'speed'])).toThrow('bad --by "speed": expected rate or bytes');
    expect(() => parseCommandLine(['top', '--limit', '0'])).toThrow(/bad --limit "0"/);
  });

  it('ranks connections by rate, with every traffic field in JSON', async () => {
    const r = await run(['top', '--json', '--interval', '100', '--limit', '2'], SCRIPT);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.localPort)).toEqual([1, 2]);
    const dt = 0.1; // the scripted polls are --interval apart, give or take the timer
    expect(lines[0].sendRate as number).toBeGreaterThan((60_000 / dt) * 0.5);
    expect(lines[0].sendRate as number).toBeLessThanOrEqual(60_000 / dt);
    expect(lines[0]).toMatchObject({ bytesSent: 60_000, bytesReceived: 20_000, packetsSent: 5, packetsReceived: 6, rttMs: 1.5, rttVarMs: 0.1, retransmits: 0, limitedBy: null, process: 'curl' });
    expect(Object.keys(lines[0]).slice(-10)).toEqual(['bytesSent', 'bytesReceived', 'packetsSent', 'packetsReceived', 'sendRate', 'receiveRate', 'rttMs', 'rttVarMs', 'retransmits', 'limitedBy']);
  });

  it('ranks by bytes and rolls up processes; listeners and UDP sockets count but move nothing', async () => {
    const bytes = await run(['top', '--json', '--by', 'bytes', '--interval', '100'], SCRIPT);
    expect(bytes.out.trim().split('\n').map((l) => (JSON.parse(l) as { localPort: number }).localPort)).toEqual([2, 1, 3, 4]);
    const procs = await run(['top', '--processes', '--by', 'bytes', '--interval', '100'], SCRIPT);
    const lines = procs.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ +SEND\/S +RECV\/S +SENT +RECEIVED +WORST RTT +RETRANS +CONNS +LISTEN +UDP +PID +PROCESS$/);
    // CONNS 2, LISTEN 1, UDP 1: the UDP column counts the process's UDP sockets (it said 0 when top dropped them).
    expect(lines[1]).toMatch(/^ *\d+(\.\d+)? KiB\/s +0 B\/s +4\.77 MiB +10 B +1\.5 ms +0 +2 +1 +1 +20 +sshd$/);
    const udpOnly = await run(['top', '--processes', '--interval', '100', '--filter', 'proto:udp'], SCRIPT);
    expect(udpOnly.out.trimEnd().split('\n')[1]).toMatch(/ +0 +0 +1 +20 +sshd$/);
    expect(lines[2]).toMatch(/ 58\.6 KiB +19\.5 KiB +1\.5 ms +0 +1 +0 +0 +10 +curl$/);
  });

  it('says why counters are missing, and fails like snapshot when the table cannot be read', async () => {
    const plain = tableFromSpecs([{ local: '10.0.0.1', localPort: 1, remote: '10.0.0.2', remotePort: 2 }]);
    plain.countersNote = 'not available with the procfs backend';
    const r = await run(['top', '--interval', '100'], [plain]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('netmon: per-connection counters: not available with the procfs backend\n');
    expect(r.out.split('\n')[1]).toMatch(/^ +— +— +— +— +— +— +— +tcp +10\.0\.0\.1:1 +10\.0\.0\.2:2 +ESTABLISHED +— +\(unknown\)$/);
    const bad = await run(['top', '--interval', '100'], [{ error: 'access denied' }]);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('netmon: cannot read the connection table: access denied\n');
  });
});

describe('one-shot commands whose filter or sort needs rates poll twice (issue 11)', () => {
  const ports = (out: string) => out.trim().split('\n').map((l) => (JSON.parse(l) as { localPort: number }).localPort);

  it('poll twice exactly when rates or limitedBy are needed, with --interval as top has it', () => {
    const interval = (argv: string[]) => (parseCommandLine(argv) as { options: { warmUpMs?: number | null } }).options;
    expect(interval(['snapshot', '--filter', 'rate>1MiB | retrans>0']).warmUpMs).toBe(1000);
    expect(interval(['snapshot', '--filter', '-(sendrate<1k)']).warmUpMs).toBe(1000);
    expect(interval(['snapshot', '--filter', 'limited:app']).warmUpMs).toBe(1000);
    expect(interval(['snapshot', '--sort', 'rate']).warmUpMs).toBe(1000);
    // JSON of bytes, RTT and retransmits needs one poll; the text table shows rates with them, so polls twice.
    expect(interval(['snapshot', '--json', '--sort', 'bytes', '--filter', 'sent>1M retrans>0 rtt>1ms']).warmUpMs).toBeNull();
    expect(interval(['snapshot', '--sort', 'bytes', '--filter', 'sent>1M retrans>0 rtt>1ms']).warmUpMs).toBe(1000);
    expect(interval(['snapshot']).warmUpMs).toBeNull();
    expect(interval(['snapshot', '-i', '250']).warmUpMs).toBe(250);
    expect(interval(['ports', '--filter', 'recvrate>1k']).warmUpMs).toBe(1000);
    expect(interval(['ports', '--filter', 'proc:x']).warmUpMs).toBeNull();
    expect(interval(['baseline', 'save', 'f.json', '--filter', 'rate>0', '--interval', '300']).warmUpMs).toBe(300);
    expect(() => parseCommandLine(['snapshot', '--interval', '50'])).toThrow('bad --interval "50": expected a whole number from 100 to 60000');
    expect(() => parseCommandLine(['snapshot', '--sort', 'speed'])).toThrow('bad --sort "speed": expected rate or bytes');
    expect(parseCommandLine(['top', '--sort', 'bytes'])).toMatchObject({ options: { by: 'bytes' } });
    expect(() => parseCommandLine(['top', '--sort', 'bytes', '--by', 'rate'])).toThrow('--sort and --by are one option: give one of them');
  });

  it("the README's `snapshot --filter 'rate>1MiB | retrans>0'` finds the busy connection", async () => {
    // Port 1 sends 2 MB between the two polls (1 s apart by default): about 2 MB/s.
    const busy: ScriptStep[] = [[row(1, 10, 0, 0), row(2, 20, 0, 0)], [row(1, 10, 2_000_000, 0), row(2, 20, 100, 0)]];
    const r = await run(['snapshot', '--filter', 'rate>1MiB | retrans>0'], busy);
    expect([r.code, r.err]).toEqual([0, '']);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    // The rate it was found by is shown (issue 11: the table showed none of the traffic columns).
    expect(lines[0]).toMatch(/^ +SEND\/S +RECV\/S +SENT +RECEIVED +RTT +RETRANS +LIMITED +PROTO +LOCAL +REMOTE +STATE +PID +PROCESS$/);
    expect(lines[1]).toMatch(/^ *\d\.\d+ MiB\/s +0 B\/s +1\.91 MiB +0 B +1\.5 ms +0 +— +tcp +10\.0\.0\.1:1 +10\.0\.0\.9:443 +ESTABLISHED +10 +curl$/);
  });

  it('snapshot --sort rate|bytes ranks as top does, rates in the JSON', async () => {
    const byRate = await run(['snapshot', '--json', '--sort', 'rate', '-i', '100'], SCRIPT);
    expect(ports(byRate.out)).toEqual([1, 2, 3, 4, 5353]);
    const first = JSON.parse(byRate.out.split('\n')[0]) as { sendRate: number; receiveRate: number };
    expect(first.sendRate).toBeGreaterThan(60_000 / 0.1 / 2);
    expect(first.receiveRate).toBeGreaterThan(20_000 / 0.1 / 2);
    const byBytes = await run(['snapshot', '--json', '--sort', 'bytes'], SCRIPT);
    expect(ports(byBytes.out)).toEqual([2, 3, 1, 4, 5353]); // one poll: the first step's bytes
    expect((JSON.parse(byBytes.out.split('\n')[0]) as { sendRate: unknown }).sendRate).toBeNull();
    const filtered = await run(['snapshot', '--json', '--filter', 'rate>100k', '-i', '100'], SCRIPT);
    expect(ports(filtered.out)).toEqual([1]);
  });

  it('baseline save --filter rate>… saves only the busy connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netmon-top-'));
    try {
      const file = join(dir, 'busy.json');
      const r = await run(['baseline', 'save', file, '--filter', 'rate>100k', '-i', '100'], SCRIPT);
      expect(r.code).toBe(0);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { outbound: { process: string }[] };
      expect(saved.outbound.map((o) => o.process)).toEqual(['curl']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one RTT rule for every text output', () => {
  // The same RTT through each output that prints one: top's connections and processes, the app's
  // RTT column and its Processes view's Worst RTT (all shared/units formatMs).
  const conn = (rttMs: number | null): Connection => ({
    id: 'x', protocol: 'tcp', family: 4, localAddress: '10.0.0.1', localPort: 1, remoteAddress: '10.0.0.2', remotePort: 2,
    state: 'ESTABLISHED', pid: 10, process: 'curl', bytesSent: 100, bytesReceived: 100, rttMs,
  });
  const cells = (table: string) => table.trimEnd().split('\n')[1].trim().split(/ {2,}/);
  const outputs = (rttMs: number | null) => {
    const c = conn(rttMs);
    const [proc] = rollUpProcesses([c]);
    return {
      topConnections: cells(formatTopConnections([c]))[4],
      topProcesses: cells(formatTopProcesses([proc]))[4],
      appRttColumn: TRAFFIC_COLUMNS.find((col) => col.key === 'rtt')!.text({ c } as Row),
      appWorstRtt: PROCESS_COLUMNS.find((col) => col.key === 'worstRtt')!.text(proc),
    };
  };

  it.each([
    [0.109, '0.109 ms'],
    [0.004, '0.004 ms'],
    [1.09, '1.1 ms'],
    [9.96, '10 ms'],
    [120.4, '120 ms'],
  ])('%s ms prints as %s everywhere', (v, text) => {
    expect(outputs(v)).toEqual({ topConnections: text, topProcesses: text, appRttColumn: text, appWorstRtt: text });
  });

  it('no RTT measured is never 0: — in the CLI, blank (not in yet) in the app', () => {
    expect(outputs(null)).toEqual({ topConnections: '—', topProcesses: '—', appRttColumn: '', appWorstRtt: '' });
  });
});
