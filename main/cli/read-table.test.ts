// readTableOnce: the one table read of snapshot, top, ports and baseline save.
import { describe, expect, it } from 'vitest';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import type { ConnectionSource } from '../source/types';
import type { CliIo } from './io';
import { readTableOnce } from './read-table';

const LISTEN = { local: '127.0.0.1', localPort: 8080, state: 'LISTEN' as const, pid: 10 };
const CLIENT = { local: '127.0.0.1', localPort: 50000, remote: '127.0.0.1', remotePort: 8080, state: 'ESTABLISHED' as const, pid: 11 };

function harness(script: ScriptStep[], stop = new AbortController()) {
  let err = '';
  let closed = 0;
  const source = createScriptedSource(script);
  const io: CliIo = {
    stdout: () => undefined,
    stderr: (t) => (err += t),
    createSource: (): ConnectionSource => ({ ...source, read: () => source.read(), close: () => void closed++ }),
    stop: stop.signal,
  };
  return { io, err: () => err, closed: () => closed, reads: () => source.reads };
}

describe('readTableOnce', () => {
  it('one poll by default: the whole table, the source closed', async () => {
    const h = harness([[LISTEN, CLIENT]]);
    const r = await readTableOnce('scripted', h.io);
    expect(r?.stopped).toBe(false);
    expect(r?.last.connections.map((c) => c.localPort).sort()).toEqual([50000, 8080].sort());
    expect([h.reads(), h.closed(), h.err()]).toEqual([1, 1, '']);
  });

  it('polls again as `again` asks, on one engine: the last read is the table after the last poll', async () => {
    const h = harness([[LISTEN], [LISTEN, CLIENT], [CLIENT]]);
    const seen: number[] = [];
    const r = await readTableOnce('scripted', h.io, { again: (t) => (seen.push(t.connections.length) < 3 ? 1 : null) });
    expect(seen).toEqual([1, 2, 1]);
    expect(r?.last.connections.map((c) => c.localPort)).toEqual([50000]);
    expect([h.reads(), h.closed()]).toEqual([3, 1]);
  });

  it('a failed poll: one stderr line, null, the source closed', async () => {
    const h = harness([[LISTEN], { error: 'access denied (5)' }]);
    const r = await readTableOnce('scripted', h.io, { again: () => 1 });
    expect(r).toBeNull();
    expect(h.err()).toBe('netmon: cannot read the connection table: access denied (5)\n');
    expect(h.closed()).toBe(1);
  });

  it('stopped while waiting: the last read, marked stopped, without waiting out the pause', async () => {
    const stop = new AbortController();
    const h = harness([[LISTEN]], stop);
    const t0 = Date.now();
    const pending = readTableOnce('scripted', h.io, { again: () => 60_000 });
    setTimeout(() => stop.abort(), 20);
    const r = await pending;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r?.stopped).toBe(true);
    expect(r?.last.connections).toHaveLength(1);
    expect(h.closed()).toBe(1);
  });

  it('a throwing `again` still closes the source', async () => {
    const h = harness([[LISTEN]]);
    await expect(
      readTableOnce('scripted', h.io, {
        again: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(h.closed()).toBe(1);
  });
});
