// The HTTP endpoint Prometheus scrapes: GET /metrics with `Authorization: Bearer TOKEN`, loopback
// only unless allowed otherwise (the bound address is checked, as `netmon serve` does).
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { addressKind } from '../../shared/ip';
import { tokensEqual } from '../server/auth';
import { resolveBindAddress, UnresolvedHostError } from '../server/bind-address';
import { createHttpServer } from '../server/http-server';

export class MetricsConfigError extends Error {
  override name = 'MetricsConfigError';
}

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The bearer token every scrape must send (Prometheus: `authorization.credentials_file`). */
  token: string;
  registry: Registry;
  /** Listen on a non-loopback address (default false: refused). */
  allowRemote?: boolean;
  lookup?: (host: string) => Promise<string>;
}

export interface RunningMetricsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Whether `header` is `Bearer <token>`; constant time (tokensEqual: SHA-256 digests compared), so neither length nor content leaks. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return tokensEqual(m ? m[1] : '', token) && m !== null;
}

/** Starts the metrics endpoint. Throws MetricsConfigError for a non-loopback address without allowRemote. */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<RunningMetricsServer> {
  const notLoopback = (what: string) =>
    new MetricsConfigError(
      `refusing to serve metrics on ${what}: not a loopback address; set metrics.allowRemote (or --metrics-allow-remote) to do it anyway (the token is still required)`,
    );
  let address: string;
  try {
    address = await resolveBindAddress(opts.host, opts.lookup);
  } catch (e) {
    if (!(e instanceof UnresolvedHostError)) throw e;
    const message = `cannot serve metrics on ${opts.host}: the name could not be resolved (${e.reason})`;
    // A resolver that cannot answer for now is not a setting refused (exit 1, not 2).
    throw e.transient ? new Error(message) : new MetricsConfigError(message);
  }
  if (!opts.allowRemote && addressKind(address) !== 'loopback') throw notLoopback(opts.host === address ? address : `${opts.host} (${address})`);

  const server = createHttpServer((req, res) => {
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return reply(404, 'not found: metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'only GET\n', { allow: 'GET, HEAD' });
    if (!bearerMatches(req.headers.authorization, opts.token)) {
      return reply(401, 'a bearer token is required (Authorization: Bearer TOKEN)\n', { 'www-authenticate': 'Bearer realm="netmon"' });
    }
    opts.registry.metrics().then(
      (text) => reply(200, req.method === 'HEAD' ? '' : text, { 'content-type': opts.registry.contentType }),
      (e: unknown) => reply(500, `cannot collect metrics: ${e instanceof Error ? e.message : String(e)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  if (!opts.allowRemote && addressKind(bound.address) !== 'loopback') {
    await new Promise<void>((r) => server.close(() => r()));
    throw notLoopback(bound.address);
  }
  return {
    host: bound.address,
    port: bound.port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
