// Per-connection traffic counters against the real kernel (netlink sock_diag + tcp_info): a loopback
// connection that moves an exact number of bytes each way shows them on both ends, a paced sender's
// rate comes out of the engine as bytes/s, and procfs says it has none of this.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/connection';
import type { EventBatch } from '../../shared/ipc';
import { counterRowOf } from '../../shared/testing/counters';
import { createEngine } from '../../main/engine/engine';
import { C, COUNTER_SLOTS, PROTO_TCP, ROW_WORDS, W } from '../../main/model/rows';
import { createLinuxSource, type LinuxSource } from '../../main/source/linux';
import { closeServer, ensureSs, openPair, rowsOf, SS_STATE, ssRows, waitFor, type Pair } from './helpers';

const N_UP = 300_000; // client → server
const N_DOWN = 120_000; // server → client

/** Writes `n` bytes and resolves once they are handed to the kernel. */
async function send(s: Socket, n: number): Promise<void> {
  if (!s.write(Buffer.alloc(n, 0x61))) await once(s, 'drain');
}

function received(s: Socket): () => number {
  let n = 0;
  s.on('data', (d: Buffer) => (n += d.length));
  return () => n;
}

describe('tcp_info counters over netlink (real kernel)', () => {
  let source: LinuxSource;
  let pair: Pair;
  beforeAll(async () => {
    source = createLinuxSource({ tables: 'netlink' });
    pair = await openPair('127.0.0.1');
  });
  afterAll(async () => {
    pair.client.destroy();
    pair.accepted.destroy();
    await closeServer(pair.server);
    source.close?.();
  });

  /** Counters of the TCP row local lport → remote rport, by slot. */
  const countersOf = (lport: number, rport: number): Float64Array | undefined => {
    const t = source.read();
    for (let i = 0; i < t.count; i++) {
      const o = i * ROW_WORDS;
      if (t.words[o + W.PROTO] === PROTO_TCP && t.words[o + W.LPORT] === lport && t.words[o + W.RPORT] === rport) {
        return t.counters!.slice(i * COUNTER_SLOTS, (i + 1) * COUNTER_SLOTS);
      }
    }
    return undefined;
  };

  it('counts exactly the bytes each end sent and received, with packets and an RTT', async () => {
    const clientPort = pair.client.localPort!;
    const gotUp = received(pair.accepted);
    const gotDown = received(pair.client);
    await send(pair.client, N_UP);
    await send(pair.accepted, N_DOWN);
    await waitFor('all bytes delivered', () => gotUp() === N_UP && gotDown() === N_DOWN);
    // Acknowledgements may trail the data by a moment: wait for the sender's acked count.
    const client = await waitFor('client counters', () => {
      const c = countersOf(clientPort, pair.port);
      return c && c[C.BYTES_SENT] >= N_UP && c[C.BYTES_RECEIVED] >= N_DOWN && c;
    });
    const server = await waitFor('server counters', () => {
      const c = countersOf(pair.port, clientPort);
      return c && c[C.BYTES_SENT] >= N_DOWN && c[C.BYTES_RECEIVED] >= N_UP && c;
    });
    // tcpi_bytes_sent / tcpi_bytes_received count payload only: exact on loopback, which loses nothing.
    expect(client[C.BYTES_SENT]).toBe(N_UP);
    expect(client[C.BYTES_RECEIVED]).toBe(N_DOWN);
    expect(server[C.BYTES_SENT]).toBe(N_DOWN);
    expect(server[C.BYTES_RECEIVED]).toBe(N_UP);
    for (const c of [client, server]) {
      expect(c[C.SEGS_OUT]).toBeGreaterThan(0);
      expect(c[C.SEGS_IN]).toBeGreaterThan(0);
      expect(c[C.RTT_US]).toBeGreaterThan(0);
      expect(c[C.RTTVAR_US]).toBeGreaterThanOrEqual(0);
      expect(c[C.RETRANS]).toBe(0); // loopback loses nothing
      // busy_time counts in jiffies: a burst this short may well be 0, but it is reported.
      expect(c[C.BUSY_US]).toBeGreaterThanOrEqual(0);
    }
    // Each side sent at least one segment per 64 KiB it wrote, and the peer saw its segments.
    expect(client[C.SEGS_OUT]).toBeGreaterThanOrEqual(Math.ceil(N_UP / 65536));
    expect(server[C.SEGS_IN]).toBeGreaterThanOrEqual(Math.ceil(N_UP / 65536));
  });

  it('listeners carry no counters', () => {
    const c = countersOf(pair.port, 0);
    expect(c).toBeDefined();
    expect(Array.from(c!).every(Number.isNaN)).toBe(true);
  });

  it('the engine turns two polls into the paced sender rate, null on the first poll', async () => {
    const engine = createEngine({ source, intervalMs: 60_000 });
    const clientPort = pair.client.localPort!;
    const isClient = (c: Connection) => c.protocol === 'tcp' && c.localPort === clientPort && c.remotePort === pair.port;
    const sink = received(pair.accepted);
    let written = 0;
    const CHUNK = 32 * 1024;
    const timer = setInterval(() => {
      pair.client.write(Buffer.alloc(CHUNK, 0x62));
      written += CHUNK;
    }, 50); // nominal 655,360 B/s
    try {
      const first = await engine.pollNow();
      const row = first.connections!.find(isClient)!;
      expect(row).toBeDefined();
      expect(row.sendRate).toBeNull(); // first poll: not known yet, not 0
      expect(row.bytesSent).toBeGreaterThanOrEqual(N_UP);
      const t0 = first.time;
      const w0 = written;
      await new Promise((r) => setTimeout(r, 1000));
      const w1 = written;
      const second: EventBatch = await engine.pollNow();
      const dt = (second.time - t0) / 1000;
      const tuple = counterRowOf(second, row.id);
      expect(tuple, 'the moving row is in the batch counters').toBeDefined();
      const sendRate = tuple![5]!;
      const receiveRate = tuple![6]!;
      // Against what the sender handed the kernel between the polls (loopback acks at once) …
      expect(Math.abs(sendRate - (w1 - w0) / dt) / ((w1 - w0) / dt)).toBeLessThan(0.1);
      // … and against the nominal pace, loosely (timers slip on a loaded machine).
      expect(sendRate).toBeGreaterThan(655_360 * 0.5);
      expect(sendRate).toBeLessThan(655_360 * 1.5);
      expect(receiveRate).toBe(0);
      // The application set the pace (a write every 50 ms, sent and acked at once on loopback,
      // often within one tick of the kernel's busy clock): "sender", never unknown.
      expect(tuple![10]).toBe('sender');
      expect(second.events.some((e) => e.type === 'changed' && isClient(e.connection))).toBe(false);
    } finally {
      clearInterval(timer);
      engine.stop();
    }
    await waitFor('paced bytes delivered', () => sink() === written);
  });
});

// A transfer that starts and ends between two polls: tcp_info counts from the socket's creation, so
// the whole transfer moved within that interval and its rate is known on the connection's first poll
// (the rate over the interval: bytes / interval), in its opened event and in the poll's totals.
describe('a connection opened since the last poll (real kernel)', () => {
  it("has its bytes over the interval as its rate on its first poll, in the event and the totals", async () => {
    const source = createLinuxSource({ tables: 'netlink', counters: true });
    const engine = createEngine({ source, intervalMs: 60_000 });
    const BYTES = 2_000_000;
    let pair: Pair | null = null;
    try {
      const first = await engine.pollNow();
      pair = await openPair('127.0.0.1');
      const sink = received(pair.accepted);
      await send(pair.client, BYTES);
      await waitFor('the transfer delivered', () => sink() === BYTES);
      const second = await engine.pollNow();
      const dt = (second.time - first.time) / 1000;
      const clientPort = pair.client.localPort!;
      const opened = second.events.filter((e) => e.type === 'opened' && e.connection.protocol === 'tcp' && e.connection.remotePort === pair!.port && e.connection.localPort === clientPort);
      expect(opened).toHaveLength(1);
      const c = opened[0].connection;
      expect(c.bytesSent).toBe(BYTES);
      // Exactly the bytes over the interval the engine measured (rounded as the batch carries rates).
      expect(c.sendRate).toBeCloseTo(BYTES / dt, -1);
      expect(c.receiveRate).toBe(0);
      expect(c.limitedBy).toBeNull(); // its busy times have no known start yet
      // The accepting end received them in the same interval.
      const server = second.events.find((e) => e.type === 'opened' && e.connection.localPort === pair!.port && e.connection.remotePort === clientPort);
      expect(server?.connection.receiveRate).toBeCloseTo(BYTES / dt, -1);
      // And the poll's totals hold them: what the timeline's send line reads.
      expect(engine.rateTotals().send).toBeGreaterThanOrEqual(Math.round(BYTES / dt) - 1);
    } finally {
      engine.stop();
      pair?.client.destroy();
      pair?.accepted.destroy();
      if (pair) await closeServer(pair.server);
      source.close?.();
    }
  });
});

// Which sockets carry counters is the kernel's doing as much as ours: it sends tcp_info for full
// sockets only (inet_diag fills TIME-WAIT and SYN-RECV request sockets without attributes), and the
// decoder drops a listener's. So every state that still moves data (ESTABLISHED, CLOSE-WAIT,
// FIN-WAIT-2) must have counters, TIME-WAIT and LISTEN none, and asking for counters must not change
// a single row: the same rows, states and owners as without.
describe('counters by TCP state (real kernel)', () => {
  const MIB = { LISTEN: 2, ESTABLISHED: 5, FIN_WAIT2: 7, CLOSE_WAIT: 8, TIME_WAIT: 11 };
  const SENT = 5000;
  let withCounters: LinuxSource;
  let without: LinuxSource;
  const open: Socket[] = [];
  let server: ReturnType<typeof createServer>;
  let port: number;

  beforeAll(async () => {
    ensureSs();
    withCounters = createLinuxSource({ tables: 'netlink', counters: true });
    without = createLinuxSource({ tables: 'netlink', counters: false });
    // Half-open allowed on both ends, so a FIN from one side leaves CLOSE-WAIT / FIN-WAIT-2 standing.
    const accepted: Socket[] = [];
    server = createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => undefined);
      s.on('data', () => undefined);
      accepted.push(s);
      open.push(s);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
    const dial = async () => {
      const c = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      c.on('error', () => undefined);
      c.on('data', () => undefined);
      open.push(c);
      await once(c, 'connect');
      await waitFor('accept', () => accepted.length === open.length / 2);
      return [c, accepted[accepted.length - 1]] as const;
    };
    const [estClient] = await dial();
    estClient.write(Buffer.alloc(SENT, 0x63));
    // Client → server data, then the server half-closes: server FIN-WAIT-2, client CLOSE-WAIT.
    const [halfClient, halfServer] = await dial();
    halfClient.write(Buffer.alloc(SENT, 0x64));
    halfServer.end();
    // Both ends close: the side that closed first (the client) holds the TIME-WAIT.
    const [twClient, twServer] = await dial();
    twClient.end();
    twServer.end();
    const want = ['ESTAB', 'ESTAB', 'CLOSE-WAIT', 'FIN-WAIT-2', 'TIME-WAIT', 'LISTEN'].sort();
    await waitFor('ss to show every state', () => ssRows('tcp', [port]).map((r) => r.state).sort().join() === want.join());
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await closeServer(server);
    withCounters?.close?.();
    without?.close?.();
  });

  it('ESTABLISHED, CLOSE-WAIT and FIN-WAIT-2 carry counters; TIME-WAIT and LISTEN appear without; rows equal those read without counters', async () => {
    const mine = (t: ReturnType<LinuxSource['read']>, inodes: Float64Array) =>
      rowsOf(t, inodes)
        .map((r, i) => ({ ...r, counters: t.counters?.slice(i * COUNTER_SLOTS, (i + 1) * COUNTER_SLOTS) }))
        .filter((r) => r.proto === PROTO_TCP && (r.lport === port || r.rport === port));
    const key = (r: { lport: number; rport: number; state: number }) => `${r.state}:${r.lport}>${r.rport}`;
    const on = await waitFor('both counter ESTABLISHED ends to count the bytes sent', () => {
      const rows = mine(withCounters.read(), withCounters.lastInodes());
      const est = rows.filter((r) => r.state === MIB.ESTABLISHED);
      return est.length === 2 && est.every((r) => r.counters![C.BYTES_SENT] + r.counters![C.BYTES_RECEIVED] === SENT) && rows;
    });
    const off = mine(without.read(), without.lastInodes());
    expect(without.read().counters).toBeUndefined();
    // The very same rows, owners and inodes either way (counters aside), and the states ss reports.
    const bare = (rows: typeof on) => rows.map(({ counters: _c, ...r }) => r).sort((a, b) => key(a).localeCompare(key(b)));
    expect(bare(on)).toEqual(bare(off));
    expect(on.map((r) => r.state).sort()).toEqual(ssRows('tcp', [port]).map((r) => SS_STATE[r.state]).sort());

    const byState = (st: number) => on.filter((r) => r.state === st);
    for (const r of [...byState(MIB.LISTEN), ...byState(MIB.TIME_WAIT)]) {
      expect(Array.from(r.counters!).every(Number.isNaN), `state ${r.state} has no counters`).toBe(true);
    }
    expect(byState(MIB.TIME_WAIT)).toHaveLength(1);
    expect(byState(MIB.TIME_WAIT)[0].inode).toBe(0); // no socket left: no owner either
    expect(byState(MIB.LISTEN)).toHaveLength(1);
    const [closeWait] = byState(MIB.CLOSE_WAIT);
    const [finWait2] = byState(MIB.FIN_WAIT2);
    // tcpi_bytes_received follows rcv_nxt, which the peer's FIN advances by one (ss: bytes_received:1):
    // Received is payload, so a CLOSE-WAIT end that was sent nothing has received 0 bytes, not 1.
    expect([closeWait.counters![C.BYTES_SENT], closeWait.counters![C.BYTES_RECEIVED]]).toEqual([SENT, 0]);
    expect([finWait2.counters![C.BYTES_SENT], finWait2.counters![C.BYTES_RECEIVED]]).toEqual([0, SENT]);
    for (const r of [...byState(MIB.ESTABLISHED), closeWait, finWait2]) {
      expect(r.counters![C.SEGS_OUT]).toBeGreaterThan(0);
      expect(r.counters![C.SEGS_IN]).toBeGreaterThan(0);
      expect(r.counters![C.RETRANS]).toBe(0);
    }
  });
});

describe('procfs backend', () => {
  it('carries no counters and says why', () => {
    const s = createLinuxSource({ tables: 'procfs' });
    const t = s.read();
    expect(t.counters).toBeUndefined();
    expect(t.countersNote).toBe('not available with the procfs backend');
    s.close?.();
  });
});
