// NetmonBridge over the local web server's WebSocket (browser mode). Same contract as the Electron
// preload: batches arrive as JSON strings; calls are request/reply matched by id.
import type {
  ActionResult,
  CloseTarget,
  EndProcessTarget,
  EngineStatus,
  History,
  NetmonBridge,
  ProcessDetails,
  RecordingStatus,
  Snapshot,
} from '../../shared/ipc';
import { encodeBatch, isRecordingStatus, type EventBatch } from '../../shared/ipc';
import { batchJsonOf, WS_TOO_MANY_CLIENTS, WS_TRY_AGAIN_LATER } from '../../shared/ws-protocol';
import type { TimelineData } from '../../shared/timeline';
import type { PortUsageHistory } from '../../shared/port-usage';

/** The part of the WebSocket API used here: the browser's and the `ws` package's both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/**
 * The link to the server. `closed`: lost or not reachable, reconnecting with backoff. `busy`: the
 * server serves as many tabs as it will (`netmon serve --max-clients`); retrying at the longest
 * backoff until one leaves. `refused`: the
 * server answers but will not take this tab's token (a restart gave the run a new one), and
 * `no-token`: the page was opened without one (a bookmark); in both no retry can help, so none is
 * made until `retry()`.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'busy' | 'refused' | 'no-token';

export interface WsBridgeOptions {
  /** ws://host:port/ws */
  url: string;
  /**
   * Subprotocols offered on the handshake; the token travels here (shared/ws-protocol.ts
   * wsProtocols). Null: the page has no token, so no handshake is tried (state `no-token`).
   */
  protocols?: string[] | null;
  /**
   * Whether the server answers plain HTTP (e.g. a HEAD of the page). Asked when a handshake fails
   * before the socket opened: a browser cannot read the status of a refused upgrade, but a server
   * that serves its page and refuses the socket has refused the token (every other refusal is of
   * something the page always sends right). Without it every failure counts as `closed`.
   */
  serverAnswers?: () => Promise<boolean>;
  /** Opens a socket; defaults to the global WebSocket. */
  connect?: (url: string, protocols: string[]) => SocketLike;
  /** Reconnect delay: starts here, doubles per failure up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A call without a reply after this long is rejected. */
  callTimeoutMs?: number;
}

export interface WsBridge extends NetmonBridge {
  /**
   * Connection state changes (for a "reconnecting…" indicator); the listener is told the current
   * state at once. Returns an unsubscribe function.
   */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /** After `refused`: tries the handshake again (the user may have restarted netmon with the token). */
  retry(): void;
  /** Closes the socket for good: no more reconnects, pending calls rejected. */
  dispose(): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  /** The serialized request, kept until it has been sent. */
  frame: string | null;
}

const OPEN = 1;

export class TransportError extends Error {
  override name = 'TransportError';
}

export function createWsBridge(opts: WsBridgeOptions): WsBridge {
  const connect = opts.connect ?? ((url: string, protocols: string[]) => new WebSocket(url, protocols) as unknown as SocketLike);
  const protocols = opts.protocols === undefined ? [] : opts.protocols;
  const initialBackoff = opts.initialBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5000;
  const callTimeout = opts.callTimeoutMs ?? 30_000;

  const batchListeners = new Set<(json: string) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const recordingListeners = new Set<(s: RecordingStatus) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let backoff = initialBackoff;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  let everOpened = false;
  let lastSeq = 0;
  let state: ConnectionState = 'connecting';
  /** True while the link is refused: no reconnect is scheduled. */
  let refused = false;

  const setState = (s: ConnectionState): void => {
    state = s;
    for (const l of stateListeners) l(s);
  };

  /** Rejects every call waiting, sent or not: none can be answered while the server refuses us. */
  const rejectAll = (why: string): void => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new TransportError(why));
    }
    pending.clear();
  };

  /** Why calls fail while refused (never the token itself). */
  const refusal = (): string => (state === 'no-token' ? 'this page was opened without its token' : "netmon refused this page's token");

  /** The link cannot work as it stands (no token, or the server refuses it): say so, stop retrying. */
  const refuse = (s: 'refused' | 'no-token'): void => {
    refused = true;
    setState(s);
    rejectAll(refusal());
  };

  /** Hands `value` to each listener; one faulty listener must not starve the others. */
  const deliverTo = <T>(listeners: ReadonlySet<(v: T) => void>, value: T, what: string): void => {
    for (const l of listeners) {
      try {
        l(value);
      } catch (e) {
        console.error(`netmon: ${what} listener failed`, e);
      }
    }
  };
  const deliver = (json: string): void => deliverTo(batchListeners, json, 'batch');
  const deliverRecording = (status: RecordingStatus): void => deliverTo(recordingListeners, status, 'recording');

  function open(): void {
    if (disposed) return;
    if (protocols === null) return refuse('no-token');
    refused = false;
    setState('connecting');
    const s = connect(opts.url, protocols);
    socket = s;
    let opened = false;
    s.onopen = () => {
      opened = true;
      backoff = initialBackoff;
      const reconnected = everOpened;
      everOpened = true;
      setState('open');
      for (const p of pending.values()) {
        if (p.frame !== null) {
          s.send(p.frame);
          p.frame = null;
        }
      }
      if (reconnected) void resync();
    };
    s.onmessage = (ev) => {
      if (typeof ev.data === 'string') onMessage(ev.data);
    };
    s.onerror = () => {
      // The close event follows and does the work.
    };
    s.onclose = (ev) => {
      if (socket !== s) return;
      socket = null;
      // 1013 "Try Again Later": the server is full (too many clients) or found this tab too slow; a
      // quick retry would only be turned away again, so the next waits the longest backoff.
      const close = ev as { code?: unknown; reason?: unknown } | null;
      const busy = close?.code === WS_TRY_AGAIN_LATER;
      if (busy) backoff = maxBackoff;
      // Replies to requests already sent can no longer arrive: reject them. Unsent ones wait.
      for (const [id, p] of pending) {
        if (p.frame === null) {
          pending.delete(id);
          clearTimeout(p.timer);
          p.reject(new TransportError('connection to netmon lost'));
        }
      }
      if (opened || !opts.serverAnswers) {
        setState(busy && typeof close?.reason === 'string' && close.reason.startsWith(WS_TOO_MANY_CLIENTS) ? 'busy' : 'closed');
        scheduleReconnect();
        return;
      }
      // Never opened: refused, or nobody there? Ask the server something it answers without a token.
      const ask = opts.serverAnswers;
      void ask()
        .catch(() => false)
        .then((answers) => {
          if (disposed || socket !== null) return;
          if (answers) return refuse('refused');
          setState('closed');
          scheduleReconnect();
        });
    };
  }

  function scheduleReconnect(): void {
    if (disposed || refused || reconnectTimer) return;
    const delay = backoff;
    backoff = Math.min(backoff * 2, maxBackoff);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      open();
    }, delay);
  }

  /** Batches and recording changes sent while disconnected are lost: hand the listeners the state now instead. */
  async function resync(): Promise<void> {
    void call('getRecording', []).then(
      (s) => isRecordingStatus(s) && deliverRecording(s),
      () => undefined, // The next reconnect tries again.
    );
    try {
      const snap = (await call('getSnapshot', [])) as Snapshot;
      const batch: EventBatch = {
        seq: lastSeq,
        time: snap.time,
        full: true,
        connections: snap.connections,
        events: [],
        status: snap.status,
      };
      deliver(encodeBatch(batch));
    } catch {
      // The next reconnect tries again.
    }
  }

  function onMessage(text: string): void {
    // A batch is taken out by its fixed prefix, not parsed here: its listeners parse it once.
    const batch = batchJsonOf(text);
    if (batch !== null) {
      const seq = /"seq":(\d+)/.exec(batch.slice(0, 40));
      if (seq) lastSeq = Number(seq[1]);
      deliver(batch);
      return;
    }
    let msg: { kind?: unknown; id?: unknown; ok?: unknown; result?: unknown; error?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.kind === 'recording') {
      if (isRecordingStatus((msg as { status?: unknown }).status)) deliverRecording((msg as { status: RecordingStatus }).status);
      return;
    }
    if (msg.kind === 'reply' && typeof msg.id === 'number') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok === true) p.resolve(msg.result);
      else p.reject(new Error(typeof msg.error === 'string' ? msg.error : 'netmon: call failed'));
    }
  }

  function call(method: string, args: unknown[]): Promise<unknown> {
    if (disposed) return Promise.reject(new TransportError('transport closed'));
    if (refused) return Promise.reject(new TransportError(refusal()));
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const frame = JSON.stringify({ kind: 'call', id, method, args });
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new TransportError(`${method}: no reply from netmon within ${callTimeout} ms`));
      }, callTimeout);
      const p: Pending = { resolve, reject, timer, frame };
      pending.set(id, p);
      if (socket && socket.readyState === OPEN) {
        socket.send(frame);
        p.frame = null;
      }
    });
  }

  open();

  return {
    onBatch(listener) {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    },
    onConnectionState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
    retry() {
      if (disposed || !refused || protocols === null) return;
      backoff = initialBackoff;
      open();
    },
    getSnapshot: () => call('getSnapshot', []) as Promise<Snapshot>,
    getHistory: (limit?: number) => call('getHistory', limit === undefined ? [] : [limit]) as Promise<History>,
    getTimeline: () => call('getTimeline', []) as Promise<TimelineData>,
    getPortUsage: () => call('getPortUsage', []) as Promise<PortUsageHistory>,
    setPaused: (paused: boolean) => call('setPaused', [paused]) as Promise<EngineStatus>,
    setInterval: (ms: number) => call('setInterval', [ms]) as Promise<EngineStatus>,
    getStatus: () => call('getStatus', []) as Promise<EngineStatus>,
    getProcessDetails: (pid: number) => call('getProcessDetails', [pid]) as Promise<ProcessDetails | null>,
    closeConnection: (target: CloseTarget) => call('closeConnection', [target]) as Promise<ActionResult>,
    endProcess: (target: EndProcessTarget) => call('endProcess', [target]) as Promise<ActionResult>,
    resolveAddresses: (addresses: string[]) =>
      call('resolveAddresses', [addresses]) as Promise<Record<string, string | null>>,
    setRecording: (active: boolean, format?: 'ndjson' | 'csv') =>
      call('setRecording', format === undefined ? [active] : [active, format]) as Promise<RecordingStatus>,
    getRecording: () => call('getRecording', []) as Promise<RecordingStatus>,
    onRecording(listener) {
      recordingListeners.add(listener);
      return () => recordingListeners.delete(listener);
    },
    restartAsAdmin: () => call('restartAsAdmin', []) as Promise<ActionResult>,
    dispose() {
      disposed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      rejectAll('transport closed');
      const s = socket;
      socket = null;
      s?.close(1000, 'bye');
      setState('closed');
    },
  };
}
