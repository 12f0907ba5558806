// Who may talk to the local web server: the per-run token offered on the WebSocket handshake, and
// the Host / Origin checks that stop DNS-rebinding pages. Pure functions, no I/O.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from '../../shared/ws-protocol';

/** 24 random bytes, URL-safe: fits a query string and a subprotocol entry without escaping. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Why `token` cannot be used (too short, characters a URL or subprotocol would mangle), or null. */
export function tokenProblem(token: string): string | null {
  return token.length >= 16 && /^[A-Za-z0-9_-]+$/.test(token) ? null : 'token must be at least 16 URL-safe characters (A-Z a-z 0-9 _ -)';
}

/**
 * Constant-time comparison. Both sides are hashed first so that the comparison length never
 * depends on (and so never leaks) the length of the secret.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The token offered on a WebSocket handshake: the `Sec-WebSocket-Protocol` entry that starts with
 * WS_TOKEN_PREFIX (see shared/ws-protocol.ts), or null when there is none.
 */
export function tokenFromProtocols(header: string | undefined): string | null {
  const entry = protocolEntries(header).find((p) => p.startsWith(WS_TOKEN_PREFIX));
  return entry === undefined ? null : entry.slice(WS_TOKEN_PREFIX.length);
}

/** True when the handshake offers netmon's subprotocol (a client that does not speak it gets a 400). */
export function offersNetmonProtocol(header: string | undefined): boolean {
  return protocolEntries(header).includes(WS_SUBPROTOCOL);
}

function protocolEntries(header: string | undefined): string[] {
  return header ? header.split(',').map((p) => p.trim()) : [];
}

export type AuthResult = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/**
 * A WebSocket client is authorized by the token it offers on the handshake. Static files need
 * none: they are the renderer bundle, the same in every install, and carry no data; everything
 * about this machine flows through the WebSocket.
 */
export function authorize(offered: string | null, token: string): AuthResult {
  if (offered === null) return { ok: false, status: 401, reason: 'token required: open the URL netmon printed' };
  return tokensEqual(offered, token) ? { ok: true } : { ok: false, status: 403, reason: 'wrong token' };
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.has(h) || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1' || h.endsWith('.localhost');
}

/** Splits a Host header (`name:port`, `[v6]:port`) into name and port. */
export function splitHostHeader(value: string): { name: string; port: number | null } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return null;
  const name = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  return { name: name.toLowerCase(), port: m[2] === undefined ? null : Number(m[2]) };
}

export interface HostPolicy {
  /** The address the server is bound to. */
  boundHost: string;
  port: number;
  /** Bound to a non-loopback address on purpose: any Host name is accepted, the token still guards. */
  allowRemote: boolean;
}

/**
 * DNS-rebinding guard: a page on evil.example that rebinds its name to 127.0.0.1 still sends
 * `Host: evil.example`, so only loopback names (or the bound address) on our port pass.
 */
export function hostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  if (!hostHeader) return false;
  const h = splitHostHeader(hostHeader);
  if (!h) return false;
  if (h.port !== null && h.port !== policy.port) return false;
  if (policy.allowRemote) return true;
  return isLoopbackHost(h.name) || h.name === policy.boundHost.toLowerCase();
}

/** Origin must be absent (non-browser clients) or an http origin that passes the Host rule. */
export function originAllowed(origin: string | undefined, policy: HostPolicy): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  const port = url.port === '' ? 80 : Number(url.port);
  if (port !== policy.port) return false;
  return hostAllowed(url.host, policy);
}
