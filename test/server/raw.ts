// Raw-socket helpers for the attack tests: send bytes a well-behaved client never would, and read
// whatever comes back within a time bound.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface RawReply {
  /** Everything the server sent before it closed or the time ran out. */
  data: Buffer;
  /** The HTTP status of the first response line, or null when none came. */
  status: number | null;
  /** True when the server closed the connection within the time bound. */
  closed: boolean;
}

/**
 * Writes `payload` (chunks in order) to a fresh loopback connection and collects the answer until
 * the server closes, `enough(data)` says the answer is complete, or `timeoutMs` passes. With
 * `readAfterMs` it reads nothing for that long first.
 */
export function rawExchange(
  port: number,
  payload: Buffer | string | Array<Buffer | string>,
  opts: { timeoutMs?: number; enough?: (data: Buffer) => boolean; readAfterMs?: number; gapMs?: number } = {},
): Promise<RawReply> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = net.connect(port, '127.0.0.1');
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const data = Buffer.concat(chunks);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data.subarray(0, 32).toString('latin1'));
      resolve({ data, status: m ? Number(m[1]) : null, closed });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 2000);
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      if (opts.enough?.(Buffer.concat(chunks))) finish(false);
    });
    sock.on('close', () => finish(true));
    // The server may reset a connection it refuses mid-write; that is an answer too.
    sock.on('error', () => finish(true));
    sock.on('connect', () => {
      const parts = Array.isArray(payload) ? payload : [payload];
      // With gapMs the parts go one by one (after the first), like a client sending calls over time.
      if (opts.gapMs) {
        sock.write(parts[0]);
        parts.slice(1).forEach((p, i) => setTimeout(() => !done && sock.write(p), (i + 1) * opts.gapMs!));
      } else for (const p of parts) sock.write(p);
      // A client that does not read for a while (a slow reader), then drains what it was sent.
      if (opts.readAfterMs) {
        sock.pause();
        setTimeout(() => sock.resume(), opts.readAfterMs);
      }
    });
  });
}

/** A client → server WebSocket frame (RFC 6455 §5.2), masked as a client must; every field settable. */
export function wsFrame(opts: {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  masked?: boolean;
  rsv?: number;
  /** Claimed payload length when it should differ from the real one (lies about size). */
  claimedLength?: bigint;
}): Buffer {
  const payload = opts.payload ?? Buffer.alloc(0);
  const len = opts.claimedLength ?? BigInt(payload.length);
  const masked = opts.masked ?? true;
  const b0 = ((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | (opts.opcode & 0x0f);
  let head: Buffer;
  if (len < 126n) {
    head = Buffer.from([b0, (masked ? 0x80 : 0) | Number(len)]);
  } else if (len < 65536n) {
    head = Buffer.alloc(4);
    head[0] = b0;
    head[1] = (masked ? 0x80 : 0) | 126;
    head.writeUInt16BE(Number(len), 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = b0;
    head[1] = (masked ? 0x80 : 0) | 127;
    head.writeBigUInt64BE(len, 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([head, key, body]);
}

/** The HTTP upgrade request of a WebSocket client (RFC 6455 §4.1). */
export function upgradeRequest(port: number, target: string, extra: Record<string, string> = {}): string {
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
  return `GET ${target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** The server's (unmasked) frames after a 101 response; a truncated last frame is left out. */
export function serverFrames(reply: Buffer): ServerFrame[] {
  const start = reply.indexOf('\r\n\r\n');
  if (start < 0) return [];
  const out: ServerFrame[] = [];
  let o = start + 4;
  while (o + 2 <= reply.length) {
    const opcode = reply[o] & 0x0f;
    let len = reply[o + 1] & 0x7f;
    let p = o + 2;
    if (len === 126) {
      if (p + 2 > reply.length) break;
      len = reply.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (p + 8 > reply.length) break;
      len = Number(reply.readBigUInt64BE(p));
      p += 8;
    }
    if (p + len > reply.length) break;
    out.push({ opcode, payload: reply.subarray(p, p + len) });
    o = p + len;
  }
  return out;
}

/** The close code of the server's close frame (opcode 8), or null when it sent none. */
export function closeCode(frames: ServerFrame[]): number | null {
  const c = frames.find((f) => f.opcode === 8);
  return c && c.payload.length >= 2 ? c.payload.readUInt16BE(0) : null;
}

/** The HTTP status a WebSocket upgrade to `target` with these extra headers gets (101 when accepted). */
export async function upgradeStatus(port: number, headers: Record<string, string> = {}, target = '/ws'): Promise<number | null> {
  const reply = await rawExchange(port, upgradeRequest(port, target, headers), { enough: (d) => d.includes('\r\n\r\n') });
  return reply.status;
}
