import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import { readRecording, readRecordingSet, recordingFiles } from './read-recording';
import { createRecorder } from './recorder';
import { createRotatingWriter } from './rotating-writer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netmon-rec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function event(i: number, type: ConnectionEvent['type'] = 'opened'): ConnectionEvent {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 10000 + i, remoteAddress: '127.0.0.1',
    remotePort: 80, state: 'ESTABLISHED', pid: 100 + i, process: i % 2 ? 'odd, "name"' : 'even',
  };
  const e: ConnectionEvent = { type, time: 1_700_000_000_000 + i, connection: { id: connectionKey(c), ...c } };
  if (type === 'changed') e.previousState = 'SYN-SENT';
  return e;
}

describe('createRotatingWriter', () => {
  it('rotates before a write would exceed maxBytes and keeps maxFiles files', () => {
    const path = join(dir, 'log.txt');
    const w = createRotatingWriter({ path, maxBytes: 10, maxFiles: 3 });
    for (let i = 0; i < 10; i++) w.write(`line${i}\n`); // 6 bytes each: one line a file
    w.close();
    expect(readdirSync(dir).sort()).toEqual(['log.txt', 'log.txt.1', 'log.txt.2']);
    expect(readFileSync(path, 'utf8')).toBe('line9\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('line8\n');
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('line7\n');
    expect(w.rotations).toBe(9);
  });

  it('fills a file up to the limit exactly', () => {
    const path = join(dir, 'log.txt');
    const w = createRotatingWriter({ path, maxBytes: 12, maxFiles: 2 });
    for (let i = 0; i < 3; i++) w.write(`line${i}\n`);
    w.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('line0\nline1\n');
    expect(readFileSync(path, 'utf8')).toBe('line2\n');
    expect(statSync(`${path}.1`).size).toBe(12);
  });

  it('writes the header at the top of every file and keeps oversize pieces whole', () => {
    const path = join(dir, 'x.csv');
    const w = createRotatingWriter({ path, maxBytes: 8, maxFiles: 5, header: 'h\n' });
    w.write('aaaaaaaaaaaa\n');
    w.write('b\n');
    w.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('h\naaaaaaaaaaaa\n');
    expect(readFileSync(path, 'utf8')).toBe('h\nb\n');
  });

  it('continues an existing file instead of clobbering it; one with another header is kept whole as FILE.1', () => {
    const path = join(dir, 'log.txt');
    writeFileSync(path, 'h\nold\n');
    const w = createRotatingWriter({ path, maxBytes: 100, header: 'h\n' });
    w.write('new\n');
    w.close();
    expect(readFileSync(path, 'utf8')).toBe('h\nold\nnew\n');
    writeFileSync(path, 'other\nold\n');
    const w2 = createRotatingWriter({ path, maxBytes: 100, header: 'h\n' });
    w2.write('new\n');
    w2.close();
    expect([readFileSync(`${path}.1`, 'utf8'), readFileSync(path, 'utf8')]).toEqual(['other\nold\n', 'h\nnew\n']);
  });

  it('maxFiles 1 starts the live file afresh', () => {
    const path = join(dir, 'log.txt');
    const w = createRotatingWriter({ path, maxBytes: 6, maxFiles: 1 });
    w.write('one\n');
    w.write('two\n');
    w.close();
    expect(readdirSync(dir)).toEqual(['log.txt']);
    expect(readFileSync(path, 'utf8')).toBe('two\n');
  });

  it('rejects bad limits and writes after close', () => {
    expect(() => createRotatingWriter({ path: join(dir, 'a'), maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => createRotatingWriter({ path: join(dir, 'a'), maxFiles: 0 })).toThrow(/maxFiles/);
    const w = createRotatingWriter({ path: join(dir, 'b') });
    w.close();
    expect(() => w.write('x')).toThrow(/closed/);
  });
});

describe('recorder + readRecording', () => {
  const events = [event(1), event(2, 'changed'), event(3, 'closed'), event(4), event(5)];

  it('NDJSON round trip through rotation, oldest first', async () => {
    const path = join(dir, 'rec.ndjson');
    const r = createRecorder({ path, maxBytes: 1500, maxFiles: 10 });
    r.record(events);
    r.close();
    const files = recordingFiles(path);
    expect(files.length).toBeGreaterThan(1);
    expect(files.at(-1)).toBe(path);
    for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(1500);
    const { events: back, notices } = await readRecordingSet(path);
    expect(notices).toEqual([]);
    expect(back.map((e) => [e.type, e.time, e.connection.id, e.connection.process])).toEqual(
      events.map((e) => [e.type, e.time, e.connection.id, e.connection.process]),
    );
    expect(back[1].previousState).toBe('SYN-SENT');
  });

  it('CSV: a header in every file, read back the same', async () => {
    const path = join(dir, 'rec.csv');
    const r = createRecorder({ path, format: 'csv', maxBytes: 700, maxFiles: 10 });
    r.record(events);
    r.close();
    const files = recordingFiles(path);
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(readFileSync(f, 'utf8').startsWith('time,type,protocol,family,')).toBe(true);
    const { events: back, notices } = await readRecordingSet(path);
    expect(notices).toEqual([]);
    expect(back.map((e) => [e.type, e.time, e.connection.id, e.connection.process, e.previousState])).toEqual(
      events.map((e) => [e.type, e.time, e.connection.id, e.connection.process, e.previousState]),
    );
  });

  it('drops a partial last line and says so; a bad line elsewhere is skipped and named with its line', async () => {
    const path = join(dir, 'cut.ndjson');
    const r = createRecorder({ path });
    r.record(events.slice(0, 2));
    r.close();
    const full = readFileSync(path, 'utf8');
    writeFileSync(path, full + full.slice(0, 30));
    const read = await readRecording(path);
    expect(read.events).toHaveLength(2);
    expect(read.summary.torn).toEqual({ line: 3, message: 'not complete JSON (cut off mid-write?)' });
    expect(read.notice).toBe(`${path}: read 2 events from 3 lines; the last record (line 3) was cut off mid-write and skipped`);
    writeFileSync(path, 'garbage\n' + full);
    const bad = await readRecording(path);
    expect(bad.events).toHaveLength(2);
    expect(bad.summary.problems).toEqual([{ line: 1, message: 'not JSON' }]);
    expect(bad.notice).toBe(`${path}: read 2 events from 3 lines; skipped 1 record (line 1: not JSON)`);
  });

  it('a missing recording is an error', async () => {
    await expect(readRecordingSet(join(dir, 'none'))).rejects.toThrow(/no recording/);
  });
});

describe('recording file mode', () => {
  it('a new recording is readable by its owner only (0600)', () => {
    const d = mkdtempSync(join(tmpdir(), 'netmon-mode-'));
    try {
      const path = join(d, 'r.ndjson');
      const w = createRotatingWriter({ path, maxBytes: 1 << 20, maxFiles: 2 });
      w.write('x\n');
      w.close();
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
