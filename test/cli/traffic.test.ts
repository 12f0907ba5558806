// The built CLI against real loopback traffic on this kernel (netlink tcp_info): a paced sender is
// found by `snapshot --filter 'rate>…'`, which polls twice for it (issue 11), and an idle
// connection is not. The text table shows the traffic it sorts by; --tables procfs reads a table
// without counters, and every command whose filter reads traffic says so.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, openPair, type Pair } from '../linux/helpers';
import { buildCli, runCli, startCli, type BuiltCli } from './helpers';

/** Writes 64 KiB every 20 ms (about 3.2 MB/s) until stopped; the peer reads everything. */
function pace(from: Socket, to: Socket): () => void {
  to.on('data', () => undefined);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const t = setInterval(() => from.write(chunk), 20);
  return () => clearInterval(t);
}

describe('snapshot --filter rate> on real loopback traffic', () => {
  let cli: BuiltCli;
  let busy: Pair;
  let idle: Pair;
  let stop: () => void;
  beforeAll(async () => {
    cli = await buildCli();
    busy = await openPair('127.0.0.1');
    idle = await openPair('127.0.0.1');
    stop = pace(busy.client, busy.accepted);
  }, 30_000);
  afterAll(async () => {
    stop();
    for (const p of [busy, idle]) {
      p.client.destroy();
      p.accepted.destroy();
      await closeServer(p.server);
    }
    cli.cleanup();
  });

  it('finds the paced sender, with its rate, and not the idle connection', async () => {
    const ports = [busy.port, idle.port];
    const filter = `(rport:${ports[0]} | rport:${ports[1]}) rate>1MiB`;
    const r = await runCli(cli, ['snapshot', '--source', 'linux', '--json', '--interval', '500', '--filter', filter], 20_000);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { localPort: number; remotePort: number; sendRate: number });
    expect(rows.map((c) => [c.localPort, c.remotePort])).toEqual([[busy.client.localPort, busy.port]]);
    // 3.2 MB/s paced; timers on a loaded machine run late, so only a wide floor is asserted.
    expect(rows[0].sendRate).toBeGreaterThan(1024 * 1024);
    expect(rows[0].sendRate).toBeLessThan(10 * 1024 * 1024);
  });

  it('snapshot --sort rate in text: the traffic columns, the paced sender first with its rate (issue 11)', async () => {
    const filter = `rport:${busy.port} | rport:${idle.port}`;
    const r = await runCli(cli, ['snapshot', '--source', 'linux', '--sort', 'rate', '--interval', '500', '--filter', filter], 20_000);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ +SEND\/S +RECV\/S +SENT +RECEIVED +RTT +RETRANS +LIMITED +PROTO +LOCAL +REMOTE +STATE +PID +PROCESS$/);
    expect(lines).toHaveLength(3);
    const first = lines[1].trim().split(/ {2,}/);
    expect(first[8]).toBe(`127.0.0.1:${busy.client.localPort}`);
    expect(first[0]).toMatch(/^\d+(\.\d+)? MiB\/s$/); // 3.2 MB/s paced
    expect(first[2]).toMatch(/^\d+(\.\d+)? (KiB|MiB|GiB)$/);
    expect(first[4]).toMatch(/^\d+(\.\d+)? ms$/);
    const second = lines[2].trim().split(/ {2,}/);
    expect([second[8], second[0], second[1]]).toEqual([`127.0.0.1:${idle.client.localPort}`, '0 B/s', '0 B/s']);
  });

  it('--tables procfs: no counters; a traffic filter or sort says why on stderr and exits 0, as top', async () => {
    const note = 'netmon: per-connection counters: not available with the procfs backend\n';
    const mine = `rport:${busy.port}`;
    const filtered = await runCli(cli, ['snapshot', '--source', 'linux', '--tables', 'procfs', '--interval', '200', '--filter', `${mine} rate>1`], 20_000);
    expect([filtered.code, filtered.stderr]).toEqual([0, note]);
    expect(filtered.stdout.trimEnd().split('\n')).toHaveLength(1); // the header: rate> matches nothing without counters
    const sorted = await runCli(cli, ['snapshot', '--source', 'linux', '--tables', 'procfs', '--sort', 'rate', '--interval', '200', '--filter', mine], 20_000);
    expect([sorted.code, sorted.stderr]).toEqual([0, note]);
    expect(sorted.stdout.trimEnd().split('\n')[1].trim().split(/ {2,}/).slice(0, 7)).toEqual(['—', '—', '—', '—', '—', '—', '—']);
    for (const cmd of [['top'], ['ports'], ['baseline', 'save', `${cli.dir}/b.json`]]) {
      const r = await runCli(cli, [...cmd, '--source', 'linux', '--tables', 'procfs', '--interval', '200', '--filter', `${mine} rate>1`], 20_000);
      expect([cmd[0], r.code, r.stderr.split(/(?<=\n)/)[0]]).toEqual([cmd[0], 0, note]);
    }
    const w = startCli(cli, ['watch', '--source', 'linux', '--tables', 'procfs', '--interval', '200', '--filter', `${mine} rate>1`]);
    await w.waitForStderr(/watching/);
    await new Promise((r) => setTimeout(r, 600)); // two more polls: still said once
    expect(await w.stop()).toEqual({ code: 0, signal: null });
    expect(w.stderr().split(note)).toHaveLength(2);
    // JSON carries the fields as null, and says nothing when nothing reads traffic.
    const json = await runCli(cli, ['snapshot', '--source', 'linux', '--tables', 'procfs', '--json', '--filter', mine], 20_000);
    expect([json.code, json.stderr]).toEqual([0, '']);
    const row = JSON.parse(json.stdout.trim().split('\n')[0]) as { bytesSent: unknown; rttMs: unknown };
    expect([row.bytesSent, row.rttMs]).toEqual([null, null]);
  });

  it('--tables netlink reads the counters; a bad value and a non-Linux source are refused', async () => {
    const r = await runCli(cli, ['snapshot', '--source', 'linux', '--tables', 'netlink', '--json', '--filter', `lport:${busy.client.localPort}`], 20_000);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect((JSON.parse(r.stdout.trim()) as { bytesSent: number }).bytesSent).toBeGreaterThan(0);
    const bad = await runCli(cli, ['snapshot', '--tables', 'ss'], 20_000);
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, 'netmon: bad --tables "ss": expected auto, netlink or procfs']);
    const demo = await runCli(cli, ['snapshot', '--source', 'demo', '--tables', 'procfs'], 20_000);
    expect([demo.code, demo.stdout, demo.stderr.split('\n')[0]]).toEqual([2, '', 'netmon: --tables procfs applies to the linux source only (this run reads the demo source)']);
  });
});

describe('the missing-counters note on the demo source', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 30_000);

  // The note told `snapshot --source demo --traffic` to see "--demo-traffic 0", an option only
  // `serve` takes: snapshot, top, ports and baseline refuse it. A note names no option the command refuses.
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-note-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const commands = [
    ['snapshot', '--traffic'],
    ['top'],
    ['ports', '--filter', 'rate>1'],
    ['baseline', 'save', path.join(dir, 'b.json'), '--filter', 'rate>1'],
  ];
  for (const argv of commands) {
    it(`${argv[0]}: says why on stderr, naming only options ${argv[0]} takes`, async () => {
      const r = await runCli(cli, [...argv, '--source', 'demo'], 20_000);
      expect(r.code).toBe(0);
      const note = r.stderr.split('\n').find((l) => l.startsWith('netmon: per-connection counters: '));
      expect(note, r.stderr).toBe('netmon: per-connection counters: none in this demo (simulated traffic is off)');
      for (const opt of note!.match(/--[a-z][a-z-]*/g) ?? []) {
        const again = await runCli(cli, [...argv, '--source', 'demo', opt, '0'], 20_000);
        expect(again.stderr, `${argv[0]} ${opt}`).not.toContain(`unknown option ${opt}`);
      }
    }, 60_000);
  }
});
