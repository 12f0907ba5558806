import { describe, expect, it, vi } from 'vitest';
import { CHANNELS, MAX_HISTORY_LIMIT, type EngineStatus } from '../../shared/ipc';
import { createIpcHandlers, registerIpcHandlers, senderProblem, type FrameLike, type IpcDeps } from '../../main/electron/ipc';

const status: EngineStatus = { paused: false, intervalMs: 1000, source: 'scripted', lastPollAt: null, lastPollMs: null, lastError: null };

function setup() {
  const main: FrameLike = { url: 'app://netmon/index.html', parent: null };
  const deps = {
    engine: {
      getSnapshot: vi.fn(async () => ({ time: 1, connections: [], status })),
      getHistory: vi.fn(async (limit?: number) => ({ since: 1, capacity: 10, dropped: limit === undefined ? 0 : 1, events: [] })),
      setPaused: vi.fn(async (paused: boolean) => ({ ...status, paused })),
      setInterval: vi.fn(async (intervalMs: number) => ({ ...status, intervalMs })),
      getStatus: vi.fn(async () => status),
      getTimeline: vi.fn(async () => ({ since: 1, fineWindowMs: 3_600_000, coarseStepMs: 60_000, dropped: 0, samples: [] })),
      getPortUsage: vi.fn(async () => ({ latest: null, trend: [], marks: [], droppedMarks: 0 })),
    },
    actions: {
      getProcessDetails: vi.fn(async (pid: number) => ({ pid, name: 'x', path: null, commandLine: null, user: null, startTime: null, services: [] })),
      closeConnection: vi.fn(async () => ({ ok: true as const })),
      endProcess: vi.fn(async () => ({ ok: false as const, reason: 'access denied', needsAdmin: true })),
    },
    resolver: { resolve: vi.fn(async (a: string[]) => Object.fromEntries(a.map((x) => [x, null]))) },
    recording: {
      set: vi.fn(async (active: boolean, format: 'ndjson' | 'csv') => ({ active, path: active ? '/tmp/r.ndjson' : null, format })),
      status: vi.fn(() => ({ active: false, path: null, format: 'ndjson' as const })),
    },
    restartAsAdmin: vi.fn(async () => ({ ok: false as const, reason: 'only on Windows' })),
    desktop: { setTheme: vi.fn(async () => undefined), openLogFolder: vi.fn(async () => '') },
    mainFrame: () => main as FrameLike | null,
  } satisfies IpcDeps;
  const handlers = createIpcHandlers(deps);
  const ok = { senderFrame: main };
  return { deps, handlers, main, ok };
}

describe('createIpcHandlers', () => {
  it('has a handler for every invoke channel and none for the push channels (batch, recording)', () => {
    const { handlers } = setup();
    const invoke = Object.values(CHANNELS).filter((c) => c !== CHANNELS.batch && c !== CHANNELS.recording);
    expect(Object.keys(handlers).sort()).toEqual([...invoke].sort());
  });

  it('refuses senders other than our main frame on app://netmon, before touching anything', async () => {
    const { handlers, deps, main } = setup();
    const h = handlers[CHANNELS.setPaused];
    await expect(h({ senderFrame: null }, true)).rejects.toThrow(/sending frame is gone/);
    await expect(h({ senderFrame: { url: 'app://netmon/x.html', parent: main } }, true)).rejects.toThrow(/subframes/);
    await expect(h({ senderFrame: { url: 'app://netmon/index.html', parent: null } }, true)).rejects.toThrow(/not the netmon window/);
    const navigated: FrameLike = { url: 'https://evil.example/', parent: null };
    const d2 = { ...deps, mainFrame: () => navigated };
    await expect(createIpcHandlers(d2)[CHANNELS.setPaused]({ senderFrame: navigated }, true)).rejects.toThrow(/not on app:\/\/netmon/);
    const noWindow = createIpcHandlers({ ...deps, mainFrame: () => null });
    await expect(noWindow[CHANNELS.getStatus]({ senderFrame: main })).rejects.toThrow(/not the netmon window/);
    expect(deps.engine.setPaused).not.toHaveBeenCalled();
    expect(deps.engine.getStatus).not.toHaveBeenCalled();
  });

  it('rejects malformed arguments with a clear message and calls nothing', async () => {
    const { handlers, deps, ok } = setup();
    const cases: [string, unknown[], RegExp][] = [
      [CHANNELS.setPaused, ['yes'], /netmon:set-paused: paused must be true or false/],
      [CHANNELS.setPaused, [], /expected 1 argument, got 0/],
      [CHANNELS.setPaused, [true, 1], /expected 1 argument, got 2/],
      [CHANNELS.setInterval, [5], /between 100 and 60000/],
      [CHANNELS.setInterval, [1000.5], /integer/],
      [CHANNELS.getSnapshot, [1], /expected no arguments/],
      [CHANNELS.getHistory, [0], /history limit must be an integer from 1/],
      [CHANNELS.getHistory, ['10'], /history limit must be an integer/],
      [CHANNELS.getHistory, [10, 1], /expected 0 to 1 argument, got 2/],
      [CHANNELS.getProcessDetails, [-1], /pid must be between/],
      [CHANNELS.getProcessDetails, ['4'], /pid must be an integer/],
      [CHANNELS.endProcess, [{}], /end-process target is missing pid/],
      [CHANNELS.endProcess, [1234], /end-process target must be an object/],
      [CHANNELS.endProcess, [{ pid: 1234, startTime: '1' }], /startTime must be epoch ms or null/],
      [CHANNELS.closeConnection, [{ family: 4, localAddress: 'x', localPort: 1, remoteAddress: '1.2.3.4', remotePort: 2 }], /not an IP address/],
      [CHANNELS.closeConnection, [{ family: 4, localAddress: '1.2.3.4', localPort: 1, remoteAddress: '1.2.3.5', remotePort: 2, extra: 1 }], /unexpected key/],
      [CHANNELS.resolveAddresses, ['1.1.1.1'], /must be an array/],
      [CHANNELS.resolveAddresses, [Array(257).fill('1.1.1.1')], /at most 256/],
      [CHANNELS.setRecording, [true, 'xml'], /"ndjson" or "csv"/],
      [CHANNELS.setRecording, [true, 'csv', 3], /expected 1 to 2 arguments, got 3/],
      [CHANNELS.restartAsAdmin, [true], /expected no arguments/],
      [CHANNELS.setTheme, ['blue'], /netmon:set-theme: theme must be "system", "light" or "dark", got the string "blue"/],
      [CHANNELS.setTheme, [], /expected 1 argument, got 0/],
      [CHANNELS.setTheme, [{ toString: () => 'dark' }], /theme must be/],
      [CHANNELS.openLogFolder, ['C:\\Windows'], /expected no arguments/],
    ];
    for (const [channel, args, message] of cases) {
      await expect(handlers[channel](ok, ...args), `${channel} ${JSON.stringify(args)}`).rejects.toThrow(message);
    }
    const all = [deps.engine, deps.actions, deps.resolver, deps.recording, deps.desktop].flatMap((o) => Object.values(o));
    for (const fn of [...all, deps.restartAsAdmin]) expect(fn).not.toHaveBeenCalled();
  });

  it('refuses to pause the poll while a recording is in progress', async () => {
    const { deps, ok } = setup();
    let active = true;
    const h = createIpcHandlers({ ...deps, recording: { ...deps.recording, status: () => ({ active, path: active ? '/tmp/r.ndjson' : null, format: 'ndjson' as const }) } });
    await expect(h[CHANNELS.setPaused](ok, true)).rejects.toThrow(/a recording is in progress/);
    expect(deps.engine.setPaused).not.toHaveBeenCalled();
    active = false;
    await expect(h[CHANNELS.setPaused](ok, true)).resolves.toMatchObject({ paused: true });
  });

  it('passes validated arguments to the right dependency and returns its answer', async () => {
    const { handlers, deps, ok } = setup();
    expect(await handlers[CHANNELS.getSnapshot](ok)).toMatchObject({ time: 1 });
    expect(await handlers[CHANNELS.getStatus](ok)).toEqual(status);
    // No limit asks the engine for the bound (MAX_HISTORY_LIMIT), never the whole ring.
    await handlers[CHANNELS.getHistory](ok);
    expect(deps.engine.getHistory).toHaveBeenLastCalledWith(MAX_HISTORY_LIMIT);
    expect(await handlers[CHANNELS.getHistory](ok, 50)).toMatchObject({ dropped: 1 });
    expect(deps.engine.getHistory).toHaveBeenLastCalledWith(50);
    expect(await handlers[CHANNELS.setPaused](ok, true)).toMatchObject({ paused: true });
    expect(await handlers[CHANNELS.setInterval](ok, 2000)).toMatchObject({ intervalMs: 2000 });
    expect(await handlers[CHANNELS.getProcessDetails](ok, 4)).toMatchObject({ pid: 4 });
    const target = { family: 6, localAddress: '::1', localPort: 80, remoteAddress: '::1', remotePort: 5000 };
    expect(await handlers[CHANNELS.closeConnection](ok, target)).toEqual({ ok: true });
    expect(deps.actions.closeConnection).toHaveBeenCalledWith(target);
    expect(await handlers[CHANNELS.endProcess](ok, { pid: 1234, startTime: 5 })).toEqual({ ok: false, reason: 'access denied', needsAdmin: true });
    expect(deps.actions.endProcess).toHaveBeenCalledWith({ pid: 1234, startTime: 5 });
    expect(await handlers[CHANNELS.resolveAddresses](ok, ['8.8.8.8'])).toEqual({ '8.8.8.8': null });
    expect(await handlers[CHANNELS.setRecording](ok, true)).toMatchObject({ active: true, format: 'ndjson' });
    expect(deps.recording.set).toHaveBeenLastCalledWith(true, 'ndjson');
    await handlers[CHANNELS.setRecording](ok, false, 'csv');
    expect(deps.recording.set).toHaveBeenLastCalledWith(false, 'csv');
    expect(await handlers[CHANNELS.restartAsAdmin](ok)).toEqual({ ok: false, reason: 'only on Windows' });
    await handlers[CHANNELS.setTheme](ok, 'light');
    expect(deps.desktop.setTheme).toHaveBeenCalledWith('light');
    expect(await handlers[CHANNELS.openLogFolder](ok)).toBe('');
    expect(deps.desktop.openLogFolder).toHaveBeenCalledTimes(1);
  });

  it('lets dependency failures reach the caller', async () => {
    const { handlers, deps, ok } = setup();
    deps.engine.getStatus.mockRejectedValueOnce(new Error('engine worker exited'));
    await expect(handlers[CHANNELS.getStatus](ok)).rejects.toThrow('engine worker exited');
  });
});

describe('senderProblem / registerIpcHandlers', () => {
  it('accepts only the very frame object of our window', () => {
    const main: FrameLike = { url: 'app://netmon/', parent: null };
    expect(senderProblem({ senderFrame: main }, main)).toBeNull();
    expect(senderProblem({ senderFrame: { ...main } }, main)).not.toBeNull();
  });

  it('registers every handler and removes them again', () => {
    const { handlers } = setup();
    const handled = new Map<string, unknown>();
    const off = registerIpcHandlers({ handle: (c, h) => handled.set(c, h), removeHandler: (c) => handled.delete(c) }, handlers);
    expect([...handled.keys()].sort()).toEqual(Object.keys(handlers).sort());
    off();
    expect(handled.size).toBe(0);
  });
});
