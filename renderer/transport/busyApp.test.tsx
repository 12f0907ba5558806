// @vitest-environment jsdom
// The whole page over the real browser-mode link to a real server with no free slot (`netmon serve
// --max-clients`): a tab that is only waiting for a slot says so in its status bar and shows no
// load error; once it gets in, the table, its events and the timeline's history load.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import WebSocket from 'ws';
import { startServer } from '../../main/server/server';
import type { RunningServer } from '../../main/server/types';
import { wsProtocols } from '../../shared/ws-protocol';
import { fakeEngine, fakeStaticDir, TEST_TOKEN } from '../../test/server/helpers';
import { App } from '../App';
import { fakeLayout, MemStorage } from '../test/dom';
import { createWsBridge, type SocketLike, type WsBridge } from './ws';

let srv: RunningServer | null = null;
let bridge: WsBridge | null = null;
const others: WebSocket[] = [];
beforeAll(() => fakeLayout());
afterEach(async () => {
  cleanup();
  bridge?.dispose();
  bridge = null;
  for (const ws of others.splice(0)) ws.terminate();
  await srv?.close();
  srv = null;
});

describe('a tab waiting for a client slot', () => {
  it('shows the waiting state, not "Could not load the table", and loads once it gets in', async () => {
    const engine = fakeEngine();
    srv = await startServer({ engine, staticDir: fakeStaticDir().root, token: TEST_TOKEN, maxClients: 1 });
    // Another tab holds the one slot.
    const holder = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, wsProtocols(TEST_TOKEN));
    others.push(holder);
    await new Promise<void>((resolve, reject) => {
      holder.once('open', () => resolve());
      holder.once('error', reject);
    });
    bridge = createWsBridge({
      url: `ws://127.0.0.1:${srv.port}/ws`,
      protocols: wsProtocols(TEST_TOKEN),
      connect: (url, offered) => {
        const ws = new WebSocket(url, offered);
        ws.on('error', () => undefined);
        return ws as unknown as SocketLike;
      },
      initialBackoffMs: 10,
      maxBackoffMs: 300,
    });
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
    await waitFor(() => expect(screen.getByTestId('link-state').textContent).toBe('not connected: too many netmon tabs open, retrying…'), { timeout: 3000 });
    // Turned away a few times (each retry at the longest backoff): still only waiting.
    await new Promise((r) => setTimeout(r, 800));
    expect(screen.getByTestId('link-state').textContent).toBe('not connected: too many netmon tabs open, retrying…');
    expect(screen.queryByText(/Could not load the table/)).toBeNull();
    // The empty table says what it waits for, too: a slot, not a first poll.
    expect(screen.getByText('No connections yet: too many netmon tabs are open; this one gets in when another closes.')).toBeTruthy();
    expect(engine.calls).not.toContain('getSnapshot');

    const timelineCalls = () => engine.calls.filter((c) => c === 'getTimeline').length;
    holder.close();
    await waitFor(() => expect(screen.queryByTestId('link-state')).toBeNull(), { timeout: 3000 });
    // In: the table, the events and the timeline's history are fetched, and no error is left.
    await waitFor(() => expect(engine.calls).toEqual(expect.arrayContaining(['getSnapshot', 'getHistory:10000'])));
    await waitFor(() => expect(timelineCalls()).toBe(1));
    expect(screen.queryByText(/Could not load the table/)).toBeNull();
  });
});
