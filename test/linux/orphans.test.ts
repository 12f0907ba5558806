// A socket its process closed before the peer closed its side stays in the kernel with no file
// (inode 0): FIN-WAIT-2 here, until tcp_fin_timeout (60 s by default). No process owns it, and
// netmon must say so — PID 0, "FIN-WAIT-2 (no owner)", owner:none, the ownerless group — in every
// output, and keep it apart from a socket whose owner it cannot read (another user's, seen
// without root: PID null, "(unknown)"). A real kernel orphan on loopback, over both backends, the
// engine, and the CLI as root and as nobody. Only this test's own sockets; bounded in time.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../main/engine/engine';
import { PID_NONE, PROTO_TCP, type RowTable } from '../../main/model/rows';
import { createLinuxSource } from '../../main/source/linux';
import { parseFilter } from '../../shared/filter';
import { formatEventText, ownerText } from '../../shared/format';
import { processGroupFilter, rollUpProcesses } from '../../shared/processes';
import { buildCli, type BuiltCli } from '../cli/helpers';
import { closeServer, ensureSs, openPair, rowsOf, ssRows, waitFor, type Pair } from './helpers';

const FIN_WAIT_2 = 7;
const CLOSE_WAIT = 8;
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const env = { ...process.env, NODE_PATH: join(resolve(__dirname, '../..'), 'node_modules'), TZ: 'UTC' };

interface JsonRow {
  localPort: number;
  remotePort: number;
  state: string;
  pid: number | null;
  process: string | null;
}

describe('an orphaned socket (closed by its process, FIN not answered) is owned by no process', () => {
  let pair: Pair;
  let cport = 0;
  let cli: BuiltCli;

  beforeAll(async () => {
    ensureSs();
    if (process.getuid?.() !== 0) throw new Error('this test compares root with user nobody (setpriv); run it as root');
    if (spawnSync('setpriv', ['--version']).status !== 0) throw new Error('this test needs setpriv (util-linux)');
    cli = await buildCli();
    chmodSync(cli.dir, 0o755); // nobody must be able to run the bundle
    pair = await openPair('127.0.0.1');
    cport = pair.client.localPort!;
    // The accepting side never reads nor closes: the client's FIN is acknowledged by the kernel and
    // its end waits in FIN-WAIT-2 for a FIN that does not come, with its file gone.
    pair.accepted.pause();
    await new Promise<void>((r, j) => pair.client.write('bye', (e) => (e ? j(e) : r())));
    pair.client.destroy();
    const ss = await waitFor('ss to list the client end in FIN-WAIT-2', () =>
      ssRows('tcp', [cport]).find((s) => s.lport === cport && s.rport === pair.port && s.state === 'FIN-WAIT-2'),
    );
    // The kernel's own word that it is an orphan: no inode, nobody listed as its user.
    expect([ss.inode, ss.users]).toEqual([0, []]);
  }, 60_000);

  afterAll(async () => {
    pair?.accepted.destroy();
    if (pair) await closeServer(pair.server);
    cli?.cleanup();
  });

  it.each(['netlink', 'procfs'] as const)('the %s source gives it PID_NONE, the peer still held by this process its PID', (tables) => {
    const source = createLinuxSource({ tables });
    try {
      const rows = rowsOf(source.read() as RowTable, source.lastInodes()).filter((r) => r.proto === PROTO_TCP);
      const orphan = rows.filter((r) => r.lport === cport && r.rport === pair.port);
      const peer = rows.filter((r) => r.lport === pair.port && r.rport === cport);
      expect(orphan.map((r) => [r.state, r.inode, r.pid])).toEqual([[FIN_WAIT_2, 0, PID_NONE]]);
      expect(peer.map((r) => [r.state, r.pid])).toEqual([[CLOSE_WAIT, process.pid]]);
    } finally {
      source.close?.();
    }
  });

  it('the engine names it "FIN-WAIT-2 (no owner)", groups it as such, and owner:none selects it', async () => {
    const source = createLinuxSource();
    try {
      const engine = createEngine({ source });
      await engine.pollNow();
      const conns = engine.snapshot().connections;
      const orphan = conns.find((c) => c.localPort === cport && c.remotePort === pair.port)!;
      expect([orphan.state, orphan.pid, orphan.process, ownerText(orphan)]).toEqual(['FIN-WAIT-2', 0, null, 'FIN-WAIT-2 (no owner)']);
      const group = rollUpProcesses(conns).find((g) => g.ownerless === 'FIN-WAIT-2')!;
      expect(group).toMatchObject({ key: 'no-owner:FIN-WAIT-2', pid: null, name: 'FIN-WAIT-2 (no owner)' });
      const r = parseFilter(`${processGroupFilter(group)} lport:${cport}`);
      if (!r.ok) throw new Error(r.error.message);
      expect(conns.filter((c) => r.filter.match(c)).map((c) => c.id)).toEqual([orphan.id]);
      const unknown = parseFilter(`"(unknown)" port:${pair.port}`);
      if (!unknown.ok) throw new Error(unknown.error.message);
      expect(conns.filter((c) => unknown.filter.match(c))).toEqual([]);
    } finally {
      source.close?.();
    }
  });

  it('watch: the close is one changed event, from this process to no owner, not a close and an open', async () => {
    const own = await openPair('127.0.0.1');
    const source = createLinuxSource();
    try {
      const port = own.client.localPort!;
      const mine = (c: { localPort: number; remotePort: number | null }) => c.localPort === port && c.remotePort === own.port;
      const engine = createEngine({ source });
      await engine.pollNow();
      expect(engine.snapshot().connections.filter(mine).map((c) => [c.state, c.pid])).toEqual([['ESTABLISHED', process.pid]]);
      own.accepted.pause();
      await new Promise<void>((r, j) => own.client.write('bye', (e) => (e ? j(e) : r())));
      own.client.destroy();
      await waitFor('the client end in FIN-WAIT-2', () => ssRows('tcp', [port]).some((x) => x.lport === port && x.state === 'FIN-WAIT-2'));
      const events = (await engine.pollNow()).events.filter((e) => mine(e.connection));
      expect(events.map((e) => [e.type, e.previousPid, e.connection.pid, e.connection.state])).toEqual([['changed', process.pid, 0, 'FIN-WAIT-2']]);
      expect(formatEventText(events[0], { utc: true })).toMatch(new RegExp(`→FIN-WAIT-2\\) pid ${process.pid}→0 FIN-WAIT-2 \\(no owner\\)\\n$`));
    } finally {
      source.close?.();
      own.accepted.destroy();
      await closeServer(own.server);
    }
  });

  const run = (asNobody: boolean, args: string[]) => {
    const argv = [process.execPath, cli.path, ...args];
    const r = asNobody
      ? spawnSync('setpriv', [...NOBODY, ...argv], { encoding: 'utf8', env, timeout: 30_000, maxBuffer: Infinity })
      : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env, timeout: 30_000, maxBuffer: Infinity });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  const jsonRows = (out: string): JsonRow[] =>
    out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as JsonRow);

  it('the CLI as root: table, JSON, CSV and ports say no owner, and "(unknown)" does not find it', () => {
    const only = `lport:${cport} rport:${pair.port}`;
    const table = run(false, ['snapshot', '--filter', only]).split('\n');
    expect(table[1]).toMatch(/ FIN-WAIT-2 +0 +FIN-WAIT-2 \(no owner\)$/);
    expect(jsonRows(run(false, ['snapshot', '--json', '--filter', only])).map((c) => [c.state, c.pid, c.process])).toEqual([['FIN-WAIT-2', 0, null]]);
    const csv = run(false, ['snapshot', '--csv', '--filter', only]).trim().split('\n');
    const head = csv[0].split(',');
    const cells = csv[1].split(',');
    expect([cells[head.indexOf('state')], cells[head.indexOf('pid')], cells[head.indexOf('process')]]).toEqual(['FIN-WAIT-2', '0', '']);
    const ports = JSON.parse(run(false, ['ports', '--json', '--filter', only])) as { addresses: Array<{ topProcesses: unknown[] }> };
    expect(ports.addresses.flatMap((a) => a.topProcesses)).toEqual([{ process: null, pid: null, ownerless: 'FIN-WAIT-2', sockets: 1 }]);
    expect(run(false, ['snapshot', '--json', '--filter', `"(unknown)" ${only}`])).toBe('');
    expect(jsonRows(run(false, ['snapshot', '--json', '--filter', `owner:none ${only}`]))).toHaveLength(1);
  });

  it('the CLI as nobody tells it apart from root\'s socket it may not read: no owner vs (unknown)', () => {
    const mine = (c: JsonRow) => (c.localPort === cport && c.remotePort === pair.port) || (c.localPort === pair.port && c.remotePort === cport);
    const rows = jsonRows(run(true, ['snapshot', '--json', '--filter', `port:${pair.port}`])).filter(mine);
    expect(rows.map((c) => [c.state, c.pid]).sort()).toEqual([
      ['CLOSE-WAIT', null], // this (root) process's accepted socket: its owner is hidden from nobody
      ['FIN-WAIT-2', 0], // the orphan: no process owns it, whoever looks
    ]);
    const text = run(true, ['snapshot', '--filter', `port:${pair.port} -state:listen`]);
    expect(text).toMatch(new RegExp(`:${cport} +\\S+ +FIN-WAIT-2 +0 +FIN-WAIT-2 \\(no owner\\)\\n`));
    expect(text).toMatch(new RegExp(`:${pair.port} +\\S+ +CLOSE-WAIT +— +\\(unknown\\)\\n`));
  });
});
