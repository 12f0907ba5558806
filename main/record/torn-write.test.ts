// Recordings survive a torn write: a writer killed mid-line, a disk that fills up, a file that is
// huge or is not a recording at all. Real files in a temp dir; ENOSPC through a failing fs layer
// (half-written at an exact byte); enospc.linux.test.ts fills a real tmpfs.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import { formatNdjson } from '../../shared/format';
import { readRecording, readRecordingSet, RecordingError, streamRecording } from './read-recording';
import { createRecorder } from './recorder';
import { RecordingWriteError, type WriterFs } from './rotating-writer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netmon-torn-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function conn(port: number, process = 'node'): Connection {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: port, remoteAddress: '127.0.0.1', remotePort: 80,
    state: 'ESTABLISHED', pid: 100, process,
  };
  return { id: connectionKey(c), ...c };
}
const ev = (port: number, process?: string): ConnectionEvent => ({ type: 'opened', time: 1_700_000_000_000 + port, connection: conn(port, process) });
const ports = (events: readonly ConnectionEvent[]) => events.map((e) => e.connection.localPort);

/** Cuts `n` bytes off the end of the file (a writer killed mid-line). */
function cut(path: string, n: number): void {
  truncateSync(path, statSync(path).size - n);
}

describe('a torn last line, then the recording is continued', () => {
  for (const format of ['ndjson', 'csv'] as const) {
    it(`${format}: the next event starts a fresh line and is read back; the torn one is skipped and named`, async () => {
      const path = join(dir, `rec.${format}`);
      const r1 = createRecorder({ path, format });
      r1.record([ev(1), ev(2)]);
      r1.close();
      cut(path, 20);
      const torn = await readRecording(path);
      expect(ports(torn.events)).toEqual([1]);
      expect(torn.summary.torn?.line).toBe(format === 'csv' ? 3 : 2);
      expect(torn.notice).toMatch(/was cut off mid-write and skipped$/);

      const r2 = createRecorder({ path, format });
      r2.record([ev(3), ev(4)]);
      r2.close();
      const back = await readRecording(path);
      expect(ports(back.events)).toEqual([1, 3, 4]);
      expect(back.summary.torn).toBeNull();
      expect(back.summary.problemCount).toBe(1);
      expect(back.summary.problems[0].line).toBe(format === 'csv' ? 3 : 2);
      expect(back.notice).toContain(`${path}: read 3 events from ${format === 'csv' ? 5 : 4} lines; skipped 1 record (line ${format === 'csv' ? 3 : 2}: `);
    });
  }

  it('csv: a record cut inside a quoted cell cannot swallow the records written after it', async () => {
    const path = join(dir, 'q.csv');
    const r1 = createRecorder({ path, format: 'csv' });
    r1.record([ev(1), ev(2, 'a, "quoted" name')]);
    r1.close();
    const text = readFileSync(path, 'utf8');
    truncateSync(path, Buffer.byteLength(text.slice(0, text.indexOf('a, ""quoted') + 5)));
    const r2 = createRecorder({ path, format: 'csv' });
    r2.record([ev(3), ev(4, 'b, "x"')]);
    r2.close();
    const back = await readRecording(path);
    expect(ports(back.events)).toEqual([1, 3, 4]);
    expect(back.events[2].connection.process).toBe('b, "x"');
    expect(back.summary.problems).toEqual([{ line: 3, message: 'expected 33 fields, got 13 (cut off mid-write?)' }]);
  });

  it('a file that ends cleanly gets no extra line', () => {
    const path = join(dir, 'clean.ndjson');
    createRecorder({ path }).close();
    const r = createRecorder({ path });
    r.record([ev(1)]);
    r.close();
    const r2 = createRecorder({ path });
    r2.record([ev(2)]);
    r2.close();
    expect(readFileSync(path, 'utf8').split('\n').map((l) => l.length > 0)).toEqual([true, true, false]);
  });
});

describe('readers skip a torn last record in NDJSON and CSV alike', () => {
  it('csv: the file is read, not rejected; the cut record is named', async () => {
    const path = join(dir, 'cut.csv');
    const r = createRecorder({ path, format: 'csv' });
    r.record([ev(1), ev(2), ev(3)]);
    r.close();
    cut(path, 7);
    const read = await readRecording(path);
    expect(ports(read.events)).toEqual([1, 2]);
    expect(read.notice).toBe(`${path}: read 2 events from 4 lines; the last record (line 4) was cut off mid-write and skipped`);
  });
});

describe('disk full (ENOSPC)', () => {
  it('through a failing fs layer: the error names the file and the half-written line is cut back off', async () => {
    const path = join(dir, 'full.ndjson');
    let budget = Infinity;
    // A disk that takes `budget` more bytes, then writes short and fails, as write(2) does.
    const failing: WriterFs = {
      ...fs,
      writeSync: ((fd: number, buf: Buffer, off: number, len: number) => {
        if (budget <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        const n = Math.min(len, budget);
        budget -= n;
        return fs.writeSync(fd, buf, off, n);
      }) as WriterFs['writeSync'],
    };
    const r = createRecorder({ path, fs: failing });
    r.record([ev(1), ev(2)]);
    const before = readFileSync(path, 'utf8');
    budget = 50; // the next event gets 50 of its ~600 bytes on disk, then the disk is full
    expect(() => r.record([ev(3)])).toThrow(RecordingWriteError);
    try {
      r.record([ev(4)]);
    } catch (e) {
      expect((e as Error).message).toBe(`cannot write recording ${path}: no space left on device (ENOSPC); the event was not written`);
    }
    r.close();
    expect(readFileSync(path, 'utf8')).toBe(before);
    const back = await readRecording(path);
    expect([ports(back.events), back.notice]).toEqual([[1, 2], null]);
  });
});

describe('files that are not (whole) recordings', () => {
  it('over 512 MiB (sparse, all zeros): a RecordingError naming the file, not a bare RangeError', async () => {
    const path = join(dir, 'huge.ndjson');
    const fd = openSync(path, 'w');
    closeSync(fd);
    truncateSync(path, 600 * 1024 * 1024);
    const started = Date.now();
    const err = await streamRecording(path, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecordingError);
    expect((err as Error).message).toBe(
      `${path} is not a netmon recording: line 1: longer than 1048576 characters: not a netmon event (1 line read, no events; stopped after 8 MiB)`,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('a large valid recording streams through whole', async () => {
    const path = join(dir, 'big.ndjson');
    const r = createRecorder({ path, maxBytes: 1 << 30 });
    for (let i = 0; i < 5; i++) r.record(Array.from({ length: 1000 }, (_, j) => ev(i * 1000 + j)));
    r.close();
    let n = 0;
    let last = -1;
    const summary = await streamRecording(path, (e) => {
      expect(e.connection.localPort).toBe(last + 1);
      last = e.connection.localPort;
      n++;
    });
    expect([n, summary.events, summary.lines, summary.problemCount]).toEqual([5000, 5000, 5000, 0]);
  });

  it('`line 1: bad time undefined` becomes the file, the line, the field and how much was read', async () => {
    const path = join(dir, 'nottime.ndjson');
    writeFileSync(path, '{"type":"opened","connection":{}}\n{"type":"opened","connection":{}}\n');
    await expect(readRecording(path)).rejects.toThrow(
      `${path} is not a netmon recording: line 1: field "time": missing (expected an ISO 8601 time) (2 lines read, no events)`,
    );
  });

  it('snapshot output opened as a recording says what it is', async () => {
    const path = join(dir, 'snapshot.ndjson');
    writeFileSync(path, formatNdjson([conn(1), conn(2)]));
    await expect(readRecording(path)).rejects.toThrow(
      `${path} is not a netmon recording: line 1: this is a connection (as \`netmon snapshot --json\` prints), not an event (as \`netmon watch --json\` records) (2 lines read, no events)`,
    );
  });

  it('a missing file or a directory: the error names it', async () => {
    await expect(readRecording(join(dir, 'none.ndjson'))).rejects.toThrow(`cannot read recording ${join(dir, 'none.ndjson')}: no such file or directory (ENOENT)`);
    await expect(readRecording(dir)).rejects.toThrow(`cannot read recording ${dir}: illegal operation on a directory (EISDIR)`);
  });

  it('an empty file is an empty recording', async () => {
    const path = join(dir, 'empty.ndjson');
    writeFileSync(path, '');
    expect(await readRecording(path)).toEqual({ events: [], summary: expect.objectContaining({ events: 0, lines: 0 }), notice: null });
  });
});

describe('continuing a CSV recording written with other columns (an older netmon)', () => {
  it('keeps the old file whole as FILE.1 and starts FILE with the current header; both read back clean', async () => {
    const path = join(dir, 'old.csv');
    const old =
      'time,type,protocol,family,localAddress,localPort,remoteAddress,remotePort,state,pid,process,previousState,previousPid\r\n' +
      '2024-01-02T03:04:05.060Z,opened,tcp,4,127.0.0.1,5000,127.0.0.1,40000,ESTABLISHED,42,node,,\r\n';
    writeFileSync(path, old);
    const r = createRecorder({ path, format: 'csv' });
    r.record([ev(7)]);
    r.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(old);
    const set = await readRecordingSet(path);
    expect([ports(set.events), set.notices]).toEqual([[5000, 7], []]);
  });
});
