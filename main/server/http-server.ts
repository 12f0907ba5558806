// One way to make every HTTP listener netmon opens (`netmon serve`, the agent's metrics endpoint):
// time bounds on a client that is slow to send its request, and boundPipelining on one that sends
// too many. Node's own defaults let a silent or trickling client hold a socket for up to 90 s
// (headersTimeout 60 s, checked only every 30 s).
import http from 'node:http';
import { boundPipelining } from './pipelining';

/** How long a client may take, ms (Node's http.Server settings of the same names). */
export interface HttpTimeouts {
  /** From the connection (or the end of the last response) to the end of the request's headers: `headersTimeout`. */
  headersMs: number;
  /** To the end of the whole request, body included: `requestTimeout`. */
  requestMs: number;
  /** An idle keep-alive connection waiting for its next request: `keepAliveTimeout` (Node adds up to 1 s). */
  keepAliveMs: number;
}

/** Browsers and Prometheus send a request in one piece; seconds are generous for loopback. */
export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = { headersMs: 5_000, requestMs: 10_000, keepAliveMs: 5_000 };

/**
 * An http.Server whose listener runs under boundPipelining, with `timeouts` (partial: the rest from
 * DEFAULT_HTTP_TIMEOUTS). A client past headersMs / requestMs gets Node's 408 and is closed. Node
 * checks those two bounds on a timer (`connectionsCheckingInterval`): it is set to a quarter of
 * the smaller bound (at most 1 s) so that a client is cut within ~1.25× its bound, not 30 s later.
 * A socket handed to an 'upgrade' listener (a WebSocket) leaves Node's HTTP handling, and with it
 * these bounds: it lives as long as its upgrade handler lets it.
 * @throws RangeError when a bound is not a positive whole number of ms.
 */
export function createHttpServer(listener: http.RequestListener, timeouts: Partial<HttpTimeouts> = {}): http.Server {
  const t = { ...DEFAULT_HTTP_TIMEOUTS, ...timeouts };
  for (const [name, v] of Object.entries(t)) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`HTTP timeout ${name} must be a positive whole number of ms, got ${String(v)}`);
  }
  // requestTimeout must not be below headersTimeout (Node refuses the pair).
  const requestMs = Math.max(t.requestMs, t.headersMs);
  const server = http.createServer(
    { connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(Math.min(t.headersMs, requestMs) / 4))) },
    boundPipelining(listener),
  );
  server.headersTimeout = t.headersMs;
  server.requestTimeout = requestMs;
  server.keepAliveTimeout = t.keepAliveMs;
  return server;
}
