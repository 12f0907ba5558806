import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from '../../shared/connection';
import { fakeEngine } from '../../test/server/helpers';
import { createRecorder } from '../record/recorder';
import type { WriterFs } from '../record/rotating-writer';
import { createEngineRecorder } from './recording';

const base: Omit<Connection, 'id'> = {
  protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 5000, remoteAddress: '127.0.0.1', remotePort: 6000,
  state: 'ESTABLISHED', pid: 42, process: 'node',
};
const conn: Connection = { id: connectionKey(base), ...base };
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('browser-mode recording on a full disk', () => {
  it('stops the recording with a message naming the file; the engine keeps its listener count right and nothing half-written stays', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'netmon-srvrec-'));
    let full = false;
    const diskFs: WriterFs = {
      ...fs,
      writeSync: ((fd: number, buf: Buffer, off: number, len: number) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return fs.writeSync(fd, buf, off, len);
      }) as WriterFs['writeSync'],
    };
    const engine = fakeEngine();
    const errors: string[] = [];
    const rec = createEngineRecorder({
      engine,
      dir,
      onError: (m) => errors.push(m),
      createRecorder: (o) => createRecorder({ ...o, fs: diskFs }),
    });
    const on = await rec.setRecording(true, 'ndjson');
    engine.emit({ seq: 1, time: 10, full: false, events: [{ type: 'opened', time: 10, connection: conn }], status: engine.state });
    full = true;
    // Before: the write error escaped the engine's batch listener on every batch.
    expect(() =>
      engine.emit({ seq: 2, time: 20, full: false, events: [{ type: 'closed', time: 20, connection: conn }], status: engine.state }),
    ).not.toThrow();
    expect(errors).toEqual([`recording stopped: cannot write recording ${on.path}: no space left on device (ENOSPC); the event was not written`]);
    expect(engine.listeners()).toBe(0);
    // Stopped by the engine side: every viewer asking later learns why (the error stays until the next start).
    expect(await rec.setRecording(false, 'ndjson')).toEqual({ active: false, path: null, format: 'ndjson', error: errors[0] });
    const lines = readFileSync(on.path as string, 'utf8').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
  });
});
