// `netmon baseline save` then `snapshot --baseline` / `watch --baseline` against a real kernel
// table, in a network namespace the test creates so only the test's own sockets are in it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from './helpers';

let cli: BuiltCli;
let dir: string;
beforeAll(async () => {
  cli = await buildCli();
  dir = cli.dir; // the CLI's own temp dir, removed by cli.cleanup()
}, 60_000);
afterAll(() => cli?.cleanup());

describe('netmon baseline', () => {
  it('saves what is normal, then snapshot and watch show only what departs from it', () => {
    if (process.getuid?.() !== 0) throw new Error('this test makes a network namespace and needs root (CI runs as root)');
    const hold = resolve(__dirname, 'fixtures/hold.cjs');
    const b = join(dir, 'baseline.json');
    // A: a service on 7000 and a client of it. Baseline. Then B (also node): a client of 7000
    // (known destination for "node": normal), a new listener on 7001 and a client of it (new).
    const script = `
      set -e
      ip link set lo up
      mkfifo ${dir}/a ${dir}/b
      node ${hold} listen:7000 connect:7000 < ${dir}/a > ${dir}/a.out & exec 3> ${dir}/a
      for i in $(seq 300); do grep -q ready ${dir}/a.out && break; sleep 0.1; done
      node ${cli.path} baseline save ${b} 2> ${dir}/save.err
      node ${cli.path} watch --json --interval 200 --baseline ${b} > ${dir}/watch.out 2> ${dir}/watch.err & W=$!
      # B must start after watch has its first table, or B's sockets would be in it (not "opened").
      for i in $(seq 600); do grep -q 'netmon: watching' ${dir}/watch.err && break; sleep 0.1; done
      sleep 0.5
      node ${hold} connect:7000 listen:7001 connect:7001 < ${dir}/b > ${dir}/b.out & exec 4> ${dir}/b
      for i in $(seq 300); do grep -q ready ${dir}/b.out && break; sleep 0.1; done
      # Two watch polls after B is up, so its sockets (and their owners) are settled in the stream.
      sleep 1.5
      node ${cli.path} snapshot --json --baseline ${b} > ${dir}/snap.out
      kill -INT $W; wait $W; echo $? > ${dir}/watch.code
      exec 3>&- 4>&-
      wait
    `;
    writeFileSync(join(dir, 'run.sh'), script);
    const r = spawnSync('unshare', ['-n', 'sh', join(dir, 'run.sh')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);

    const saved = JSON.parse(readFileSync(b, 'utf8'));
    expect(saved.listeners).toEqual([{ process: 'node', protocol: 'tcp', family: 4, localAddress: '127.0.0.1', port: 7000 }]);
    expect(saved.outbound).toEqual([{ process: 'node', protocol: 'tcp', remoteAddress: '127.0.0.1', remotePort: 7000 }]);
    expect(readFileSync(join(dir, 'save.err'), 'utf8')).toBe(`netmon: baseline ${b}: 1 listeners, 1 destinations, 0 ephemeral UDP owners\n`);

    const describeRow = (c: { localPort: number; remotePort: number | null; state: string }) => `${c.state} ${c.localPort}→${c.remotePort === 0 ? '*' : c.remotePort === 7001 ? 7001 : c.remotePort}`;
    const snap = readFileSync(join(dir, 'snap.out'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(snap.map(describeRow).sort()).toEqual(['ESTABLISHED ' + snap.find((c) => c.remotePort === 7001).localPort + '→7001', 'LISTEN 7001→*'].sort());

    const events = readFileSync(join(dir, 'watch.out'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const opened = events.filter((e) => e.type === 'opened').map((e) => describeRow(e.connection)).sort();
    expect(opened).toEqual(snap.map(describeRow).sort());
    expect(readFileSync(join(dir, 'watch.code'), 'utf8').trim()).toBe('0');
  }, 150_000);

  it('refuses a broken baseline file with its name and exit code 2', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"netmon-baseline","version":1}');
    const r = spawnSync(process.execPath, [cli.path, 'snapshot', '--source', 'scripted', '--baseline', bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`netmon: ${bad}: dynamicRange must be {"low": port, "high": port} with low ≤ high\n`);
    const missing = spawnSync(process.execPath, [cli.path, 'watch', '--source', 'scripted', '--baseline', join(dir, 'nope.json')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`netmon: cannot read baseline '${join(dir, 'nope.json')}': no such file\n`);
  });
});
