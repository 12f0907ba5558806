// One recording for every viewer (browser mode): the server owns it, so a tab that connects late
// sees it, every tab is told when any tab (or a write failure) changes it, a second start is
// refused naming the file, and a tab closing does not stop it.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngineRecorder } from '../../main/server/recording';
import { createHandlers } from '../../main/server/rpc';
import { startServer } from '../../main/server/server';
import type { RunningServer } from '../../main/server/types';
import { createWsBridge, type SocketLike, type WsBridge } from '../../renderer/transport/ws';
import { alreadyRecording, type RecordingStatus } from '../../shared/ipc';
import { wsProtocols } from '../../shared/ws-protocol';
import { fakeEngine, fakeStaticDir, LOOPBACK_CONN, TEST_TOKEN, type FakeEngine } from './helpers';

const conn = LOOPBACK_CONN;

const open: { srv?: RunningServer; bridges: WsBridge[]; close?: () => void } = { bridges: [] };
afterEach(async () => {
  for (const b of open.bridges.splice(0)) b.dispose();
  open.close?.();
  await open.srv?.close();
});

async function setup(recorderOpts: Partial<Parameters<typeof createEngineRecorder>[0]> = {}) {
  const engine: FakeEngine = fakeEngine();
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'netmon-rec-')), 'recordings');
  const errors: string[] = [];
  const recorder = createEngineRecorder({ engine, dir, onError: (m) => errors.push(m), ...recorderOpts });
  open.close = recorder.close;
  const srv = await startServer({ engine, recorder, staticDir: fakeStaticDir().root, token: TEST_TOKEN });
  open.srv = srv;
  /** A tab: the renderer's own transport against the real server, collecting pushed recording states. */
  const tab = () => {
    const bridge = createWsBridge({
      url: `ws://127.0.0.1:${srv.port}/ws`,
      protocols: wsProtocols(TEST_TOKEN),
      connect: (url, offered) => new WebSocket(url, offered) as unknown as SocketLike,
    });
    open.bridges.push(bridge);
    const pushed: RecordingStatus[] = [];
    bridge.onRecording((s) => pushed.push(s));
    return { bridge, pushed, last: () => pushed.at(-1) };
  };
  return { engine, dir, errors, srv, tab };
}

describe('recording seen by every viewer (browser mode)', () => {
  it('a tab that connects late sees the recording another started, is told of stops, and cannot start a second', async () => {
    const { engine, srv, tab } = await setup();
    const a = tab();
    const b0 = tab();
    // B is connected before A starts: it is told, without asking.
    await expect(b0.bridge.getRecording()).resolves.toMatchObject({ active: false, path: null });
    const started = await a.bridge.setRecording(true);
    expect(started.active).toBe(true);
    expect(started.path).toMatch(/netmon-events-.+\.ndjson$/);
    await expect.poll(() => b0.last()).toEqual(started);

    // A's tab closes: the engine side keeps recording.
    a.bridge.dispose();
    await expect.poll(() => srv.clients()).toBe(1);
    engine.emit({ seq: 1, time: 10, full: false, events: [{ type: 'opened', time: 10, connection: conn }], status: engine.state });

    // A new tab (late): it sees the recording and the file on connect.
    const c = tab();
    await expect(c.bridge.getRecording()).resolves.toEqual(started);
    // Its Record is refused with the file's name, never a silent toggle; the recording goes on.
    await expect(c.bridge.setRecording(true)).rejects.toThrow(alreadyRecording(started.path));
    await expect(c.bridge.getRecording()).resolves.toEqual(started);
    engine.emit({ seq: 2, time: 20, full: false, events: [{ type: 'closed', time: 20, connection: conn }], status: engine.state });

    // Stop from the late tab: every tab still open is told.
    const stopped = await c.bridge.setRecording(false);
    expect(stopped).toEqual({ active: false, path: null, format: 'ndjson', error: null });
    await expect.poll(() => b0.last()).toEqual(stopped);
    await expect.poll(() => c.last()).toEqual(stopped);
    // Both events landed in the one file, the one after the first tab closed included.
    await expect.poll(() => readFileSync(started.path as string, 'utf8').trim().split('\n').length).toBe(2);
    // A stop when none runs changes nothing and tells nobody.
    const pushedBefore = b0.pushed.length;
    await expect(c.bridge.setRecording(false)).resolves.toEqual(stopped);
    await new Promise((r) => setTimeout(r, 50));
    expect(b0.pushed.length).toBe(pushedBefore);
  });

  it('a recording the engine side ends on a write failure is pushed to every tab with the reason', async () => {
    const { engine, errors, tab } = await setup({
      createRecorder: ({ path: file, format = 'ndjson' }) => ({
        path: file,
        format,
        record() {
          throw new Error(`cannot write recording ${file}: no space left on device (ENOSPC)`);
        },
        close() {},
      }),
    });
    const a = tab();
    const b = tab();
    const started = await a.bridge.setRecording(true);
    await expect.poll(() => b.last()?.active).toBe(true);
    engine.emit({ seq: 1, time: 10, full: false, events: [{ type: 'opened', time: 10, connection: conn }], status: engine.state });
    const reason = `recording stopped: cannot write recording ${started.path}: no space left on device (ENOSPC)`;
    for (const t of [a, b]) await expect.poll(() => t.last()).toEqual({ active: false, path: null, format: 'ndjson', error: reason });
    expect(errors).toEqual([reason]);
    // A tab opened afterwards learns why too.
    await expect(tab().bridge.getRecording()).resolves.toMatchObject({ active: false, error: reason });
  });

  it('getRecording takes no arguments, and a server without a recorder answers "not recording"', async () => {
    const engine = fakeEngine();
    const bare = createHandlers({ engine });
    await expect(bare.getRecording([])).resolves.toEqual({ active: false, path: null, format: 'ndjson', error: null });
    await expect(bare.getRecording([true])).rejects.toThrow(/expected no arguments, got 1/);
  });
});
