// Builds the object exposed as window.netmon. Only functions and plain values cross the bridge:
// ipcRenderer itself and IPC event objects never reach the page.
import { CHANNELS, isRecordingStatus, type DesktopBridge, type NetmonBridge } from '../shared/ipc';

/** The slice of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): NetmonBridge {
  // Each call names its arguments explicitly, so nothing extra the page passes is forwarded.
  const call = <T>(channel: string, ...args: unknown[]) => ipc.invoke(channel, ...args) as Promise<T>;
  /** Subscribes `listener` to a push channel, passing on only payloads `accept` vouches for; returns the unsubscribe. */
  const subscribe = <T>(name: string, channel: string, accept: (v: unknown) => v is T, listener: (v: T) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError(`${name} needs a function`);
    const wrapped = (_event: unknown, payload: unknown) => {
      if (accept(payload)) listener(payload);
    };
    ipc.on(channel, wrapped);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, wrapped);
    };
  };
  return {
    onBatch: (listener) => subscribe('onBatch', CHANNELS.batch, (v): v is string => typeof v === 'string', listener),
    getSnapshot: () => call(CHANNELS.getSnapshot),
    // An omitted limit stays omitted: the engine sends all it holds.
    getHistory: (limit) => (limit === undefined ? call(CHANNELS.getHistory) : call(CHANNELS.getHistory, limit)),
    setPaused: (paused) => call(CHANNELS.setPaused, paused),
    setInterval: (ms) => call(CHANNELS.setInterval, ms),
    getTimeline: () => call(CHANNELS.getTimeline),
    getPortUsage: () => call(CHANNELS.getPortUsage),
    getStatus: () => call(CHANNELS.getStatus),
    getProcessDetails: (pid) => call(CHANNELS.getProcessDetails, pid),
    closeConnection: (target) => call(CHANNELS.closeConnection, target),
    endProcess: (target) => call(CHANNELS.endProcess, target),
    resolveAddresses: (addresses) => call(CHANNELS.resolveAddresses, addresses),
    // An omitted format stays omitted: main applies the default.
    setRecording: (active, format) =>
      format === undefined ? call(CHANNELS.setRecording, active) : call(CHANNELS.setRecording, active, format),
    getRecording: () => call(CHANNELS.getRecording),
    onRecording: (listener) => subscribe('onRecording', CHANNELS.recording, isRecordingStatus, listener),
    restartAsAdmin: () => call(CHANNELS.restartAsAdmin),
  };
}

/** window.netmonDesktop: what only the desktop app offers (theme of the title bar, the log folder). */
export function createDesktopBridge(ipc: IpcRendererLike): DesktopBridge {
  return {
    setTheme: (theme) => ipc.invoke(CHANNELS.setTheme, theme) as Promise<void>,
    openLogFolder: () => ipc.invoke(CHANNELS.openLogFolder) as Promise<string>,
  };
}
