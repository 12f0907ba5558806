// The systemd unit, checked statically by systemd's own tools (these machines run no systemd, so
// the unit is never started here): `systemd-analyze verify` finds no error or warning, and
// `systemd-analyze security --offline` rates its sandboxing "OK" or better (exposure ≤ 3.9).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from './helpers';

const unit = resolve(__dirname, '../../packaging/netmon-agent.service');
const dir = mkdtempSync(join(tmpdir(), 'netmon-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('packaging/netmon-agent.service', () => {
  it('passes systemd-analyze verify and rates OK in systemd-analyze security', () => {
    const analyze = requireTool('/usr/bin/systemd-analyze', 'systemd');
    const copy = join(dir, 'netmon-agent.service');
    copyFileSync(unit, copy);
    const verify = spawnSync(analyze, ['verify', '--man=no', copy], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: verify.status, out: `${verify.stdout}${verify.stderr}`.trim() }).toEqual({ status: 0, out: '' });
    const security = spawnSync(analyze, ['security', '--offline=true', '--no-pager', copy], { encoding: 'utf8', timeout: 60_000 });
    const m = /Overall exposure level for netmon-agent\.service: (\d+(?:\.\d+)?) (\w+)/.exec(security.stdout);
    expect(m, security.stdout + security.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(3.9);
  }, 90_000);
});
