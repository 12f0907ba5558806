// `netmon serve`: the renderer and the engine over a loopback HTTP + WebSocket server guarded by
// a per-run token. Browser mode exists for machines without an Electron binary (and SSH tunnels).
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions as WsServerOptions, type WebSocket } from 'ws';
import { SECURITY_HEADERS } from '../../shared/csp';
import { addressKind } from '../../shared/ip';
import { batchFrame, WS_PATH, WS_SUBPROTOCOL, WS_TOO_MANY_CLIENTS, WS_TRY_AGAIN_LATER } from '../../shared/ws-protocol';
import { resolveBindAddress, UnresolvedHostError } from './bind-address';
import { authorize, hostAllowed, newToken, offersNetmonProtocol, originAllowed, tokenFromProtocols, tokenProblem, type HostPolicy } from './auth';
import { BULK_METHODS, createHandlers, handleClientMessage, HEAVY_METHODS, methodOf, refusal, type ServerMessage } from './rpc';
import { CallGate } from './call-gate';
import { createHttpServer } from './http-server';
import { createStaticFiles, mimeType, resolveStaticPath } from './static';
import type { RunningServer, ServerOptions } from './types';

const DEFAULT_MAX_PAYLOAD = 256 * 1024;
/** Pongs that may wait unsent to a client that pings without reading; past this it is terminated. */
const MAX_PENDING_PONGS = 60;
/** Calls one client may have in progress; more get an immediate error reply (issue 7 §3). */
const DEFAULT_MAX_IN_FLIGHT = 16;
/**
 * Bytes queued to one client that is not reading. Past this it is closed with a reason (it
 * reconnects and resyncs) rather than buffered without bound; every frame, batch or reply, counts.
 */
const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/**
 * Calls whose reply grows with the table or the run (rpc.ts BULK_METHODS) running at once across
 * every client; later ones wait their turn, and those of clients gone by then never run.
 */
const MAX_BULK_CALLS = 2;
/**
 * A socket answered outside Node's HTTP handling (a refused upgrade, CONNECT) is destroyed this
 * long after the answer: its client may keep its end open, and Node's timeouts no longer apply.
 */
const REFUSED_SOCKET_GRACE_MS = 1000;
/** A client closed by the server (too slow, too many) that does not finish the closing handshake is cut off after this. */
const CLOSE_GRACE_MS = 2000;
/**
 * WebSocket clients served at once. Each is bounded (calls in flight, bytes unread), their number
 * must be too: every one costs a send of each batch. A few windows and tabs per admin is the use.
 */
export const DEFAULT_MAX_CLIENTS = 32;
/** How often serve may tell its log that clients are turned away for the cap. */
const TURN_AWAY_LOG_INTERVAL_MS = 60_000;

export class ServerConfigError extends Error {
  override name = 'ServerConfigError';
}

function baseHeaders(): Record<string, string> {
  return { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' };
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

/**
 * The request target as a URL, or null when it is not one (`//[`, `//x:99999/`, `/\\[`, …).
 * `new URL` throws on those; every request path goes through here so none can throw.
 */
export function parseTarget(target: string | undefined): URL | null {
  if (target === undefined) return null;
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return null;
  }
}

function notLoopback(host: string, address: string): ServerConfigError {
  const what = host === address ? host : `${host} (${address})`;
  return new ServerConfigError(
    `refusing to listen on ${what}: not a loopback address. Anyone who can reach it could watch this ` +
      `machine's connections; pass --allow-remote to do it anyway (the token is still required).`,
  );
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const allowRemote = opts.allowRemote ?? false;
  // Resolved first: a name that does not resolve says so, rather than "not a loopback address".
  let address: string;
  try {
    address = await resolveBindAddress(host, opts.lookup);
  } catch (e) {
    if (!(e instanceof UnresolvedHostError)) throw e;
    const message = `cannot listen on ${host}: the name could not be resolved (${e.reason})`;
    // A resolver that cannot answer for now is not a setting refused (exit 1, not 2).
    throw e.transient ? new Error(message) : new ServerConfigError(message);
  }
  if (!allowRemote && addressKind(address) !== 'loopback') throw notLoopback(host, address);
  const token = opts.token ?? newToken();
  const problem = tokenProblem(token);
  if (problem) throw new ServerConfigError(problem);
  const policy: HostPolicy = { boundHost: host, port: 0, allowRemote };
  const handlers = createHandlers(opts);

  const files = createStaticFiles();
  // Bounded in time (a client slow to send its request is cut with 408) and in pipelined requests.
  const server = createHttpServer((req, res) => {
    serveHttp(req, res).catch((e: unknown) => failed(res, e));
  }, opts.httpTimeouts);

  /** Last resort for a request handler that failed: 500 if nothing was sent yet, log, never rethrow. */
  function failed(res: http.ServerResponse, e: unknown): void {
    opts.log?.(`netmon serve: request failed: ${e instanceof Error ? e.message : String(e)}`);
    if (!res.headersSent) plain(res, 500, 'internal error');
    else res.destroy();
  }

  async function serveHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, policy)) return plain(res, 403, 'forbidden: unexpected Host header');
    if (!originAllowed(req.headers.origin, policy)) return plain(res, 403, 'forbidden: cross-origin request');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, 'method not allowed');
    }
    const url = parseTarget(req.url);
    if (!url) return plain(res, 400, 'bad request target');
    // No token here: static files are the renderer bundle and hold no data (see auth.ts authorize).
    const resolved = resolveStaticPath(opts.staticDir, url.pathname);
    if (!resolved.ok) return plain(res, resolved.status, resolved.status === 400 ? 'bad path' : 'forbidden path');
    const body = await files.read(resolved.file);
    if (!body) return plain(res, 404, 'not found');
    const headers: Record<string, string | number> = {
      ...baseHeaders(),
      'Content-Type': mimeType(resolved.file),
      'Content-Length': body.length,
    };
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  // Every client gets the same frame for a poll: encode it once, not once per client.
  let lastBatch: string | null = null;
  let lastFrame = '';
  const frameOf = (data: string): string => {
    if (data !== lastBatch) {
      lastBatch = data;
      lastFrame = batchFrame(data);
    }
    return lastFrame;
  };

  // ws takes maxPendingAutoPongs; its type definitions do not list it yet.
  const wssOptions: WsServerOptions & { maxPendingAutoPongs: number } = {
    noServer: true,
    maxPayload: opts.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    // A client that pings without reading is terminated once this many pongs wait unsent (ws's
    // default, set here so the bound is netmon's, not a library default that could change).
    maxPendingAutoPongs: MAX_PENDING_PONGS,
    // Echo netmon's subprotocol, never the entry that carries the token.
    handleProtocols: (offered) => (offered.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  };
  const wss = new WebSocketServer(wssOptions);

  /** Raw sockets answered and ended, until they are gone (close() does not wait for them). */
  const refused = new Set<Duplex>();
  /** Writes `answer` (a whole HTTP response) to a raw socket, ends it, and lets go of it soon after. */
  const refuseSocket = (socket: Duplex, answer: string): void => {
    refused.add(socket);
    socket.once('close', () => refused.delete(socket));
    socket.end(answer);
    setTimeout(() => socket.destroy(), REFUSED_SOCKET_GRACE_MS).unref();
  };

  // A socket whose request Node cannot parse gets Node's own 400 / 431 (its default clientError).
  // CONNECT has no default: without this listener Node drops the socket without a word.
  server.on('connect', (_req, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    refuseSocket(socket, `HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    // After 'upgrade' the socket is ours: Node no longer handles its errors.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (e) {
      opts.log?.(`netmon serve: upgrade failed: ${e instanceof Error ? e.message : String(e)}`);
      socket.destroy();
    }
  });

  function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string): void => {
      refuseSocket(socket, `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = parseTarget(req.url);
    if (!url) return refuse(400, 'Bad Request');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!hostAllowed(req.headers.host, policy) || !originAllowed(req.headers.origin, policy)) {
      return refuse(403, 'Forbidden');
    }
    const offered = req.headers['sec-websocket-protocol'];
    const auth = authorize(tokenFromProtocols(offered), token);
    if (!auth.ok) return refuse(auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden');
    if (!offersNetmonProtocol(offered)) return refuse(400, 'Bad Request');
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Counted once the handshake is done (ws may refuse a malformed one without calling back).
      if (served >= maxClients) return turnAway(ws);
      wss.emit('connection', ws, req);
    });
  }

  /** Closes `ws` with 1013 and `reason` (≤ 123 bytes), and cuts it off if it does not answer the close. */
  function closeWithReason(ws: WebSocket, reason: string): void {
    ws.close(WS_TRY_AGAIN_LATER, reason);
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  /**
   * A client past the cap: the handshake is completed so that the page can read why (a browser sees
   * no status of a refused upgrade, and netmon's page takes a refusal for a wrong token).
   */
  function turnAway(ws: WebSocket): void {
    turnedAway++;
    // Said to the admin too (the page only shows "reconnecting"), at most once a minute.
    const now = Date.now();
    if (now - turnAwaySaidAt >= TURN_AWAY_LOG_INTERVAL_MS) {
      turnAwaySaidAt = now;
      opts.log?.(`netmon serve: turned away a browser tab: ${maxClients} are served at once (--max-clients); ${turnedAway} turned away in this run`);
    }
    ws.on('error', () => ws.terminate());
    closeWithReason(ws, `${WS_TOO_MANY_CLIENTS}: netmon serves ${maxClients} at once; close another netmon tab or window`);
  }

  const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const bulkGate = new CallGate<WebSocket>(MAX_BULK_CALLS);
  const maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
  /** Clients being served: from their 'connection' to their 'close'. */
  let served = 0;
  let turnedAway = 0;
  let turnAwaySaidAt = -Infinity;

  wss.on('connection', (ws: WebSocket) => {
    served++;
    let inFlight = 0;
    let heavyInFlight = false;
    /**
     * The largest frame sent to this client (UTF-16 units; JSON text is mostly ASCII): one snapshot of
     * a huge table (~19 MB at 50,000 rows) may be larger than the bound, and the batches of the next
     * polls arrive while a client that keeps up is still reading it. The client is behind only when
     * more than the bound is queued beyond such a frame.
     */
    let largestFrame = 0;
    /** True (and the client closed with a reason) when it has too much unread. */
    const tooFarBehind = (): boolean => {
      if (ws.bufferedAmount <= maxBuffered + largestFrame) return false;
      closeWithReason(ws, `client too slow: more than ${maxBuffered} bytes unread`);
      return true;
    };
    /** The one way out to this client: a reader too far behind is dropped, never buffered for. */
    const sendText = (text: string): void => {
      if (ws.readyState !== ws.OPEN) return;
      // What is already queued decides, not the new frame.
      if (tooFarBehind()) return;
      largestFrame = Math.max(largestFrame, text.length);
      ws.send(text);
    };
    const send = (msg: ServerMessage): void => {
      if (ws.readyState !== ws.OPEN) return;
      let text: string;
      try {
        text = JSON.stringify(msg);
      } catch (e) {
        // A result that cannot be serialized (a cycle, a BigInt) still gets a reply.
        const id = msg.kind === 'reply' ? msg.id : null;
        text = JSON.stringify({ kind: 'reply', id, ok: false, error: `reply could not be encoded: ${(e as Error).message}` });
      }
      sendText(text);
    };
    const unsubscribe = opts.engine.onBatch((data) => sendText(frameOf(data)));
    const unsubscribeRecording = opts.recorder?.onChange?.((status) => send({ kind: 'recording', status }));
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return send({ kind: 'reply', id: null, ok: false, error: 'binary messages are not accepted' });
      const text = raw.toString();
      // A client that does not read its replies gets no more work done for it: the cost of a call
      // (encoding a snapshot or the history) comes before the send path could refuse its reply.
      if (tooFarBehind()) return;
      const method = methodOf(text);
      const heavy = method !== null && HEAVY_METHODS.has(method);
      if (heavy && heavyInFlight) {
        return send(refusal(text, 'a snapshot or history call is already in progress on this connection; wait for its reply'));
      }
      if (inFlight >= maxInFlight) {
        return send(refusal(text, `too many calls in progress (at most ${maxInFlight}); wait for their replies`));
      }
      inFlight++;
      if (heavy) heavyInFlight = true;
      const reply = method !== null && BULK_METHODS.has(method)
        ? bulkGate.run(ws, () => ws.readyState === ws.OPEN, () => handleClientMessage(text, handlers))
        : handleClientMessage(text, handlers);
      void reply
        .then((msg) => msg && send(msg), (e: unknown) => opts.log?.(`netmon serve: reply failed: ${String(e)}`))
        .finally(() => {
          inFlight--;
          if (heavy) heavyInFlight = false;
        });
    });
    ws.on('close', () => {
      served--;
      unsubscribe();
      unsubscribeRecording?.();
      bulkGate.forget(ws);
    });
    ws.on('error', () => ws.terminate());
  });

  // A name is only a claim (`x.localhost` may point anywhere in a hosts file): resolve it once,
  // listen on that address, and check the address actually bound.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  if (!allowRemote && addressKind(bound.address) !== 'loopback') {
    await new Promise<void>((r) => server.close(() => r()));
    throw notLoopback(host, bound.address);
  }
  policy.port = bound.port;

  let closed: Promise<void> | null = null;
  return {
    host,
    port: policy.port,
    token,
    url: `http://${urlHost(host)}:${policy.port}/?token=${token}`,
    clients: () => served,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        for (const socket of refused) socket.destroy();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
