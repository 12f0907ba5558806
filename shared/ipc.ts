// The one IPC contract between the engine side (Electron main or the local web server) and the
// renderer. Channel names, payload shapes and argument validation live here and nowhere else.
import { isTcpState, TCP_STATES, TRAFFIC_FIELDS, type Connection, type ConnectionEvent, type LimitedBy, type TcpState } from './connection';
import type { PortRange } from './ports';
import type { TimelineData, TimelineSample } from './timeline';
import type { PortUsageHistory, PortUsageSample } from './port-usage';

export const CHANNELS = {
  /** main → renderer: one EventBatch per poll, JSON-encoded (one string clones far cheaper than 10k objects). */
  batch: 'netmon:batch',
  /** renderer → main (invoke): current full snapshot. */
  getSnapshot: 'netmon:get-snapshot',
  /** renderer → main (invoke): pause / resume polling. */
  setPaused: 'netmon:set-paused',
  /** renderer → main (invoke): poll interval in ms. */
  setInterval: 'netmon:set-interval',
  /** renderer → main (invoke): engine status. */
  getStatus: 'netmon:get-status',
  /** renderer → main (invoke): details of an owning process (issue: ownership detail). */
  getProcessDetails: 'netmon:get-process-details',
  /** renderer → main (invoke): close one TCP connection (admin on Windows, IPv4 only there). */
  closeConnection: 'netmon:close-connection',
  /** renderer → main (invoke): end a process. */
  endProcess: 'netmon:end-process',
  /** renderer → main (invoke): reverse-DNS names for remote addresses (cached, rate-limited). */
  resolveAddresses: 'netmon:resolve-addresses',
  /** renderer → main (invoke): start / stop writing the event stream to a rotating file. */
  setRecording: 'netmon:set-recording',
  /** renderer → main (invoke): the recording the engine side writes now (every window asks on load). */
  getRecording: 'netmon:get-recording',
  /** main → renderer: the RecordingStatus, pushed to every window whenever it changes (started, stopped, failed). */
  recording: 'netmon:recording',
  /** renderer → main (invoke): relaunch elevated (Windows desktop app only). */
  restartAsAdmin: 'netmon:restart-as-admin',
  /** renderer → main (invoke, desktop app only): the app's theme, for the title bar and window background. */
  setTheme: 'netmon:set-theme',
  /** renderer → main (invoke, desktop app only): show the folder of the app's log in the file manager. */
  openLogFolder: 'netmon:open-log-folder',
  /** renderer → main (invoke): the engine's ring of recent events (the run's history). */
  getHistory: 'netmon:get-history',
  /** renderer → main (invoke): the engine's timeline (per-poll samples, bounded; see shared/timeline.ts). */
  getTimeline: 'netmon:get-timeline',
  /** renderer → main (invoke): the engine's port usage: newest sample, trend and notice marks (shared/port-usage.ts). */
  getPortUsage: 'netmon:get-port-usage',
} as const;
export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** Intervals the UI offers; the engine accepts any integer within the bounds. */
export const INTERVAL_CHOICES_MS = [500, 1000, 2000, 5000] as const;
export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 60_000;
export const DEFAULT_INTERVAL_MS = 1000;

export interface EngineStatus {
  paused: boolean;
  intervalMs: number;
  /** Name of the OS source in use, e.g. `windows-iphlpapi`, `linux-procfs`, `scripted`. */
  source: string;
  /**
   * Name of the machine the engine runs on (Node's `os.hostname()`), e.g. for the `host` of a
   * baseline marked in the app, as `netmon baseline save` writes it. Absent from a recording's replay.
   */
  host?: string;
  /** Epoch ms of the last completed poll, null before the first. */
  lastPollAt: number | null;
  /** How long the last poll took (read + decode + diff), ms. */
  lastPollMs: number | null;
  /** Message of the last poll's failure; null when the last poll succeeded. */
  lastError: string | null;
  /**
   * Why connections carry no traffic counters, fit for the columns (e.g. "not available with the
   * procfs backend", "needs administrator"); null or absent when the source collects them.
   */
  countersNote?: string | null;
  /**
   * Which connections the counters backend reads, where it reads fewer than every one that can
   * have counters (Windows EStats); absent or null where it reads them all or has none
   * (countersNote). Check it with countersScopeOf before use: it crossed a process or a socket.
   */
  countersScope?: CountersScope | null;
  /** The OS's dynamic (ephemeral) port ranges, for the port-usage view; absent until read (and for simulated sources). */
  portRanges?: { tcp: PortRange; udp: PortRange; origin: string };
  /**
   * Standing facts about what the table cannot show, said once in the status bar and on the CLI's
   * stderr, e.g. that other users' owners are hidden without root. Absent or empty when none.
   */
  notices?: string[];
}

/**
 * Which TCP connections a counters backend reads (Windows: GetPerTcp(6)ConnectionEStats, enabled
 * per connection with SetPerTcp(6)ConnectionEStats). A connection in a state not in `states` has
 * no counters while it is in it. Once `cap` connections are read, the rest wait until a read one
 * closes: `beyondCap` > 0 says the cap was reached this poll, and then a connection in `states`
 * with no counter at all is one of those (or one whose read just failed, which rejoins the queue).
 */
export interface CountersScope {
  /** The TCP states whose connections are read (e.g. ESTABLISHED through LAST-ACK). */
  states: TcpState[];
  /** Most connections read a poll (e.g. 2000). */
  cap: number;
  /** Connections in `states` left unread this poll because `cap` was reached; 0 when none. */
  beyondCap: number;
}

/** Most connections a counters backend could be said to read a poll, or leave beyond its cap: far past any TCP table. */
const MAX_SCOPE_COUNT = 100_000_000;

/**
 * `value` as a CountersScope, or null when it is absent or not one: `states` 1–12 distinct TcpState
 * names (LISTEN and TIME-WAIT never: neither has counters to read), `cap` a whole number 1–1e8 and
 * `beyondCap` 0–1e8 (a status holding a million states, or a cap of 0, would become a title on
 * every traffic cell). Returns `prev` when it holds the same facts (so a view memoized on it does
 * not redraw every poll), else a fresh plain copy. Never throws.
 */
export function countersScopeOf(value: unknown, prev: CountersScope | null = null): CountersScope | null {
  if (typeof value !== 'object' || value === null) return null;
  const { states, cap, beyondCap } = value as Partial<Record<keyof CountersScope, unknown>>;
  if (!Array.isArray(states) || states.length === 0 || states.length > TCP_STATES.length) return null;
  // A for loop, not every(): every() skips the holes of a sparse array.
  for (let k = 0; k < states.length; k++) {
    const st: unknown = states[k];
    if (!isTcpState(st) || st === 'LISTEN' || st === 'TIME-WAIT' || states.indexOf(st) !== k) return null;
  }
  if (!Number.isSafeInteger(cap) || (cap as number) < 1 || (cap as number) > MAX_SCOPE_COUNT) return null;
  if (!Number.isSafeInteger(beyondCap) || (beyondCap as number) < 0 || (beyondCap as number) > MAX_SCOPE_COUNT) return null;
  if (prev && prev.cap === cap && prev.beyondCap === beyondCap && prev.states.length === states.length && prev.states.every((s, k) => s === states[k])) return prev;
  return { states: [...states], cap: cap as number, beyondCap: beyondCap as number };
}

/**
 * The batch's counters section: the live traffic of the rows whose counters or rates moved, as
 * columns. Row k is `ids[k]` and the COUNTER_STRIDE numbers of `values` from k * COUNTER_STRIDE,
 * in TRAFFIC_FIELDS order (shared/connection.ts):
 *
 * | offset | field | unit |
 * |---|---|---|
 * | 0, 1 | bytesSent, bytesReceived | bytes over the connection's life |
 * | 2, 3 | packetsSent, packetsReceived | segments over the connection's life |
 * | 4, 5 | sendRate, receiveRate | bytes/s over the last interval, whole bytes |
 * | 6, 7 | rttMs, rttVarMs | microseconds (the Connection field is value / 1000) |
 * | 8 | retransmits | segments over the connection's life |
 * | 9 | limitedBy | code: index into LIMITED_BY_CODES, 0 = unknown (null) |
 *
 * Whole numbers only, so that the engine's array stays one flat array of small integers (V8's
 * PACKED_SMI_ELEMENTS, which JSON prints fastest; a counter past 2^30 makes it unboxed doubles)
 * and a parsed batch the same, instead of an array and boxed numbers per row: every traffic
 * value is ≥ 0, so an unknown one (null in a Connection) is UNKNOWN_VALUE (-1). A viewer checks
 * the section before it reads it (shared/counter-columns.ts).
 */
export interface CounterColumns {
  /** Connection ids, one per moved row. */
  ids: string[];
  /** COUNTER_STRIDE numbers per row, row k at [k * COUNTER_STRIDE, (k + 1) * COUNTER_STRIDE). */
  values: number[];
}

/** Numbers per row in CounterColumns.values: one per TRAFFIC_FIELDS entry. */
export const COUNTER_STRIDE = TRAFFIC_FIELDS.length;

/** An unknown traffic value in CounterColumns.values (a Connection's null). */
export const UNKNOWN_VALUE = -1;

/** limitedBy codes in CounterColumns.values (and the engine's rate columns): 0 = unknown. */
export const LIMITED_BY_CODES: readonly (LimitedBy | null)[] = [null, 'receiver', 'network', 'sender'];

/** What the engine sends after every poll: one message per poll, never one per row. */
export interface EventBatch {
  /** Increments by one per poll (including failed polls) and per pause / interval change (a batch with no events). */
  seq: number;
  /** Epoch ms of the poll. */
  time: number;
  /** True for the first successful poll (and after a reset): `connections` holds the whole table. */
  full: boolean;
  /** The whole table when `full`. */
  connections?: Connection[];
  /** opened / closed / changed since the previous successful poll (empty when `full`). */
  events: ConnectionEvent[];
  /**
   * Live traffic of rows whose counters or rates moved since the last poll and that have no event
   * in this batch (an event's connection carries its own). Counter movement is not a `changed`
   * event: it happens every poll. Absent when nothing moved or the source has no counters.
   */
  counters?: CounterColumns;
  /** This poll's timeline sample (engine side); a viewer appends it to what getTimeline served. */
  timeline?: TimelineSample;
  /**
   * This poll's ephemeral port usage per local address (engine side, shared/port-usage.ts); a viewer
   * judges it against its own threshold and continues what getPortUsage served. Absent for a failed poll.
   */
  ports?: PortUsageSample;
  status: EngineStatus;
}

/**
 * The whole table. Every connection carries the engine's `firstSeenAt` / `lastChangeAt` /
 * `preexisting`, the same for every viewer however late it connects.
 */
export interface Snapshot {
  time: number;
  connections: Connection[];
  status: EngineStatus;
}

/**
 * The engine's ring of recent events (getHistory), oldest first. Each event's connection carries
 * the row's `firstSeenAt` / `lastChangeAt` / `preexisting` as they were when the event happened.
 */
export interface History {
  /** Epoch ms of the engine's first successful poll (the start of the run); null before it. */
  since: number | null;
  /** Size of the engine's ring, events. */
  capacity: number;
  /** Events that fell off the ring's old end since the run started (or left out by `limit`). */
  dropped: number;
  events: ConnectionEvent[];
}

/** Largest `limit` a getHistory call may ask for (the ring may hold more; a viewer never needs it all). */
/**
 * Most events one getHistory reply carries (and what a call without a limit gets): ~11 MB of JSON.
 * The ring may hold more; one reply of all of it (180k events, ~100 MB, ~11 s to encode) let a
 * single viewer stall the engine and the server.
 */
export const MAX_HISTORY_LIMIT = 20_000;

/** Validates getHistory's optional limit (newest N events); throws IpcArgumentError with the reason. */
export function validateHistoryLimit(value: unknown): number {
  if (value === undefined) return MAX_HISTORY_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_HISTORY_LIMIT) {
    throw new IpcArgumentError(`history limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}, got ${describe(value)}`);
  }
  return value;
}

export function encodeBatch(batch: EventBatch): string {
  return JSON.stringify(batch);
}

export function decodeBatch(text: string): EventBatch {
  const b = JSON.parse(text) as EventBatch;
  if (typeof b !== 'object' || b === null || typeof b.seq !== 'number' || !Array.isArray(b.events)) {
    throw new Error('malformed event batch');
  }
  return b;
}

/** Everything netmon knows of an owning process; fields the OS would not tell are null. */
export interface ProcessDetails {
  pid: number;
  name: string | null;
  path: string | null;
  commandLine: string | null;
  user: string | null;
  /** Epoch ms. */
  startTime: number | null;
  /** Windows services hosted by the process (e.g. inside svchost.exe); empty elsewhere. */
  services: string[];
}

/** Outcome of close-connection / end-process / restart: failures carry the OS's reason. */
export type ActionResult = { ok: true } | { ok: false; reason: string; needsAdmin?: boolean };

/**
 * The process to end, as the row showed it (issue 7 §5): PIDs are reused, so the action carries
 * the owner's start time too and is refused when the PID now names a process started at another time.
 */
export interface EndProcessTarget {
  pid: number;
  /** The row's Connection.processStartTime (epoch ms); null when the source did not know it (refused). */
  startTime: number | null;
}

/** The connection to close, named by its endpoints (main re-validates every field). */
export interface CloseTarget {
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

/**
 * The recording the engine side writes: one for the whole run, whoever started it, shown alike in
 * every window (issue 9: one truth). Pushed to every viewer on each change (onRecording).
 */
export interface RecordingStatus {
  active: boolean;
  /** File being written (the newest of the rotation), null when not recording. */
  path: string | null;
  format: 'ndjson' | 'csv';
  /**
   * Why the engine side ended the last recording on its own (disk full, folder gone), naming the
   * file; null or absent when it was stopped by a viewer or is running.
   */
  error?: string | null;
}

/** True when `v` has RecordingStatus's shape (a pushed status is checked before a viewer shows it). */
export function isRecordingStatus(v: unknown): v is RecordingStatus {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.active === 'boolean' &&
    (r.path === null || typeof r.path === 'string') &&
    (r.format === 'ndjson' || r.format === 'csv') &&
    (r.error === undefined || r.error === null || typeof r.error === 'string')
  );
}

/** Why setRecording(true) is refused while a recording runs (started by any window, in either format). */
export function alreadyRecording(path: string | null): string {
  return `already recording to ${path ?? 'a file'} (stop it first to start a new file)`;
}

/** The API the preload script exposes on `window.netmon` (and that the WebSocket client mirrors). */
export interface NetmonBridge {
  /** Subscribe to batches (JSON strings, see decodeBatch); returns an unsubscribe function. */
  onBatch(listener: (batchJson: string) => void): () => void;
  getSnapshot(): Promise<Snapshot>;
  setPaused(paused: boolean): Promise<EngineStatus>;
  setInterval(ms: number): Promise<EngineStatus>;
  getStatus(): Promise<EngineStatus>;
  getProcessDetails(pid: number): Promise<ProcessDetails | null>;
  closeConnection(target: CloseTarget): Promise<ActionResult>;
  endProcess(target: EndProcessTarget): Promise<ActionResult>;
  /** At most MAX_RESOLVE_BATCH addresses a call; unknown / failed lookups map to null. */
  resolveAddresses(addresses: string[]): Promise<Record<string, string | null>>;
  /**
   * Starts or stops the engine side's recording. Starting while one runs (either format) is refused
   * (alreadyRecording); stopping when none runs is a no-op. Every viewer is told the new state (onRecording).
   */
  setRecording(active: boolean, format?: 'ndjson' | 'csv'): Promise<RecordingStatus>;
  /** The recording the engine side writes now, whichever window started it. */
  getRecording(): Promise<RecordingStatus>;
  /** Subscribe to recording changes (started / stopped by any window, ended by the engine); returns an unsubscribe function. */
  onRecording(listener: (status: RecordingStatus) => void): () => void;
  restartAsAdmin(): Promise<ActionResult>;
  /** The engine's recent events, the newest `limit` of them (all the ring holds when omitted). */
  getHistory(limit?: number): Promise<History>;
  /** The engine's timeline: per-poll samples for the last hour, coarser before (shared/timeline.ts). */
  getTimeline(): Promise<TimelineData>;
  /** The engine's port usage: the newest sample, the trend of the last minutes and the notice marks. */
  getPortUsage(): Promise<PortUsageHistory>;
}

export const MAX_RESOLVE_BATCH = 256;

/** The app's theme setting: follow the OS, or force one. */
export type ThemeSource = 'system' | 'light' | 'dark';

export function isThemeSource(value: unknown): value is ThemeSource {
  return value === 'system' || value === 'light' || value === 'dark';
}

/**
 * What only the desktop app offers, exposed by its preload as `window.netmonDesktop` (absent in a
 * browser: callers check). Kept apart from NetmonBridge so the browser transport need not fake it.
 */
export interface DesktopBridge {
  /** Makes the title bar and window background follow the app's theme (nativeTheme.themeSource). */
  setTheme(theme: ThemeSource): Promise<void>;
  /** Opens the folder holding netmon.log; resolves with the OS's error text, '' on success. */
  openLogFolder(): Promise<string>;
}

/** Why setPaused(true) is refused while the engine side records: a viewer never pauses a recording. */
export const PAUSE_REFUSED_WHILE_RECORDING =
  'a recording is in progress: pausing the poll would leave a gap in it (freeze the view instead, or stop the recording first)';

export class IpcArgumentError extends Error {
  override name = 'IpcArgumentError';
}

/** Validates a renderer-supplied interval; throws IpcArgumentError with the reason. */
export function validateInterval(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new IpcArgumentError(`interval must be an integer number of milliseconds, got ${describe(value)}`);
  }
  if (value < MIN_INTERVAL_MS || value > MAX_INTERVAL_MS) {
    throw new IpcArgumentError(`interval must be between ${MIN_INTERVAL_MS} and ${MAX_INTERVAL_MS} ms, got ${value}`);
  }
  return value;
}

export function validateBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new IpcArgumentError(`${what} must be true or false, got ${describe(value)}`);
  return value;
}

export function validateThemeSource(value: unknown): ThemeSource {
  if (!isThemeSource(value)) throw new IpcArgumentError(`theme must be "system", "light" or "dark", got ${describe(value)}`);
  return value;
}

export function validateNoArgs(args: unknown[]): void {
  if (args.length !== 0) throw new IpcArgumentError(`expected no arguments, got ${args.length}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.slice(0, 40))}`;
  return typeof v === 'number' ? String(v) : `a ${typeof v}`;
}

declare global {
  interface Window {
    netmon?: NetmonBridge;
    netmonDesktop?: DesktopBridge;
  }
}
