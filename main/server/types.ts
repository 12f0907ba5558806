// What the local web server needs from the rest of netmon. Narrow interfaces so the server can be
// tested with fakes and wired to the real services in cli.ts.
import type { ActionResult, CloseTarget, EndProcessTarget, ProcessDetails, RecordingStatus } from '../../shared/ipc';
import type { EngineHost } from '../engine/types';
import type { HttpTimeouts } from './http-server';

export interface ServerActions {
  getProcessDetails(pid: number): Promise<ProcessDetails | null>;
  closeConnection(target: CloseTarget): Promise<ActionResult>;
  endProcess(target: EndProcessTarget): Promise<ActionResult>;
}

export interface ServerResolver {
  resolve(addresses: readonly string[]): Promise<Record<string, string | null>>;
}

export interface ServerRecorder {
  setRecording(active: boolean, format: 'ndjson' | 'csv'): Promise<RecordingStatus>;
  /** True while a recording is being written (the poll may not be paused then). */
  isActive?(): boolean;
  /** The recording now (every client asks on connect). */
  status?(): RecordingStatus;
  /** Told every change of status (started, stopped, ended on a failure); returns an unsubscribe function. */
  onChange?(listener: (status: RecordingStatus) => void): () => void;
}

export interface ServerOptions {
  host?: string;
  port?: number;
  allowRemote?: boolean;
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string;
  engine: EngineHost;
  /** Optional services: a call to a missing one gets an error reply naming it. */
  actions?: ServerActions;
  resolver?: ServerResolver;
  recorder?: ServerRecorder;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Name → address, as the server will bind it (tests); default dns.lookup. */
  lookup?: (host: string) => Promise<string>;
  /** Where handler failures are reported (one line each); default: nowhere. */
  log?: (line: string) => void;
  /** Largest WebSocket message accepted from a client, bytes. */
  maxPayload?: number;
  /** Calls one client may have in progress; more get an immediate error reply. Default 16. */
  maxInFlight?: number;
  /** Bytes queued unread to a client before it is closed as too slow (1013). Default 16 MiB. */
  maxBufferedBytes?: number;
  /**
   * WebSocket clients (tabs holding the token) served at once; the next is closed at once with 1013
   * and a reason saying so, until one leaves. Default DEFAULT_MAX_CLIENTS (32).
   */
  maxClients?: number;
  /** Bounds on a client slow to send its HTTP request (ms); default DEFAULT_HTTP_TIMEOUTS. */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export interface RunningServer {
  host: string;
  port: number;
  token: string;
  /** `http://host:port/?token=…` — what the user opens. */
  url: string;
  /** Number of WebSocket clients being served (those turned away for the cap not counted). */
  clients(): number;
  close(): Promise<void>;
}
