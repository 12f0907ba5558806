import { describe, expect, it } from 'vitest';
import { encodeBatch, type EngineStatus, type EventBatch } from '../../shared/ipc';
import { runSelfTest, selfTestReport } from '../../main/electron/self-test';

const status = (over: Partial<EngineStatus> = {}): EngineStatus => ({ paused: false, intervalMs: 1000, source: 'windows-iphlpapi', lastPollAt: 1, lastPollMs: 2, lastError: null, ...over });
const versions = { netmon: '1.0.0', electron: '45.4.1' };

describe('selfTestReport', () => {
  it('ok only with a full batch, no error and the renderer served', () => {
    const full: EventBatch = { seq: 1, time: 1, full: true, connections: [], events: [], status: status() };
    expect(selfTestReport(full, 200, versions, 12, 30_000)).toEqual({ ok: true, source: 'windows-iphlpapi', lastError: null, rows: 0, renderer: 200, versions, elapsedMs: 12 });
    expect(selfTestReport(full, 404, versions, 12, 30_000).ok).toBe(false);
    const failed: EventBatch = { seq: 1, time: 1, full: false, events: [], status: status({ lastError: 'GetTcpTable2 failed: 87' }) };
    expect(selfTestReport(failed, 200, versions, 12, 30_000)).toMatchObject({ ok: false, lastError: 'GetTcpTable2 failed: 87', rows: null });
    expect(selfTestReport(null, 200, versions, 30_000, 30_000)).toMatchObject({ ok: false, source: null, lastError: 'no batch from the engine within 30000 ms' });
  });
});

describe('runSelfTest', () => {
  it('waits past failed polls for the first full batch', async () => {
    let listener: ((json: string) => void) | null = null;
    const p = runSelfTest({ onBatch: (l) => ((listener = l), () => (listener = null)), checkRenderer: async () => 200, versions, now: () => 0, timeoutMs: 5000 });
    listener!('not json');
    listener!(encodeBatch({ seq: 1, time: 1, full: false, events: [], status: status({ lastError: 'STATUS_UNSUCCESSFUL' }) }));
    listener!(encodeBatch({ seq: 2, time: 2, full: true, connections: [{} as never, {} as never], events: [], status: status() }));
    const r = await p;
    expect(r).toMatchObject({ ok: true, rows: 2, lastError: null });
    expect(listener).toBeNull();
  });

  it('gives up at the timeout with the last error, and survives a renderer check that throws', async () => {
    let listener: ((json: string) => void) | null = null;
    const p = runSelfTest({ onBatch: (l) => ((listener = l), () => undefined), checkRenderer: async () => { throw new Error('no asar'); }, versions, now: () => 0, timeoutMs: 50 });
    listener!(encodeBatch({ seq: 1, time: 1, full: false, events: [], status: status({ lastError: 'access denied' }) }));
    expect(await p).toMatchObject({ ok: false, lastError: 'access denied', renderer: null });
  });
});
