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
  return {
    onBatch(listener) {
      if (typeof listener !== 'function') throw new TypeError('onBatch needs a function');
      const wrapped = (_event: unknown, json: unknown) => {
        if (typeof json === 'string') listener(json);
      };
      ipc.on(CHANNELS.batch, wrapped);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(CHANNELS.batch, wrapped);
      };
    },
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
    onRecording(listener) {
      if (typeof listener !== 'function') throw new TypeError('onRecording needs a function');
      const wrapped = (_event: unknown, status: unknown) => {
        if (isRecordingStatus(status)) listener(status);
      };
      ipc.on(CHANNELS.recording, wrapped);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(CHANNELS.recording, wrapped);
      };
    },
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
