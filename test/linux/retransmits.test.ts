// Retransmits against the real kernel: in a network namespace the test creates (unshare -n), the
// packet filter (nftables) drops a connection's data for a moment; the counters must show the
// retransmitted segments. Needs root, unshare and nft: installs nftables with apt-get when nft is
// missing, and fails saying what is missing otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function ensureNft(): void {
  if (have('nft')) return;
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nftables'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', timeout: 240_000 });
  if (!have('nft')) throw new Error(`nft (nftables) is needed to drop packets and could not be installed: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
}

const dir = mkdtempSync(join(tmpdir(), 'netmon-retrans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retransmits (network namespace + nftables)', () => {
  it('counts the segments TCP retransmitted while the packet filter dropped them', () => {
    if (process.getuid?.() !== 0) throw new Error('this test needs root: it creates a network namespace and packet filter rules');
    if (!have('unshare')) throw new Error('unshare (util-linux) is needed to create the network namespace');
    ensureNft();
    const probe = join(dir, 'probe.cjs');
    buildSync({ entryPoints: [resolve(__dirname, 'fixtures/retransmit-probe.ts')], bundle: true, platform: 'node', external: ['koffi'], outfile: probe, logLevel: 'warning' });
    const out = execFileSync('unshare', ['-n', process.execPath, probe], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_PATH: resolve(__dirname, '../../node_modules') },
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { error?: string; delivered: number; retransmits: number; bytesSent: number; packetsSent: number };
    expect(r.error).toBeUndefined();
    expect(r.delivered).toBe(200_000);
    expect(r.retransmits).toBeGreaterThan(0);
    // Sent counts retransmitted payload too (tcpi_bytes_sent, like Windows DataBytesOut).
    expect(r.bytesSent).toBeGreaterThan(200_000);
    expect(r.packetsSent).toBeGreaterThan(r.retransmits);
  });
});
