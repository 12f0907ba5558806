// Serves the built renderer (dist/renderer) under app://netmon/ with the strict CSP on every
// response. Only files below the root are reachable: traversal, encoded separators, drive
// letters, NUL bytes and symlinks pointing outside are refused.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SECURITY_HEADERS } from '../../shared/csp';
import { APP_HOST, APP_SCHEME } from './app-url';
import { mimeType } from '../mime';

export { mimeType };

export type ResolvedPath = { ok: true; relative: string } | { ok: false; status: 400 | 403 | 404; reason: string };


/**
 * Maps an app:// URL to a path relative to the renderer root (POSIX separators), or says why not.
 * Pure: no filesystem access, so every refusal rule is unit-testable.
 */
export function resolveAppPath(url: string): ResolvedPath {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'unparseable URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) {
    return { ok: false, status: 403, reason: `not an ${APP_SCHEME}://${APP_HOST} URL` };
  }
  // Look at the raw path too: an encoded slash or dot-dot must not sneak past URL normalization.
  const raw = u.pathname;
  if (/%2f|%5c|%00/i.test(raw)) return { ok: false, status: 403, reason: 'encoded separator in path' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.includes(':')) {
    return { ok: false, status: 403, reason: 'forbidden character in path' };
  }
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 403, reason: 'path traversal' };
  if (segments.length === 0) return { ok: true, relative: 'index.html' };
  return { ok: true, relative: segments.join('/') };
}

/** True when `candidate` is `root` itself or lies below it (both absolute, already resolved). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface ProtocolFs {
  realpath(p: string): Promise<string>;
  readFile(p: string): Promise<Uint8Array<ArrayBuffer>>;
}

const realFs: ProtocolFs = { realpath: (p) => fs.realpath(p), readFile: (p) => fs.readFile(p) };

function respond(status: number, body: Uint8Array<ArrayBuffer> | string | null, contentType: string): Response {
  const headers = new Headers({ ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  return new Response(body, { status, headers });
}

/** The handler for `protocol.handle(APP_SCHEME, …)`: GET/HEAD of files under `root`, nothing else. */
export function createAppProtocolHandler(root: string, io: ProtocolFs = realFs): (request: Request) => Promise<Response> {
  const rootReal = io.realpath(path.resolve(root));
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return respond(405, 'method not allowed', 'text/plain; charset=utf-8');
    }
    const resolved = resolveAppPath(request.url);
    if (!resolved.ok) return respond(resolved.status, resolved.reason, 'text/plain; charset=utf-8');
    let base: string;
    try {
      base = await rootReal;
    } catch {
      return respond(500, 'renderer is not built', 'text/plain; charset=utf-8');
    }
    const target = path.resolve(base, ...resolved.relative.split('/'));
    if (!isInside(base, target)) return respond(403, 'outside the app', 'text/plain; charset=utf-8');
    try {
      // A symlink inside the root could still lead out of it: check where it really points.
      const real = await io.realpath(target);
      if (!isInside(base, real)) return respond(403, 'outside the app', 'text/plain; charset=utf-8');
      const body = await io.readFile(real);
      return respond(200, request.method === 'HEAD' ? null : body, mimeType(real));
    } catch {
      return respond(404, 'not found', 'text/plain; charset=utf-8');
    }
  };
}
