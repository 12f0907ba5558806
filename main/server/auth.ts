// Who may talk to the local web server: the per-run token, the cookie that carries it, and the
// Host / Origin checks that stop DNS-rebinding pages. Pure functions, no I/O.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

/** 24 random bytes, URL-safe: fits a query string and a cookie without escaping. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
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

/** Cookies are shared by every port of a host, so the name carries the port: two servers never clash. */
export function cookieName(port: number): string {
  return `netmon_token_${port}`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export type AuthResult = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

/** A request is authorized by `?token=` or by the cookie set on the first authorized load. */
export function authorize(
  queryToken: string | null,
  cookieHeader: string | undefined,
  port: number,
  token: string,
): AuthResult {
  if (queryToken !== null) {
    return tokensEqual(queryToken, token)
      ? { ok: true, viaQuery: true }
      : { ok: false, status: 403, reason: 'wrong token' };
  }
  const fromCookie = parseCookies(cookieHeader).get(cookieName(port));
  if (fromCookie === undefined) return { ok: false, status: 401, reason: 'token required: open the URL netmon printed' };
  return tokensEqual(fromCookie, token)
    ? { ok: true, viaQuery: false }
    : { ok: false, status: 403, reason: 'wrong token' };
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
