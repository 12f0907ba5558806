// Attack corpus against a live `netmon serve` server over raw sockets (issue 7 §1): malformed
// request lines, headers, methods, upgrades and WebSocket frames. Every one must get a 4xx, a
// WebSocket close with the RFC 6455 code, or an error reply — never a throw out of a handler —
// and the server must serve a good client afterwards. Bounded: every exchange has a 2 s limit and
// they run concurrently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { prng } from '../../main/model/random';
import { ipFamily } from '../../shared/ip';
import { wsProtocols } from '../../shared/ws-protocol';
import { startServer } from '../../main/server/server';
import type { RunningServer, ServerActions } from '../../main/server/types';
import { fakeEngine, fakeStaticDir, get, TEST_TOKEN } from './helpers';
import { closeCode, rawExchange, serverFrames, upgradeRequest, wsFrame } from './raw';

let srv: RunningServer;
let port: number;
const escapes: unknown[] = [];
const onEscape = (e: unknown): void => {
  escapes.push(e);
};

const actions: ServerActions = {
  getProcessDetails: async () => null,
  closeConnection: async () => ({ ok: false, reason: 'test double' }),
  endProcess: async () => ({ ok: false, reason: 'test double' }),
};

beforeAll(async () => {
  // Anything that slips out of a handler lands here (and fails the test), not in vitest's reporter.
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  srv = await startServer({ engine: fakeEngine(), actions, staticDir: fakeStaticDir().root, token: TEST_TOKEN });
  port = srv.port;
});
afterAll(async () => {
  await srv.close();
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});

// `Connection: close` so that each answer ends the exchange at once.
const host = (): string => `Host: 127.0.0.1:${port}\r\nConnection: close\r\n`;
const req = (line: string, headers = host()): string => `${line}\r\n${headers}\r\n`;

/** Fires every case at once; each must get its expected status, nothing may escape, and the server still serves. */
async function expectStatuses(cases: Array<[string, string | Buffer, number]>): Promise<void> {
  const replies = await Promise.all(cases.map(([, bytes]) => rawExchange(port, bytes)));
  const wrong = cases.flatMap(([name, , want], i) => (replies[i].status === want ? [] : [`${name}: got ${replies[i].status}, want ${want}`]));
  expect(wrong).toEqual([]);
  expect(escapes).toEqual([]);
  await stillServes();
}

/** Still serving: the page with the token, and a WebSocket call answered. */
async function stillServes(): Promise<void> {
  expect((await get(port, `/?token=${TEST_TOKEN}`)).status).toBe(200);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, wsProtocols(TEST_TOKEN));
  try {
    const reply = await new Promise<{ ok: boolean }>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'getStatus', args: [] })));
      ws.on('message', (d) => resolve(JSON.parse(d.toString()) as { ok: boolean }));
    });
    expect(reply.ok).toBe(true);
  } finally {
    ws.terminate();
  }
}

describe('HTTP request lines and headers', () => {
  // [name, bytes, expected status]
  const corpus = (): Array<[string, string | Buffer, number]> => [
    ['GET //[ (issue 7 §1)', req('GET //[ HTTP/1.1'), 400],
    ['GET //[ with the token', req(`GET //[?token=${TEST_TOKEN} HTTP/1.1`), 400],
    ['GET http://[', req('GET http://[ HTTP/1.1'), 400],
    ['GET //a b', req('GET //a b HTTP/1.1'), 400],
    ['GET //x:99999/', req('GET //x:99999/ HTTP/1.1'), 400],
    ['GET /\\[', req('GET /\\[ HTTP/1.1'), 400],
    ['GET //x:99999/ with the token', req(`GET //x:99999/?token=${TEST_TOKEN} HTTP/1.1`), 400],
    ['bad percent-escape with the token', req(`GET /%ZZ?token=${TEST_TOKEN} HTTP/1.1`), 400],
    ['absolute form (static files need no token)', req(`GET http://127.0.0.1:${port}/ HTTP/1.1`), 200],
    ['absolute form to another host', req('GET http://evil.example/ HTTP/1.1'), 200],
    ['unknown method', req('FOO / HTTP/1.1'), 400],
    ['DELETE', req('DELETE / HTTP/1.1'), 405],
    ['OPTIONS *', req('OPTIONS * HTTP/1.1'), 405],
    ['CONNECT', req(`CONNECT 127.0.0.1:${port} HTTP/1.1`), 405],
    ['no Host', 'GET / HTTP/1.0\r\n\r\n', 403],
    ['foreign Host', req('GET / HTTP/1.1', 'Host: evil.example\r\nConnection: close\r\n'), 403],
    ['absurd Host', req('GET / HTTP/1.1', `Host: [${'f'.repeat(300)}]:${'9'.repeat(40)}\r\nConnection: close\r\n`), 403],
    ['absurd Origin', req('GET / HTTP/1.1', `${host()}Origin: http://[::\r\n`), 403],
    ['control byte in a header', req('GET / HTTP/1.1', `${host()}X-A: a\x01b\r\n`), 400],
    ['header without a colon', req('GET / HTTP/1.1', `${host()}garbage\r\n`), 400],
    ['huge header', req('GET / HTTP/1.1', `${host()}X-Big: ${'a'.repeat(64 * 1024)}\r\n`), 431],
    ['huge request line', req(`GET /${'a'.repeat(64 * 1024)} HTTP/1.1`), 431],
    ['10,000 headers', req('GET / HTTP/1.1', `${host()}${'X-N: 1\r\n'.repeat(10_000)}`), 431],
    ['conflicting Content-Length and Transfer-Encoding', req('GET / HTTP/1.1', `${host()}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n`), 400],
    ['invalid UTF-8 in the target', Buffer.concat([Buffer.from('GET /\xff\xfe'), Buffer.from(` HTTP/1.1\r\n${host()}\r\n`)]), 400],
    ['not HTTP at all', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]), 400],
  ];

  it('answers every malformed request with its 4xx, then still serves', () => expectStatuses(corpus()));
});

describe('WebSocket upgrades', () => {
  const T = { 'Sec-WebSocket-Protocol': wsProtocols(TEST_TOKEN).join(', ') };
  const corpus = (): Array<[string, string, number]> => [
    ['upgrade to //[ (issue 7 §1)', upgradeRequest(port, '//['), 400],
    ['upgrade to //x:99999/', upgradeRequest(port, '//x:99999/', T), 400],
    ['upgrade to /\\[', upgradeRequest(port, '/\\['), 400],
    ['upgrade to http://[', upgradeRequest(port, 'http://['), 400],
    ['upgrade without a token', upgradeRequest(port, '/ws'), 401],
    ['upgrade with the token in the query only', upgradeRequest(port, `/ws?token=${TEST_TOKEN}`), 401],
    ['upgrade with a wrong token', upgradeRequest(port, '/ws', { 'Sec-WebSocket-Protocol': 'netmon.v1, netmon.token.x' }), 403],
    ['upgrade with a token entry and no netmon.v1', upgradeRequest(port, '/ws', { 'Sec-WebSocket-Protocol': `netmon.token.${TEST_TOKEN}` }), 400],
    ['upgrade with an absurd protocol list', upgradeRequest(port, '/ws', { 'Sec-WebSocket-Protocol': `netmon.v1,,, ;;\u00e9, netmon.token.${TEST_TOKEN}` }), 400],
    ['upgrade to another path', upgradeRequest(port, '/other', T), 404],
    ['upgrade without Sec-WebSocket-Key', upgradeRequest(port, '/ws', { ...T, 'Sec-WebSocket-Key': '' }), 400],
    ['upgrade with a bad Sec-WebSocket-Key', upgradeRequest(port, '/ws', { ...T, 'Sec-WebSocket-Key': 'short' }), 400],
    ['upgrade to version 7', upgradeRequest(port, '/ws', { ...T, 'Sec-WebSocket-Version': '7' }), 400],
    ['upgrade to version 99999999999999999999', upgradeRequest(port, '/ws', { ...T, 'Sec-WebSocket-Version': '9'.repeat(20) }), 400],
    ['upgrade to h2c', upgradeRequest(port, '/ws', { ...T, Upgrade: 'h2c' }), 400],
    ['upgrade with a foreign Origin', upgradeRequest(port, '/ws', { ...T, Origin: 'http://evil.example' }), 403],
    ['upgrade with an absurd Origin', upgradeRequest(port, '/ws', { ...T, Origin: 'http://[' }), 403],
    ['upgrade by POST', upgradeRequest(port, '/ws', T).replace(/^GET/, 'POST'), 405],
  ];

  it('refuses every bad upgrade with its 4xx, then still serves', () => expectStatuses(corpus()));
});

describe('WebSocket frames and messages', () => {
  const T = { 'Sec-WebSocket-Protocol': wsProtocols(TEST_TOKEN).join(', ') };
  const text = (s: string | Buffer): Buffer => wsFrame({ opcode: 1, payload: Buffer.isBuffer(s) ? s : Buffer.from(s) });
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  const call = (extra: string): string => `{"kind":"call","id":1,"method":"closeConnection","args":[${extra}]}`;
  type Expect = { close: number } | { error: RegExp };
  // [name, frames after the handshake, expected outcome]
  const corpus = (): Array<[string, Buffer[], Expect]> => [
    ['random garbage', [Buffer.from('00ff13370badc0de'.repeat(8), 'hex')], { close: 1002 }],
    ['unmasked frame', [wsFrame({ opcode: 1, payload: Buffer.from('{}'), masked: false })], { close: 1002 }],
    ['reserved opcode 3', [wsFrame({ opcode: 3, payload: Buffer.from('x') })], { close: 1002 }],
    ['RSV1 without an extension', [wsFrame({ opcode: 1, payload: Buffer.from('{}'), rsv: 4 })], { close: 1002 }],
    ['claims 2^62 bytes', [wsFrame({ opcode: 1, payload: Buffer.from('{'), claimedLength: 1n << 62n })], { close: 1009 }],
    ['oversize message', [text(Buffer.alloc(300 * 1024, 0x20))], { close: 1009 }],
    ['oversize in fragments', [wsFrame({ opcode: 1, fin: false, payload: Buffer.alloc(200 * 1024, 0x20) }), wsFrame({ opcode: 0, payload: Buffer.alloc(200 * 1024, 0x20) })], { close: 1009 }],
    ['invalid UTF-8', [text(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))], { close: 1007 }],
    ['continuation without a start', [wsFrame({ opcode: 0, payload: Buffer.from('x') })], { close: 1002 }],
    ['text inside a fragmented text', [wsFrame({ opcode: 1, fin: false, payload: Buffer.from('{') }), text('{}')], { close: 1002 }],
    ['ping over 125 bytes', [wsFrame({ opcode: 9, payload: Buffer.alloc(200) })], { close: 1002 }],
    ['fragmented ping', [wsFrame({ opcode: 9, fin: false })], { close: 1002 }],
    ['close with code 999', [wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) })], { close: 1002 }],
    ['not JSON', [text('{"kind":"call",')], { error: /not valid JSON/ }],
    ['JSON bomb: 100k nested arrays', [text(deep(100_000))], { error: /JSON object|not valid JSON/ }],
    ['JSON bomb: nested arrays as an argument', [text(call(deep(50_000)))], { error: /close target must be an object/ }],
    ['JSON bomb: 20k keys', [text(call(`{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":0`).join(',')}}`))], { error: /unexpected key/ }],
    ['__proto__ as an own key', [text(call('{"__proto__":{"family":4}}'))], { error: /unexpected key|missing/ }],
    ['id 1e400', [text('{"kind":"call","id":1e400,"method":"getStatus","args":[]}')], { error: /id must be/ }],
    ['a 64 KiB method name', [text(`{"kind":"call","id":1,"method":"${'m'.repeat(65536)}","args":[]}`)], { error: /unknown method/ }],
    ['lone surrogate escapes', [text('{"kind":"call","id":"\\ud800","method":"\\udfff","args":[]}')], { error: /unknown method/ }],
    ['binary frame', [wsFrame({ opcode: 2, payload: Buffer.from([0, 1, 2]) })], { error: /binary messages/ }],
  ];

  it('closes with the RFC 6455 code or replies with an error, then still serves', async () => {
    const cases = corpus();
    const replies = await Promise.all(
      cases.map(([, frames]) =>
        rawExchange(port, [upgradeRequest(port, '/ws', T), ...frames], {
          timeoutMs: 3000,
          enough: (data) => serverFrames(data).some((f) => f.opcode === 1 || f.opcode === 8),
        }),
      ),
    );
    /** What the server answered: its close code, the text of its error reply, or a description. */
    const outcome = (data: Buffer): { close: number } | { error: string } | string => {
      const frames = serverFrames(data);
      const code = closeCode(frames);
      if (code !== null) return { close: code };
      const reply = frames.find((f) => f.opcode === 1);
      if (!reply) return `no answer (${data.length} bytes)`;
      const msg = JSON.parse(reply.payload.toString()) as { ok?: boolean; error?: unknown };
      return msg.ok === false && typeof msg.error === 'string' ? { error: msg.error } : JSON.stringify(msg).slice(0, 200);
    };
    for (let i = 0; i < cases.length; i++) {
      const [name, , want] = cases[i];
      expect(replies[i].status, name).toBe(101);
      const got = outcome(replies[i].data);
      if ('close' in want) expect(got, name).toEqual({ close: want.close });
      else expect(typeof got === 'object' && 'error' in got ? got.error : got, name).toMatch(want.error);
    }
    expect(escapes).toEqual([]);
    await stillServes();
  });
});

describe('message fuzz (seeded, bounded)', () => {
  const METHODS = ['getSnapshot', 'getStatus', 'setPaused', 'setInterval', 'getProcessDetails', 'closeConnection', 'endProcess', 'resolveAddresses', 'setRecording', 'restartAsAdmin', '__proto__', 'constructor', 'toString', 'onBatch', ''];

  it('every random call gets exactly one well-formed reply, none escapes, nothing invalid reaches an action', async () => {
    const { createHandlers, handleClientMessage } = await import('../../main/server/rpc');
    const acted: unknown[] = [];
    const handlers = createHandlers({
      engine: fakeEngine(),
      actions: {
        getProcessDetails: async () => null,
        closeConnection: async (t) => (acted.push(t), { ok: false, reason: 'test double' }),
        endProcess: async (t) => (acted.push(t), { ok: false, reason: 'test double' }),
      },
    });
    // Seeded, so a failure names a reproducible case.
    const rand = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3) return pick([0, -1, 1.5, 2 ** 53, -0, 1e308, '', 'x'.repeat(100), '127.0.0.1', '::1', '\u0000', true, false, null]);
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (const k of ['pid', 'startTime', 'family', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', '__proto__', 'x']) if (rand() < 0.5) o[k] = value(depth + 1);
      return o;
    };
    const started = Date.now();
    for (let i = 0; i < 3000; i++) {
      // Near-valid targets (one field perhaps replaced) reach the validators' edges, not only their front door.
      const near = (): unknown => {
        const t: Record<string, unknown> = rand() < 0.5
          ? { pid: Math.floor(rand() * 70000), startTime: rand() < 0.8 ? Math.floor(rand() * 2e12) : null }
          : { family: 4, localAddress: '127.0.0.1', localPort: Math.floor(rand() * 65536), remoteAddress: '127.0.0.1', remotePort: Math.floor(rand() * 65536) };
        if (rand() < 0.5) t[pick(Object.keys(t))] = value(2);
        return t;
      };
      const method = pick(METHODS);
      const args = (method === 'endProcess' || method === 'closeConnection') && rand() < 0.6 ? [near()] : value(1);
      const msg = rand() < 0.1 ? JSON.stringify(value(0)) : JSON.stringify({ kind: rand() < 0.9 ? 'call' : 'x', id: rand() < 0.9 ? i : value(2), method, args });
      const text = rand() < 0.05 ? msg.slice(0, Math.floor(rand() * msg.length)) : msg;
      const reply = await handleClientMessage(text, handlers);
      if (reply.kind !== 'reply') throw new Error(`not a reply to ${text}`);
      expect(typeof reply.ok, text).toBe('boolean');
      expect(() => JSON.stringify(reply)).not.toThrow();
    }
    // Whatever reached an action passed its validator: a plain target of the contract's shape.
    expect(acted.length).toBeGreaterThan(20);
    for (const t of acted) {
      const o = t as Record<string, unknown>;
      if ('pid' in o) {
        expect(Object.keys(o)).toEqual(['pid', 'startTime']);
        expect(Number.isInteger(o.pid) && (o.pid as number) >= 0).toBe(true);
        expect(o.startTime === null || (typeof o.startTime === 'number' && Number.isFinite(o.startTime) && o.startTime >= 0)).toBe(true);
      } else {
        expect(Object.keys(o)).toEqual(['family', 'localAddress', 'localPort', 'remoteAddress', 'remotePort']);
        for (const p of [o.localPort, o.remotePort]) expect(Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 65535).toBe(true);
        expect([o.localAddress, o.remoteAddress].every((a) => typeof a === 'string' && ipFamily(a) === o.family)).toBe(true);
      }
    }
    expect(escapes).toEqual([]);
    console.log(`message fuzz: 3000 messages, ${acted.length} reached an action, ${Date.now() - started} ms`);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
