// Issue 7 §3: one authenticated client sending 20,000 getSnapshot calls without reading its replies
// took `netmon serve` from 72 MB to 820 MB. Here the real command (demo source, real engine worker)
// runs in a child process that reports its RSS; the flood must leave it within +150 MB, and the
// server must still serve afterwards. Bounded: the flood stops counting after 15 s.
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsProtocols } from '../../shared/ws-protocol';
import { bundleServe } from './bundle';
import { upgradeRequest, wsFrame } from './raw';
import { TEST_TOKEN } from './helpers';

const CALLS = 20_000;
const RSS_BOUND = 150 * 1024 * 1024;

// The real `netmon serve` entry, plus an IPC answer with this process's RSS.
const PROBE = `
  import { runServe } from './main/server/cli';
  process.on('message', (m) => {
    if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  });
  void runServe(process.argv.slice(2)).then((code) => process.exit(code));
`;

function rssOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { rss: number }).rss));
    child.send('rss');
  });
}

describe('bounded memory per client', () => {
  it(`20,000 unread getSnapshot calls leave the server within +150 MB, and it still serves`, async () => {
    const dist = await bundleServe({ 'serve-probe': PROBE });
    const child = fork(path.join(dist, 'serve-probe.cjs'), ['--port', '0', '--source', 'demo', '--interval', '1000'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NETMON_TOKEN: TEST_TOKEN, NODE_PATH: path.resolve('node_modules') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    const flooder = new net.Socket();
    try {
      await expect.poll(() => /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1], { timeout: 20_000 }).toBeTruthy();
      const port = Number(/serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
      // Let the engine's first polls settle before the baseline.
      await new Promise((r) => setTimeout(r, 1500));
      const before = await rssOf(child);

      // Handshake and 20,000 calls in one write; this client then never reads.
      const frames = Array.from({ length: CALLS }, (_, i) =>
        wsFrame({ opcode: 1, payload: Buffer.from(JSON.stringify({ kind: 'call', id: i, method: 'getSnapshot', args: [] })) }),
      );
      flooder.connect(port, '127.0.0.1');
      await new Promise<void>((r) => flooder.once('connect', () => r()));
      flooder.pause();
      flooder.on('error', () => undefined);
      flooder.write(Buffer.concat([Buffer.from(upgradeRequest(port, '/ws', { 'Sec-WebSocket-Protocol': wsProtocols(TEST_TOKEN).join(', ') })), ...frames]));

      let peak = before;
      const until = Date.now() + 15_000;
      let steady = 0;
      let last = before;
      while (Date.now() < until && steady < 5) {
        await new Promise((r) => setTimeout(r, 300));
        const now = await rssOf(child);
        peak = Math.max(peak, now);
        if (peak - before > RSS_BOUND) break;
        steady = Math.abs(now - last) < 2 * 1024 * 1024 ? steady + 1 : 0;
        last = now;
      }
      console.log(`serve RSS: ${(before / 2 ** 20).toFixed(0)} MB before, peak ${(peak / 2 ** 20).toFixed(0)} MB during ${CALLS} unread calls`);
      expect(peak - before).toBeLessThan(RSS_BOUND);

      // Still serving a well-behaved client.
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, wsProtocols(TEST_TOKEN));
      const reply = await new Promise<{ ok: boolean; result?: { connections?: unknown[] } }>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('open', () => ws.send(JSON.stringify({ kind: 'call', id: 'x', method: 'getSnapshot', args: [] })));
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString()) as { kind: string; id?: unknown; ok: boolean };
          if (m.kind === 'reply' && m.id === 'x') resolve(m);
        });
      });
      ws.terminate();
      expect(reply.ok).toBe(true);
      expect(reply.result?.connections?.length).toBeGreaterThan(0);
    } finally {
      flooder.destroy();
      child.kill('SIGKILL');
    }
    expect(stderr).toBe('');
  });
});
