// The recording's state reaches a tab by push (every change, whichever tab or the engine caused it)
// and, after the link was down, by asking again: a change pushed while disconnected is not lost.
// A push of the wrong shape (a hostile or broken server) is dropped, never shown and never thrown.
import { describe, expect, it } from 'vitest';
import type { RecordingStatus } from '../../shared/ipc';
import { createWsBridge, type SocketLike } from './ws';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: { id: number; method: string }[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as { id: number; method: string });
  }
  close() {
    this.readyState = 3;
    this.onclose?.({});
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  reply(method: string, result: unknown) {
    const call = this.sent.find((c) => c.method === method);
    if (!call) throw new Error(`no ${method} call sent`);
    this.receive({ kind: 'reply', id: call.id, ok: true, result });
  }
}

const on: RecordingStatus = { active: true, path: '/r/netmon-events-1.ndjson', format: 'ndjson', error: null };
const off: RecordingStatus = { active: false, path: null, format: 'ndjson', error: null };

describe('recording push over the WebSocket bridge', () => {
  it('delivers pushed states, drops malformed ones, and asks again after a reconnect', async () => {
    const sockets: FakeSocket[] = [];
    const bridge = createWsBridge({
      url: 'ws://127.0.0.1:1/ws',
      protocols: ['netmon.v1'],
      connect: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      initialBackoffMs: 1,
      maxBackoffMs: 1,
    });
    try {
      const seen: RecordingStatus[] = [];
      bridge.onRecording((s) => seen.push(s));
      sockets[0].open();
      sockets[0].receive({ kind: 'recording', status: on });
      for (const bad of [
        { kind: 'recording' },
        { kind: 'recording', status: null },
        { kind: 'recording', status: { active: 'yes', path: null, format: 'ndjson' } },
        { kind: 'recording', status: { active: true, path: 7, format: 'ndjson' } },
        { kind: 'recording', status: { active: true, path: null, format: 'xml' } },
        { kind: 'recording', status: { active: false, path: null, format: 'csv', error: {} } },
        '{"kind":"recording","status":',
      ]) {
        expect(() => sockets[0].receive(bad)).not.toThrow();
      }
      expect(seen).toEqual([on]);

      // The link drops; the recording stops meanwhile (that push is lost); on reconnect the bridge asks.
      sockets[0].close();
      await expect.poll(() => sockets.length).toBe(2);
      sockets[1].open();
      await expect.poll(() => sockets[1].sent.some((c) => c.method === 'getRecording')).toBe(true);
      sockets[1].reply('getRecording', off);
      await expect.poll(() => seen.at(-1)).toEqual(off);
      expect(seen).toEqual([on, off]);
    } finally {
      bridge.dispose();
    }
  });
});
