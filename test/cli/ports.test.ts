// `netmon ports` against a real kernel table, cross-checked with `ss`. Runs in a network namespace
// the test creates, so the dynamic range can be made small (1000 ports) and the table holds only
// the test's sockets: 850 client connections to one listener, 150 of them closed by the client
// (TIME-WAIT) and 100 by the server (the client side in CLOSE-WAIT). 850 of 1000 ports is over the
// 80% threshold, so the warning and `--check`'s exit code 3 are real too.
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

interface SsRow {
  state: string;
  local: string;
  lport: number;
}

function parseSs(text: string): SsRow[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [state, , , local] = l.trim().split(/\s+/);
      const i = local.lastIndexOf(':');
      return { state, local: local.slice(0, i), lport: Number(local.slice(i + 1)) };
    });
}

describe('netmon ports', () => {
  it('counts ephemeral ports, TIME-WAIT and CLOSE-WAIT per local address as ss does, and warns over 80%', () => {
    if (process.getuid?.() !== 0) throw new Error('this test makes a network namespace and needs root (CI runs as root)');
    const load = resolve(__dirname, 'fixtures/port-load.cjs');
    const script = `
      set -e
      ip link set lo up
      echo "40000 40999" > /proc/sys/net/ipv4/ip_local_port_range
      mkfifo ${dir}/hold
      node ${load} 127.0.0.1 850 150 100 < ${dir}/hold > ${dir}/load.out &
      exec 3> ${dir}/hold
      for i in $(seq 600); do grep -q ready ${dir}/load.out && break; sleep 0.1; done
      grep -q ready ${dir}/load.out
      set +e
      node ${cli.path} ports --json --check > ${dir}/ports.json 2> ${dir}/ports.err; echo $? > ${dir}/ports.code
      node ${cli.path} ports > ${dir}/ports.txt 2>&1
      ss -tanH > ${dir}/ss.txt
      exec 3>&-
      wait
    `;
    writeFileSync(join(dir, 'run.sh'), script);
    const r = spawnSync('unshare', ['-n', 'sh', join(dir, 'run.sh')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);

    // The reference: ss's rows in the dynamic range that are not the listener or its accepted side.
    const ss = parseSs(readFileSync(join(dir, 'ss.txt'), 'utf8')).filter((x) => x.lport >= 40000 && x.lport <= 40999 && x.state !== 'LISTEN');
    const byAddr = new Map<string, SsRow[]>();
    for (const x of ss) byAddr.set(x.local, [...(byAddr.get(x.local) ?? []), x]);
    expect([...byAddr.keys()]).toEqual(['127.0.0.1']);
    const rows = byAddr.get('127.0.0.1')!;
    const expected = {
      portsInUse: new Set(rows.map((x) => x.lport)).size,
      sockets: rows.length,
      timeWait: rows.filter((x) => x.state === 'TIME-WAIT').length,
      closeWait: rows.filter((x) => x.state === 'CLOSE-WAIT').length,
    };
    // What the test built: 850 client sockets, 150 TIME-WAIT, 100 CLOSE-WAIT.
    expect(expected).toEqual({ portsInUse: 850, sockets: 850, timeWait: 150, closeWait: 100 });

    const report = JSON.parse(readFileSync(join(dir, 'ports.json'), 'utf8'));
    expect(report.ranges).toEqual({ tcp: { low: 40000, high: 40999 }, udp: { low: 40000, high: 40999 } });
    expect(report.rangeOrigin).toBe('/proc/sys/net/ipv4/ip_local_port_range');
    expect(report.addresses).toHaveLength(1);
    expect(report.addresses[0]).toMatchObject({
      protocol: 'tcp',
      localAddress: '127.0.0.1',
      ...expected,
      rangeSize: 1000,
      percent: 85,
      busiestDestinationPercent: 85,
      warning: true,
    });
    expect(report.addresses[0].topRemotes).toEqual([{ remoteAddress: '127.0.0.1', remoteScopeId: null, remotePort: 5000, sockets: 850 }]);
    // The owner of the live client sockets is the load process (node); TIME-WAIT rows have none.
    const owners = report.addresses[0].topProcesses as { process: string | null; sockets: number }[];
    expect(owners.find((p) => p.process === 'node')?.sockets).toBe(700);
    expect(readFileSync(join(dir, 'ports.code'), 'utf8').trim()).toBe('3');
    expect(readFileSync(join(dir, 'ports.err'), 'utf8')).toContain(
      'netmon: warning: TCP 127.0.0.1: 850 of 1000 ephemeral ports in use (85% ≥ 80%; 150 TIME-WAIT, 100 CLOSE-WAIT)',
    );
    const text = readFileSync(join(dir, 'ports.txt'), 'utf8');
    expect(text).toContain('Dynamic ranges: TCP 40000-40999, UDP 40000-40999 (from /proc/sys/net/ipv4/ip_local_port_range); warning at 80%');
    expect(text).toContain('!! tcp 127.0.0.1: 850 of 1000 ports (85%), 850 sockets, busiest destination 85%, TIME-WAIT 150, CLOSE-WAIT 100');
  }, 150_000);

  it('takes the dynamic range from the source: the host range for the OS source, the simulated machine range for demo and scripted', () => {
    if (process.getuid?.() !== 0) throw new Error('this test makes a network namespace and needs root (CI runs as root)');
    // A host range no simulated machine has, so a range read from the host cannot pass for the source's.
    const script = `
      set -e
      ip link set lo up
      echo "40000 40999" > /proc/sys/net/ipv4/ip_local_port_range
      node ${cli.path} ports --json > ${dir}/host.json
      node ${cli.path} ports --json --source demo > ${dir}/demo.json
      node ${cli.path} ports --source scripted > ${dir}/scripted.txt
      node ${cli.path} baseline save ${dir}/demo-baseline.json --source demo 2> ${dir}/baseline.err
    `;
    writeFileSync(join(dir, 'ranges.sh'), script);
    const r = spawnSync('unshare', ['-n', 'sh', join(dir, 'ranges.sh')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
    const host = JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8'));
    expect([host.ranges.tcp, host.rangeOrigin]).toEqual([{ low: 40000, high: 40999 }, '/proc/sys/net/ipv4/ip_local_port_range']);
    const demo = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8'));
    expect(demo.ranges).toEqual({ tcp: { low: 49152, high: 65535 }, udp: { low: 49152, high: 65535 } });
    expect(demo.rangeOrigin).toBe("the demo source (a simulated Windows machine's default range)");
    // The demo machine's outbound connections sit in its own range (49700 and up), so they are counted.
    expect(demo.addresses.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'scripted.txt'), 'utf8')).toContain(
      "Dynamic ranges: TCP 49152-65535, UDP 49152-65535 (from the scripted source (a simulated Windows machine's default range))",
    );
    expect(JSON.parse(readFileSync(join(dir, 'demo-baseline.json'), 'utf8')).dynamicRange).toEqual({ low: 49152, high: 65535 });
  }, 60_000);
});
