// The invoke handlers behind window.netmon. Every call is checked in the same order: the sender
// must be our window's main frame showing app://netmon, every argument must pass the shared
// validators, and only then is the engine / action service / resolver / recorder called.
// A refusal throws, so the renderer sees a rejected promise carrying the reason.
import {
  CHANNELS,
  IpcArgumentError,
  PAUSE_REFUSED_WHILE_RECORDING,
  validateBoolean,
  validateHistoryLimit,
  validateInterval,
  validateNoArgs,
  validateThemeSource,
  type ActionResult,
  type History,
  type CloseTarget,
  type EndProcessTarget,
  type EngineStatus,
  type ProcessDetails,
  type RecordingStatus,
  type Snapshot,
  type ThemeSource,
} from '../../shared/ipc';
import { validateAddressList, validateCloseTarget, validateEndProcessTarget, validatePid, validateRecordingArgs } from '../../shared/validate';
import { APP_ORIGIN, isAppUrl } from './app-url';
import type { TimelineData } from '../../shared/timeline';
import type { PortUsageHistory } from '../../shared/port-usage';

/** The parts of Electron's IpcMainInvokeEvent a handler looks at. */
export interface InvokeEventLike {
  senderFrame: FrameLike | null;
}
export interface FrameLike {
  url: string;
  /** Set for subframes; null for a main frame. */
  parent: FrameLike | null;
}

export interface IpcDeps {
  engine: {
    getSnapshot(): Promise<Snapshot>;
    getHistory(limit?: number): Promise<History>;
    getTimeline(): Promise<TimelineData>;
    getPortUsage(): Promise<PortUsageHistory>;
    setPaused(paused: boolean): Promise<EngineStatus>;
    setInterval(ms: number): Promise<EngineStatus>;
    getStatus(): Promise<EngineStatus>;
  };
  actions: {
    getProcessDetails(pid: number): Promise<ProcessDetails | null>;
    closeConnection(target: CloseTarget): Promise<ActionResult>;
    endProcess(target: EndProcessTarget): Promise<ActionResult>;
  };
  resolver: { resolve(addresses: string[]): Promise<Record<string, string | null>> };
  recording: {
    set(active: boolean, format: 'ndjson' | 'csv'): Promise<RecordingStatus>;
    /** What is being recorded now (the poll may not be paused while it is active; a window asks on load). */
    status(): RecordingStatus;
  };
  restartAsAdmin(): Promise<ActionResult>;
  /** What only the desktop app does (DesktopBridge). */
  desktop: {
    setTheme(theme: ThemeSource): Promise<void>;
    openLogFolder(): Promise<string>;
  };
  /** The main frame of our window right now (null while there is no window). */
  mainFrame(): FrameLike | null;
}

export class IpcSenderError extends Error {
  override name = 'IpcSenderError';
}

/** Why a sender is refused, or null when it is our window's main frame on our origin. */
export function senderProblem(event: InvokeEventLike, mainFrame: FrameLike | null): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null) return 'calls from subframes are refused';
  if (!mainFrame || frame !== mainFrame) return 'the sender is not the netmon window';
  if (!isAppUrl(frame.url)) return `the sender is not on ${APP_ORIGIN}`;
  return null;
}

export type InvokeHandler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function arity(args: unknown[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new IpcArgumentError(`expected ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

/** The handler table, a pure function of its dependencies (unit-tested with fakes). */
export function createIpcHandlers(deps: IpcDeps): Record<string, InvokeHandler> {
  const table: Record<string, (args: unknown[]) => Promise<unknown>> = {
    [CHANNELS.getSnapshot]: async (args) => (validateNoArgs(args), deps.engine.getSnapshot()),
    [CHANNELS.getHistory]: async (args) => {
      arity(args, 0, 1);
      return deps.engine.getHistory(validateHistoryLimit(args[0]));
    },
    [CHANNELS.getTimeline]: async (args) => (validateNoArgs(args), deps.engine.getTimeline()),
    [CHANNELS.getPortUsage]: async (args) => (validateNoArgs(args), deps.engine.getPortUsage()),
    [CHANNELS.getStatus]: async (args) => (validateNoArgs(args), deps.engine.getStatus()),
    [CHANNELS.setPaused]: async (args) => {
      arity(args, 1, 1);
      const paused = validateBoolean(args[0], 'paused');
      if (paused && deps.recording.status().active) throw new Error(PAUSE_REFUSED_WHILE_RECORDING);
      return deps.engine.setPaused(paused);
    },
    [CHANNELS.setInterval]: async (args) => {
      arity(args, 1, 1);
      return deps.engine.setInterval(validateInterval(args[0]));
    },
    [CHANNELS.getProcessDetails]: async (args) => {
      arity(args, 1, 1);
      return deps.actions.getProcessDetails(validatePid(args[0]));
    },
    [CHANNELS.closeConnection]: async (args) => {
      arity(args, 1, 1);
      return deps.actions.closeConnection(validateCloseTarget(args[0]));
    },
    [CHANNELS.endProcess]: async (args) => {
      arity(args, 1, 1);
      return deps.actions.endProcess(validateEndProcessTarget(args[0]));
    },
    [CHANNELS.resolveAddresses]: async (args) => {
      arity(args, 1, 1);
      return deps.resolver.resolve(validateAddressList(args[0]));
    },
    [CHANNELS.setRecording]: async (args) => {
      arity(args, 1, 2);
      const { active, format } = validateRecordingArgs(args[0], args[1]);
      return deps.recording.set(active, format);
    },
    [CHANNELS.getRecording]: async (args) => (validateNoArgs(args), deps.recording.status()),
    [CHANNELS.restartAsAdmin]: async (args) => (validateNoArgs(args), deps.restartAsAdmin()),
    [CHANNELS.setTheme]: async (args) => {
      arity(args, 1, 1);
      return deps.desktop.setTheme(validateThemeSource(args[0]));
    },
    [CHANNELS.openLogFolder]: async (args) => (validateNoArgs(args), deps.desktop.openLogFolder()),
  };

  const handlers: Record<string, InvokeHandler> = {};
  for (const [channel, run] of Object.entries(table)) {
    handlers[channel] = async (event, ...args) => {
      const problem = senderProblem(event, deps.mainFrame());
      if (problem) throw new IpcSenderError(`${channel} refused: ${problem}`);
      try {
        return await run(args);
      } catch (err) {
        if (err instanceof IpcArgumentError) throw new IpcArgumentError(`${channel}: ${err.message}`);
        throw err;
      }
    };
  }
  return handlers;
}

export interface IpcMainLike {
  handle(channel: string, handler: InvokeHandler): void;
  removeHandler(channel: string): void;
}

/** Registers every handler; returns a function that removes them again. */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: Record<string, InvokeHandler>): () => void {
  for (const [channel, handler] of Object.entries(handlers)) ipcMain.handle(channel, handler);
  return () => {
    for (const channel of Object.keys(handlers)) ipcMain.removeHandler(channel);
  };
}
