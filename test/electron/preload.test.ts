import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../shared/ipc';
import { createBridge, createDesktopBridge, type IpcRendererLike } from '../../preload/bridge';

type L = (event: unknown, ...args: unknown[]) => void;

function fakeIpc() {
  const listeners = new Map<string, Set<L>>();
  const invoke = vi.fn(async (channel: string, ...args: unknown[]) => ({ channel, args }));
  const ipc: IpcRendererLike = {
    invoke,
    on: (ch, l) => listeners.set(ch, (listeners.get(ch) ?? new Set()).add(l)),
    removeListener: (ch, l) => listeners.get(ch)?.delete(l),
  };
  const emit = (ch: string, ...args: unknown[]) => {
    for (const l of listeners.get(ch) ?? []) l({ sender: 'secret ipc event', ports: [] }, ...args);
  };
  return { ipc, invoke, emit, count: (ch: string) => listeners.get(ch)?.size ?? 0 };
}

describe('createBridge', () => {
  it('exposes functions only, one per NetmonBridge member', () => {
    const bridge = createBridge(fakeIpc().ipc);
    const keys = Object.keys(bridge).sort();
    expect(keys).toEqual(
      [
        'closeConnection',
        'endProcess',
        'getHistory',
        'getProcessDetails',
        'getRecording',
        'getTimeline',
        'getPortUsage',
        'getSnapshot',
        'getStatus',
        'onBatch',
        'onRecording',
        'resolveAddresses',
        'restartAsAdmin',
        'setInterval',
        'setPaused',
        'setRecording',
      ].sort(),
    );
    for (const k of keys) expect(typeof (bridge as unknown as Record<string, unknown>)[k]).toBe('function');
  });

  it('maps each call to its channel with exactly its own arguments', async () => {
    const f = fakeIpc();
    const b = createBridge(f.ipc);
    const target = { family: 4 as const, localAddress: '10.0.0.1', localPort: 5, remoteAddress: '10.0.0.2', remotePort: 6 };
    await b.getSnapshot();
    await b.getStatus();
    await b.setPaused(true);
    await b.setInterval(2000);
    await b.getProcessDetails(42);
    await b.closeConnection(target);
    await b.endProcess({ pid: 43, startTime: 5 });
    await b.resolveAddresses(['1.1.1.1']);
    await b.setRecording(true);
    await b.setRecording(true, 'csv');
    await b.restartAsAdmin();
    await b.getHistory();
    await b.getHistory(500);
    // Extra arguments smuggled past the types are dropped, not forwarded.
    await (b.setPaused as (...a: unknown[]) => Promise<unknown>)(false, 'extra');
    expect(f.invoke.mock.calls).toEqual([
      [CHANNELS.getSnapshot],
      [CHANNELS.getStatus],
      [CHANNELS.setPaused, true],
      [CHANNELS.setInterval, 2000],
      [CHANNELS.getProcessDetails, 42],
      [CHANNELS.closeConnection, target],
      [CHANNELS.endProcess, { pid: 43, startTime: 5 }],
      [CHANNELS.resolveAddresses, ['1.1.1.1']],
      [CHANNELS.setRecording, true],
      [CHANNELS.setRecording, true, 'csv'],
      [CHANNELS.restartAsAdmin],
      [CHANNELS.getHistory],
      [CHANNELS.getHistory, 500],
      [CHANNELS.setPaused, false],
    ]);
  });

  it('onBatch hands over the JSON string only and unsubscribes once', () => {
    const f = fakeIpc();
    const b = createBridge(f.ipc);
    const got: unknown[][] = [];
    const off = b.onBatch((...args: unknown[]) => got.push(args));
    expect(f.count(CHANNELS.batch)).toBe(1);
    f.emit(CHANNELS.batch, '{"seq":1}');
    f.emit(CHANNELS.batch, { not: 'a string' });
    expect(got).toEqual([['{"seq":1}']]);
    off();
    off();
    expect(f.count(CHANNELS.batch)).toBe(0);
    f.emit(CHANNELS.batch, '{"seq":2}');
    expect(got).toHaveLength(1);
    expect(() => b.onBatch(null as unknown as (j: string) => void)).toThrow(TypeError);
  });

  it('passes rejections through to the page', async () => {
    const f = fakeIpc();
    f.invoke.mockRejectedValueOnce(new Error('netmon:set-interval: interval must be between 100 and 60000 ms, got 5'));
    await expect(createBridge(f.ipc).setInterval(5)).rejects.toThrow(/between 100 and 60000/);
  });
});

describe('createDesktopBridge', () => {
  it('exposes setTheme and openLogFolder only, each with exactly its own arguments', async () => {
    const f = fakeIpc();
    const d = createDesktopBridge(f.ipc);
    expect(Object.keys(d).sort()).toEqual(['openLogFolder', 'setTheme']);
    await d.setTheme('dark');
    await (d.setTheme as (...a: unknown[]) => Promise<unknown>)('light', 'extra');
    await (d.openLogFolder as (...a: unknown[]) => Promise<unknown>)('C:\\Windows');
    expect(f.invoke.mock.calls).toEqual([[CHANNELS.setTheme, 'dark'], [CHANNELS.setTheme, 'light'], [CHANNELS.openLogFolder]]);
  });
});
