// Sends connection events as RFC 5424 syslog over TCP (RFC 6587 octet counting) or TLS (RFC 5425).
// Never blocks the caller: events are formatted into a bounded queue; one connection drains it;
// a lost connection is retried with backoff, and what was written shortly before the loss is sent
// again (TCP accepts bytes a closing receiver never reads), so delivery is at least once within
// the queue's bound and receivers can drop duplicates by the `seq` parameter.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import type { ConnectionEvent } from '../../shared/connection';
import type { ExporterStats } from './prometheus';
import { BoundedQueue, queueState, waitForDrain } from './queue';
import { DEFAULT_FACILITY, formatSyslog, octetFrame } from './syslog';

export interface SyslogTarget {
  protocol: 'tcp' | 'tls';
  host: string;
  port: number;
}

export interface SyslogExporterOptions {
  target: SyslogTarget;
  /** PEM file of the CA that signed the receiver's certificate (TLS; default: the system's). */
  caFile?: string;
  facility?: number;
  appName?: string;
  hostname?: string;
  /** Events the queue holds while the receiver is away (default 50,000: 50 s at 1,000 events/s). */
  queueSize?: number;
  /** Frames written within this long before a connection is lost are sent again (default 3000 ms). */
  resendWindowMs?: number;
  /** First and longest retry delay, ms (default 250, doubling to 30,000). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Told of connection problems once per change (the agent writes them to stderr). */
  log?: (line: string) => void;
}

export interface EventExporter {
  stats: ExporterStats;
  /** Queues events (formatting them now); never blocks, never throws. */
  enqueue(events: readonly ConnectionEvent[]): void;
  /** Sends what is queued; resolves when the queue is empty or `timeoutMs` passed. */
  flush(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_QUEUE_SIZE = 50_000;

/** "tcp://HOST:PORT" / "tls://HOST:PORT" ([v6] in brackets); null when the text is not one. */
export function parseSyslogUrl(text: string): SyslogTarget | null {
  const m = /^(tcp|tls):\/\/(?:\[([0-9A-Fa-f:.]+)\]|([^:/[\]\s]+)):(\d{1,5})\/?$/.exec(text);
  if (!m || Number(m[4]) < 1 || Number(m[4]) > 65535) return null;
  return { protocol: m[1] as 'tcp' | 'tls', host: m[2] ?? m[3], port: Number(m[4]) };
}

/** The URL parseSyslogUrl reads back to `t`. */
export function formatSyslogUrl(t: SyslogTarget): string {
  return `${t.protocol}://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

/** One octet-counted message, and whether it has been written once (a resend is not counted again). */
interface Frame {
  bytes: Buffer;
  written: boolean;
}

/**
 * An EventExporter writing each event as one RFC 5424 message (RFC 6587 octet counting; TLS per
 * RFC 5425 for tls:// targets, verified against `caFile` or the system's CAs) over one connection.
 * `sent` counts events written at least once (monotonic); an event written just before a loss
 * and then pushed out of a full queue counts as both sent and dropped.
 */
export function createSyslogExporter(opts: SyslogExporterOptions): EventExporter {
  const queue = new BoundedQueue<Frame>(opts.queueSize ?? DEFAULT_QUEUE_SIZE);
  const header = { facility: opts.facility ?? DEFAULT_FACILITY, appName: opts.appName ?? 'netmon', hostname: opts.hostname ?? os.hostname(), procId: process.pid };
  const resendWindowMs = opts.resendWindowMs ?? 3000;
  const retryMin = opts.retryMinMs ?? 250;
  const retryMax = opts.retryMaxMs ?? 30_000;
  const ca = opts.caFile ? readFileSync(opts.caFile) : undefined;
  let seq = 0;
  let sent = 0;
  let socket: net.Socket | null = null;
  let connected = false;
  let writable = true;
  let retryDelay = retryMin;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let lastProblem = '';
  /** Frames written on the current connection, newest last, with when (for the resend window). */
  let recent: Array<{ at: number; frame: Frame }> = [];
  const waiters = new Set<() => void>();

  const report = (line: string) => {
    if (line !== lastProblem) opts.log?.(line);
    lastProblem = line;
  };
  const settle = () => {
    if (queue.depth === 0) for (const w of waiters) w();
  };

  const pump = () => {
    if (!socket || !connected) return;
    const now = Date.now();
    while (writable && queue.depth > 0) {
      const frame = queue.shift() as Frame;
      recent.push({ at: now, frame });
      // Counted once, at the first write: a counter never goes down, and a resend is no new event.
      if (!frame.written) sent++;
      frame.written = true;
      writable = socket.write(frame.bytes);
    }
    // Keep the resend window short: only what the receiver may not have read yet.
    let cut = 0;
    while (cut < recent.length && now - recent[cut].at > resendWindowMs) cut++;
    if (cut > 0) recent = recent.slice(cut);
    settle();
  };

  const lost = (why: string) => {
    if (!socket) return;
    socket.removeAllListeners();
    socket.on('error', () => {}); // late errors of a socket being torn down
    socket.destroy();
    socket = null;
    connected = false;
    writable = true;
    // What was written in the resend window, and so may not have been read, goes back to the
    // front of the queue; what is older the receiver has had time to take.
    const now = Date.now();
    const again = recent.filter((r) => now - r.at <= resendWindowMs);
    queue.requeue(again.map((r) => r.frame));
    recent = [];
    if (closed) return;
    report(`netmon agent: syslog ${opts.target.host}:${opts.target.port}: ${why}; retrying in ${retryDelay} ms (${queueState(queue)})`);
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, retryMax);
  };

  function connect(): void {
    retryTimer = null;
    if (closed) return;
    const { host, port, protocol } = opts.target;
    const s =
      protocol === 'tls'
        ? tls.connect({ host, port, ca, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
    socket = s;
    s.setNoDelay(true);
    s.once(protocol === 'tls' ? 'secureConnect' : 'connect', () => {
      connected = true;
      retryDelay = retryMin;
      if (lastProblem) report(`netmon agent: syslog ${host}:${port}: connected (${queueState(queue)})`);
      pump();
    });
    s.on('drain', () => {
      writable = true;
      pump();
    });
    s.on('data', () => {}); // a syslog receiver says nothing; ignore anything it does
    s.on('end', () => lost('the receiver closed the connection'));
    s.on('close', () => lost('connection closed'));
    s.on('error', (e) => lost(e.message));
  }

  return {
    stats: {
      name: 'syslog',
      capacity: queue.capacity,
      // Waiting to be written; the resend window (written, kept for a reconnect) is not counted.
      depth: () => queue.depth,
      dropped: () => queue.dropped,
      sent: () => sent,
    },
    enqueue(events) {
      if (closed) return;
      for (const e of events) {
        try {
          queue.push({ bytes: octetFrame(formatSyslog(e, ++seq, header)), written: false });
        } catch {
          // an event that cannot be formatted is skipped; the others go on
        }
      }
      if (!socket && !retryTimer) connect();
      else pump();
    },
    flush(timeoutMs) {
      pump();
      if (queue.depth === 0) return Promise.resolve();
      return waitForDrain(waiters, timeoutMs);
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const s = socket;
      // end() answers only on a live connection: bounded, then destroyed either way.
      if (s) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, 1000);
          s.end(() => (clearTimeout(t), r()));
        });
        s.destroy();
      }
      for (const w of waiters) w();
    },
  };
}
