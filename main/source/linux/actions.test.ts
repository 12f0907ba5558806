import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloseTarget } from '../../../shared/ipc';
import { checkCloseTarget, createLinuxActions, ssFilterArgs } from './actions';

const v4: CloseTarget = { family: 4, localAddress: '127.0.0.1', localPort: 40000, remoteAddress: '127.0.0.1', remotePort: 8080 };
const v6: CloseTarget = { family: 6, localAddress: '::1', localPort: 40000, remoteAddress: '::ffff:10.0.0.1', remotePort: 443 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netmon-fakess-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake `ss`: logs its arguments, answers the -K call and the lookup call as scripted. */
function fakeSs(kill: { out?: string; err?: string; code?: number }, lookup: { out?: string }): string {
  const path = join(dir, 'ss');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    path,
    `#!/bin/sh
echo "$*" >> ${q(join(dir, 'log'))}
if [ "$1" = "-K" ]; then
  printf %s ${q(kill.out ?? '')}
  printf %s ${q(kill.err ?? '')} >&2
  exit ${kill.code ?? 0}
fi
printf %s ${q(lookup.out ?? '')}
`,
  );
  chmodSync(path, 0o755);
  return path;
}
const HEAD = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n';
const ROW = 'ESTAB 0 0 127.0.0.1:40000 127.0.0.1:8080\n';

describe('close target checks and ss filter', () => {
  it('rejects bad targets with the reason', () => {
    expect(checkCloseTarget(v4)).toBeNull();
    expect(checkCloseTarget(v6)).toBeNull();
    expect(checkCloseTarget({ ...v4, localAddress: '::1' })).toMatch(/local address "::1" is not an IPv4 address/);
    expect(checkCloseTarget({ ...v4, remotePort: 0 })).toMatch(/remote port must be 1..65535, got 0/);
    expect(checkCloseTarget({ ...v4, localPort: 1.5 })).toMatch(/local port/);
    expect(checkCloseTarget({ ...v4, remoteAddress: '127.0.0.1 or 1' })).toMatch(/remote address/);
  });

  it('names exactly one connection, IPv6 in brackets', () => {
    expect(ssFilterArgs(v4)).toEqual(['dst', '127.0.0.1', 'dport', '=', ':8080', 'src', '127.0.0.1', 'sport', '=', ':40000']);
    expect(ssFilterArgs(v6)).toEqual(['dst', '[::ffff:10.0.0.1]', 'dport', '=', ':443', 'src', '[::1]', 'sport', '=', ':40000']);
  });
});

describe('closeConnection with a scripted ss', () => {
  it('succeeds when ss lists the destroyed socket', async () => {
    const a = createLinuxActions({ ssPath: fakeSs({ out: HEAD + ROW }, {}) });
    expect(await a.closeConnection(v4)).toEqual({ ok: true });
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe(
      '-K -t -n -4 state connected dst 127.0.0.1 dport = :8080 src 127.0.0.1 sport = :40000\n',
    );
  });

  it('explains a kernel that cannot destroy sockets (nothing destroyed, socket still there)', async () => {
    const a = createLinuxActions({ ssPath: fakeSs({ out: HEAD }, { out: HEAD + ROW }) });
    const r = await a.closeConnection(v4);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/kernel did not destroy 127\.0\.0\.1:40000 → 127\.0\.0\.1:8080.*CONFIG_INET_DIAG_DESTROY/);
  });

  it('says when there is no such connection', async () => {
    const a = createLinuxActions({ ssPath: fakeSs({ out: HEAD }, { out: HEAD }) });
    expect(await a.closeConnection(v6)).toEqual({
      ok: false,
      reason: 'no TCP connection [::1]:40000 → [::ffff:10.0.0.1]:443 exists (it may have closed already)',
    });
  });

  it('asks for admin rights on EPERM', async () => {
    const a = createLinuxActions({ ssPath: fakeSs({ err: 'SOCK_DESTROY answers: Operation not permitted\n', code: 1 }, {}) });
    const r = await a.closeConnection(v4);
    expect(r).toMatchObject({ ok: false, needsAdmin: true });
    if (!r.ok) expect(r.reason).toMatch(/needs administrator rights \(CAP_NET_ADMIN\)/);
  });

  it('passes other ss failures through with their text', async () => {
    const a = createLinuxActions({ ssPath: fakeSs({ err: 'Error: weird\n', code: 255 }, {}) });
    expect(await a.closeConnection(v4)).toEqual({ ok: false, reason: 'ss could not close 127.0.0.1:40000 → 127.0.0.1:8080: Error: weird' });
  });

  it('says when ss is not installed, and refuses bad targets without running anything', async () => {
    const a = createLinuxActions({ ssPath: join(dir, 'no-such-ss') });
    const r = await a.closeConnection(v4);
    expect(r).toEqual({ ok: false, reason: 'cannot close 127.0.0.1:40000 → 127.0.0.1:8080: the "ss" tool (iproute2) is not installed' });
    const bad = await a.closeConnection({ ...v4, family: 6 });
    expect(bad).toEqual({ ok: false, reason: 'cannot close connection: local address "127.0.0.1" is not an IPv6 address' });
  });
});

describe('endProcess', () => {
  const failing = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };

  it('sends SIGTERM', async () => {
    const sent: Array<[number, string]> = [];
    const a = createLinuxActions({ kill: (pid, sig) => void sent.push([pid, sig]) });
    expect(await a.endProcess(4242)).toEqual({ ok: true });
    expect(sent).toEqual([[4242, 'SIGTERM']]);
  });

  it('explains ESRCH and EPERM, and refuses init, itself and non-PIDs', async () => {
    expect(await createLinuxActions({ kill: failing('ESRCH') }).endProcess(4242)).toEqual({
      ok: false,
      reason: 'no process with PID 4242 (it has exited already)',
    });
    expect(await createLinuxActions({ kill: failing('EPERM') }).endProcess(4242)).toEqual({
      ok: false,
      reason: 'not permitted to end PID 4242: it belongs to another user; run netmon as root',
      needsAdmin: true,
    });
    const a = createLinuxActions({ kill: () => undefined });
    expect((await a.endProcess(1)).ok).toBe(false);
    expect(await a.endProcess(process.pid)).toEqual({ ok: false, reason: `PID ${process.pid} is netmon itself` });
    expect(await a.endProcess(-3)).toEqual({ ok: false, reason: 'not a process id: -3' });
  });
});
