// Owners against the real kernel: processes, not PIDs. A zombie child does not keep a listener
// its parent still holds; a closed row names the owner it had; a socket held only in a thread's own
// fd table still has its process as owner; names are whole, not comm's 15 bytes.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../main/engine/engine';
import { createLinuxSource } from '../../main/source/linux';
import { parseStat } from '../../main/source/linux/processes';
import { ssRows, waitFor } from './helpers';
import { PYTHON, startForkedListener, startHolder, startThreadHolder, type ForkedListener, type Holder } from './holder';

const stateOf = (pid: number): string | null => {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.state ?? null;
  } catch {
    return null;
  }
};

describe('owners are live processes', () => {
  let f: ForkedListener | undefined;
  afterAll(async () => f?.end());

  it('a listener inherited by a child that exits unreaped: changed pid child→parent, then closed naming the parent', async () => {
    f = await startForkedListener();
    const source = createLinuxSource();
    const engine = createEngine({ source });
    const mine = (c: { localPort: number; state: string | null }) => c.localPort === f!.port && c.state === 'LISTEN';
    await engine.pollNow();
    // ss lists both processes on the one socket; netmon names one of them: the child (newest first).
    const listener = () => ssRows('tcp', [f!.port]).find((s) => s.state === 'LISTEN' && s.lport === f!.port)!;
    const users = listener().users.map((u) => u.pid).sort();
    expect(users).toEqual([f.parentPid, f.childPid].sort());
    expect(engine.snapshot().connections.filter(mine).map((c) => c.pid)).toEqual([f.childPid]);

    await f.endChild();
    await waitFor('the child to become a zombie', () => stateOf(f!.childPid) === 'Z', 10_000);
    expect(listener().users.map((u) => u.pid)).toEqual([f.parentPid]);
    const changed = (await engine.pollNow()).events.filter((e) => mine(e.connection));
    expect(changed.map((e) => [e.type, e.previousPid, e.connection.pid])).toEqual([['changed', f.childPid, f.parentPid]]);
    expect(changed[0].connection.process).toBe('python3');

    await f.closeListener();
    const closed = (await engine.pollNow()).events.filter((e) => mine(e.connection));
    expect(closed.map((e) => [e.type, e.connection.pid, e.connection.process])).toEqual([['closed', f.parentPid, 'python3']]);
    source.close?.();
  });
});

describe('sockets held only by a thread', () => {
  let h: Holder | undefined;
  afterAll(async () => h?.end());

  it.each(['auto', 'procfs'] as const)('a listener in a thread\'s own fd table (unshare CLONE_FILES) is owned by its process (tables: %s)', async (tables) => {
    h ??= await startThreadHolder();
    const source = createLinuxSource({ tables });
    const engine = createEngine({ source });
    await engine.pollNow();
    const rows = engine.snapshot().connections.filter((c) => c.localPort === h!.ports[0]);
    expect(rows.map((c) => [c.state, c.pid, c.process])).toEqual([['LISTEN', h.pid, 'python3']]);
    source.close?.();
  });
});

describe('whole process names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netmon-names-'));
  const holders: Holder[] = [];
  afterAll(async () => {
    for (const h of holders) await h.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a binary named averyveryverylongservername (a copy) and one named ппппппппп (a symlink) show their whole names', async () => {
    const long = join(dir, 'averyveryverylongservername');
    copyFileSync(PYTHON, long);
    const cyr = join(dir, 'ппппппппп');
    symlinkSync(PYTHON, cyr);
    for (const python of [long, cyr]) holders.push(await startHolder([{ proto: 'tcp', host: '127.0.0.1', port: 0 }], { python }));
    // What the kernel keeps: 15 bytes, the second cut inside a letter.
    expect(readFileSync(`/proc/${holders[0].pid}/comm`, 'utf8')).toBe('averyveryverylo\n');
    expect(readFileSync(`/proc/${holders[1].pid}/comm`, 'utf8')).toBe('ппппппп\uFFFD\n');
    const source = createLinuxSource();
    const engine = createEngine({ source });
    await engine.pollNow();
    const rows = holders.map((h) => engine.snapshot().connections.find((c) => c.localPort === h.ports[0] && c.pid === h.pid));
    expect(rows.map((c) => c?.process)).toEqual(['averyveryverylongservername', 'ppppppppp'.replace(/p/g, 'п')]);
    // The owner's start time (PID + start time identify it): within the last minute.
    for (const c of rows) expect(Date.now() - c!.processStartTime!).toBeGreaterThanOrEqual(-1000);
    for (const c of rows) expect(Date.now() - c!.processStartTime!).toBeLessThan(60_000);
    source.close?.();
  });
});
