import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineRecorder } from '../../main/server/recording';
import { alreadyRecording } from '../../shared/ipc';
import { fakeEngine, LOOPBACK_CONN } from './helpers';

const conn = LOOPBACK_CONN;

describe('browser-mode recording', () => {
  it('writes the events of each batch while active, and stops when turned off', async () => {
    const engine = fakeEngine();
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'netmon-rec-')), 'recordings');
    const rec = createEngineRecorder({ engine, dir, now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
    const on = await rec.setRecording(true, 'ndjson');
    expect(on.active).toBe(true);
    expect(on.path).toBe(path.join(dir, 'netmon-events-2026-01-02T03-04-05-000Z.ndjson'));
    expect(engine.listeners()).toBe(1);
    engine.emit({ seq: 1, time: 10, full: false, events: [{ type: 'opened', time: 10, connection: conn }], status: engine.state });
    engine.emit({ seq: 2, time: 20, full: false, events: [], status: engine.state });
    engine.emit({ seq: 3, time: 30, full: false, events: [{ type: 'closed', time: 30, connection: conn }], status: engine.state });
    const off = await rec.setRecording(false, 'ndjson');
    expect(off).toEqual({ active: false, path: null, format: 'ndjson', error: null });
    expect(engine.listeners()).toBe(0);
    engine.emit({ seq: 4, time: 40, full: false, events: [{ type: 'opened', time: 40, connection: conn }], status: engine.state });
    await expect.poll(() => readFileSync(on.path as string, 'utf8').trim().split('\n').length).toBe(2);
    const lines = readFileSync(on.path as string, 'utf8').trim().split('\n');
    expect(lines[0]).toContain('opened');
    expect(lines[1]).toContain('closed');
    expect(lines.join('')).toContain('5000');
  });
  it('refuses a start in another format while one runs (it would end that file unseen); after a stop, a CSV start gets a CSV file', async () => {
    const engine = fakeEngine();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'netmon-rec-'));
    let t = 0;
    const rec = createEngineRecorder({ engine, dir, now: () => new Date(Date.UTC(2026, 0, 1) + 1000 * t++) });
    const a = await rec.setRecording(true, 'ndjson');
    await expect(rec.setRecording(true, 'csv')).rejects.toThrow(alreadyRecording(a.path));
    expect(rec.status?.()).toEqual(a);
    await rec.setRecording(false, 'ndjson');
    const b = await rec.setRecording(true, 'csv');
    expect(b.path).not.toBe(a.path);
    expect(b.path).toMatch(/\.csv$/);
    expect(engine.listeners()).toBe(1);
    rec.close();
    expect(engine.listeners()).toBe(0);
  });
});
