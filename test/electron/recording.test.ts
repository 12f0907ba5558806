import { describe, expect, it, vi } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { alreadyRecording, encodeBatch, type EventBatch, type RecordingStatus } from '../../shared/ipc';
import { createRecordingController, recordingFileName, type RecorderLike } from '../../main/electron/recording';

const status = { paused: false, intervalMs: 1000, source: 'scripted', lastPollAt: null, lastPollMs: null, lastError: null };
const event = { type: 'opened', time: 5, connection: { id: 'x' } } as unknown as ConnectionEvent;
const batch = (events: ConnectionEvent[]): string => encodeBatch({ seq: 1, time: 5, full: false, events, status } as EventBatch);

function setup() {
  const made: { path: string; format: string; lines: ConnectionEvent[][]; closed: boolean }[] = [];
  const errors: string[] = [];
  const mkdir = vi.fn(async () => undefined);
  const changes: RecordingStatus[] = [];
  const c = createRecordingController({
    onChange: (s) => changes.push(s),
    directory: '/data/recordings',
    mkdir,
    now: () => new Date(Date.UTC(2025, 0, 31, 9, 5, 7)),
    onError: (m) => errors.push(m),
    createRecorder: ({ path, format }) => {
      const rec = { path, format, lines: [] as ConnectionEvent[][], closed: false };
      made.push(rec);
      const r: RecorderLike = {
        path,
        record: (ev) => {
          if ((ev[0] as unknown as { type: string }).type === 'boom') throw new Error('ENOSPC: no space left on device');
          rec.lines.push([...ev]);
        },
        close: () => void (rec.closed = true),
      };
      return r;
    },
  });
  return { c, made, errors, mkdir, changes };
}

describe('recording controller', () => {
  it('names files by UTC time without colons', () => {
    expect(recordingFileName(new Date(Date.UTC(2025, 0, 31, 9, 5, 7)), 'csv')).toBe('netmon-2025-01-31T09-05-07.csv');
  });

  it('records events only while on', async () => {
    const { c, made, mkdir } = setup();
    c.onBatch(batch([event]));
    expect(made).toHaveLength(0);
    const s = await c.set(true, 'ndjson');
    expect(s).toEqual({ active: true, path: '/data/recordings/netmon-2025-01-31T09-05-07.ndjson', format: 'ndjson', error: null });
    expect(mkdir).toHaveBeenCalledWith('/data/recordings');
    c.onBatch(batch([]));
    c.onBatch(batch([event, event]));
    expect(made[0].lines).toEqual([[event, event]]);
    // A second start (a reloaded window that did not know) is refused naming the file; the recording goes on.
    await expect(c.set(true, 'ndjson')).rejects.toThrow(alreadyRecording(s.path));
    expect(c.status()).toEqual(s);
    expect(made).toHaveLength(1);
    expect(await c.set(false, 'ndjson')).toEqual({ active: false, path: null, format: 'ndjson', error: null });
    expect(made[0].closed).toBe(true);
    c.onBatch(batch([event]));
    expect(made[0].lines).toHaveLength(1);
  });

  it('a start in another format while one runs is refused; after a stop, CSV gets a new file', async () => {
    const { c, made } = setup();
    const first = await c.set(true, 'ndjson');
    await expect(c.set(true, 'csv')).rejects.toThrow(alreadyRecording(first.path));
    expect(made).toHaveLength(1);
    await c.set(false, 'ndjson');
    const s = await c.set(true, 'csv');
    expect(s.format).toBe('csv');
    expect(s.path?.endsWith('.csv')).toBe(true);
    expect(made[0].closed).toBe(true);
    expect(made[1].closed).toBe(false);
  });

  it('a write failure ends the recording and is reported', async () => {
    const { c, made, errors } = setup();
    await c.set(true, 'ndjson');
    c.onBatch(batch([{ type: 'boom' } as unknown as ConnectionEvent]));
    expect(c.status().active).toBe(false);
    expect(made[0].closed).toBe(true);
    expect(errors[0]).toMatch(/recording stopped: ENOSPC/);
  });

  it('tells the window of every change, a write failure with its reason, and nothing for a stop when none runs', async () => {
    const { c, changes, errors } = setup();
    await c.set(false, 'ndjson');
    expect(changes).toEqual([]);
    const on = await c.set(true, 'ndjson');
    expect(changes).toEqual([on]);
    c.onBatch(batch([{ type: 'boom' } as unknown as ConnectionEvent]));
    expect(changes.at(-1)).toEqual({ active: false, path: null, format: 'ndjson', error: errors[0] });
    // A window loaded afterwards (getRecording) learns why too; the next start clears it.
    expect(c.status().error).toBe(errors[0]);
    const again = await c.set(true, 'ndjson');
    expect(again.error).toBeNull();
    await c.set(false, 'ndjson');
    expect(changes.map((s) => s.active)).toEqual([true, false, true, false]);
  });
});
