// ENOSPC for real: a recording written into a 64 KiB tmpfs this test mounts, until the disk is full.
// Linux only (mount); the failing-fs-layer case in torn-write.test.ts runs everywhere.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import { readRecording } from './read-recording';
import { createRecorder } from './recorder';
import { RecordingWriteError } from './rotating-writer';

function ev(port: number, process: string): ConnectionEvent {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: port, remoteAddress: '127.0.0.1', remotePort: 80,
    state: 'ESTABLISHED', pid: 100, process,
  };
  return { type: 'opened', time: 1_700_000_000_000 + port, connection: { id: connectionKey(c), ...c } };
}

describe('on a real 64 KiB tmpfs', () => {
  const mnt = mkdtempSync(join(tmpdir(), 'netmon-tmpfs-'));
  let mounted = false;
  afterAll(() => {
    if (mounted) execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it('watching into it until it is full: error names the file, every line on disk is whole', async () => {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mnt], { stdio: 'pipe' });
      mounted = true;
    } catch (e) {
      throw new Error(`this test mounts a 64 KiB tmpfs to fill it and needs root (CAP_SYS_ADMIN): ${String((e as Error).message)}`, { cause: e });
    }
    mkdirSync(join(mnt, 'rec'));
    const path = join(mnt, 'rec', 'events.ndjson');
    const r = createRecorder({ path, maxBytes: 1 << 30 });
    let error: unknown = null;
    let written = 0;
    for (let i = 1; i <= 1000 && error === null; i++) {
      try {
        r.record([ev(i, 'x'.repeat(100 + (i % 37)))]);
        written = i;
      } catch (e) {
        error = e;
      }
    }
    r.close();
    expect(error).toBeInstanceOf(RecordingWriteError);
    expect((error as RecordingWriteError).code).toBe('ENOSPC');
    expect((error as Error).message).toMatch(new RegExp(`^cannot write recording ${path}: no space left on device \\(ENOSPC\\); the event was not written$`));
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const back = await readRecording(path);
    expect(back.notice).toBeNull();
    expect(back.events.length).toBe(written);
    expect(written).toBeGreaterThan(50);
  });
});
