// Helpers for the Linux integration tests: loopback sockets, waiting, reading rows, and `ss`.
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { rowFields, type RowFields, type RowTable } from '../../main/model/rows';

export interface Row extends RowFields {
  inode: number;
}

export function rowsOf(t: RowTable, inodes: Float64Array): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < t.count; i++) out.push({ ...rowFields(t, i), inode: inodes[i] });
  return out;
}

/** Address text → the four RowTable words (IPv4 in word 0). Enough for loopback and mapped forms. */
export function ipWords(text: string): number[] {
  const s = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (s === '*') return [0, 0, 0, 0];
  if (!s.includes(':')) {
    const [a, b, c, d] = s.split('.').map(Number);
    return [((a << 24) | (b << 16) | (c << 8) | d) >>> 0, 0, 0, 0];
  }
  let groups: number[];
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  const hexPart = tail ? s.slice(0, -tail[1].length) + '0:0' : s;
  const [head, rest] = hexPart.split('::');
  const h = head ? head.split(':').map((g) => parseInt(g, 16)) : [];
  const r = rest === undefined ? [] : rest ? rest.split(':').map((g) => parseInt(g, 16)) : [];
  groups = rest === undefined ? h : [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
  if (tail) {
    const v4 = ipWords(tail[1])[0];
    groups = [...groups.slice(0, 6), v4 >>> 16, v4 & 0xffff];
  }
  return [0, 2, 4, 6].map((i) => ((groups[i] << 16) | groups[i + 1]) >>> 0);
}

/** Polls `fn` until it returns a value that is not undefined/false, or throws after `ms`. */
export async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined | false;
  for (;;) {
    last = fn();
    if (last !== undefined && last !== false) return last;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Pair {
  server: Server;
  port: number;
  client: Socket;
  accepted: Socket;
}

/** A listener on `host` and one connection to it from `connectHost` (default: the same host). */
export async function openPair(host: string, connectHost = host): Promise<Pair> {
  let accepted: Socket | undefined;
  const server = createServer((s) => {
    accepted = s;
    s.on('error', () => undefined);
  });
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const client = connect(port, connectHost);
  client.on('error', () => undefined);
  await once(client, 'connect');
  const acc = await waitFor('accept', () => accepted);
  return { server, port, client, accepted: acc };
}

export function closeServer(s: Server): Promise<void> {
  return new Promise((r) => s.close(() => r()));
}

/** Finds `ss`, installing iproute2 with apt-get when it is missing; throws if that fails. */
export function ensureSs(): string {
  const has = () => spawnSync('ss', ['-V'], { encoding: 'utf8' }).status === 0;
  if (has()) return 'ss';
  spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'iproute2'], { stdio: 'ignore', timeout: 240_000 });
  if (!has()) throw new Error('the Linux integration tests need `ss` (iproute2) and apt-get could not install it');
  return 'ss';
}

export interface SsRow {
  proto: 'tcp' | 'udp';
  state: string;
  laddr: number[];
  lport: number;
  raddr: number[];
  rport: number;
  /** Owners as `ss -p` lists them. */
  users: Array<{ name: string; pid: number }>;
  /** Socket inode (`ss -e`), 0 where there is none (TIME-WAIT, not yet accepted). */
  inode: number;
}

function splitEndpoint(ep: string): [number[], number] {
  const i = ep.lastIndexOf(':');
  const port = ep.slice(i + 1);
  return [ipWords(ep.slice(0, i)), port === '*' ? 0 : Number(port)];
}

/** An `ss` filter selecting sockets with any of `ports` at either end (empty: every socket). */
export function ssPortFilter(ports: readonly number[]): string[] {
  if (ports.length === 0) return [];
  const terms = ports.flatMap((p, i) => [...(i > 0 ? ['or'] : []), 'sport', '=', `:${p}`, 'or', 'dport', '=', `:${p}`]);
  return ['(', ...terms, ')'];
}

/**
 * `ss -tanpeH` / `ss -uanpeH` parsed, only the sockets with one of `ports` at either end when given
 * (a test looks at its own sockets: the whole table of a busy machine is slow and large). Output
 * is read without a size limit.
 */
export function ssRows(proto: 'tcp' | 'udp', ports: readonly number[] = []): SsRow[] {
  const out = execFileSync('ss', [proto === 'tcp' ? '-tanpeH' : '-uanpeH', ...ssPortFilter(ports)], { encoding: 'utf8', maxBuffer: Infinity });
  const rows: SsRow[] = [];
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    const [laddr, lport] = splitEndpoint(f[3]);
    const [raddr, rport] = splitEndpoint(f[4]);
    const users = [...line.matchAll(/\("([^"]*)",pid=(\d+),fd=\d+\)/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
    const inode = Number(/\bino:(\d+)/.exec(line)?.[1] ?? 0);
    rows.push({ proto, state: f[0], laddr, lport, raddr, rport, users, inode });
  }
  return rows;
}

/** ss state names → MIB_TCP_STATE numbers (0 for UDP's UNCONN / ESTAB). */
export const SS_STATE: Record<string, number> = {
  ESTAB: 5,
  LISTEN: 2,
  'SYN-SENT': 3,
  'SYN-RECV': 4,
  'FIN-WAIT-1': 6,
  'FIN-WAIT-2': 7,
  'TIME-WAIT': 11,
  'CLOSE-WAIT': 8,
  'LAST-ACK': 10,
  CLOSING: 9,
  CLOSE: 1,
};
