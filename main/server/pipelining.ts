// One rule for every HTTP listener netmon opens (`netmon serve`, the agent's metrics endpoint):
// a connection may have a few responses in progress, never one per request it queued.
import type http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Responses one connection may have in progress. Browsers and Prometheus do not pipeline; a client
 * that queues requests without reading the answers is cut off (it reads nothing, so no reply could
 * tell it why) instead of having a response built and kept for each.
 */
export const MAX_UNFINISHED_RESPONSES = 8;

/**
 * `listener`, run only while the request's connection has at most `max` responses unfinished
 * (counted from the request to the response's `close`); the request past that destroys the
 * connection. Node parses every request already received before any asynchronous answer starts,
 * so without this a 64 KB burst of pipelined requests runs the handler a thousand times.
 */
export function boundPipelining(listener: http.RequestListener, max = MAX_UNFINISHED_RESPONSES): http.RequestListener {
  const unfinished = new WeakMap<Duplex, number>();
  return (req, res) => {
    const socket = req.socket;
    const n = (unfinished.get(socket) ?? 0) + 1;
    if (n > max) return void socket.destroy();
    unfinished.set(socket, n);
    res.once('close', () => unfinished.set(socket, (unfinished.get(socket) ?? 1) - 1));
    listener(req, res);
  };
}
