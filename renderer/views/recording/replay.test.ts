import { describe, expect, it } from 'vitest';
import { EventLog } from '../../store/eventLog';
import { conn } from '../../test/fixtures';
import { recordingSpan, REPLAY_RATES_NOTE, replayUntil } from './replay';

describe('recording replay', () => {
  const a = conn({ localPort: 1 });
  const b = conn({ localPort: 2 });
  const log = new EventLog(10);
  log.push({ type: 'opened', time: 1000, connection: a });
  log.push({ type: 'opened', time: 2000, connection: b });
  log.push({ type: 'changed', time: 3000, connection: { ...a, state: 'CLOSE-WAIT' }, previousState: 'ESTABLISHED' });
  log.push({ type: 'closed', time: 4000, connection: b });
  const events = log.toArray();

  it('shows the table as it stood at the chosen time', () => {
    const ids = (t: number) => [...replayUntil(events, t).rows.keys()].sort();
    expect(ids(500)).toEqual([]);
    expect(ids(1500)).toEqual([a.id]);
    expect(ids(2000)).toEqual([a.id, b.id].sort());
    expect(ids(4000)).toEqual([a.id]); // b closed at 4000: gone, not lingering
    expect(replayUntil(events, 2500).rows.get(a.id)?.c.state).toBe('ESTABLISHED');
    expect(replayUntil(events, 3000).rows.get(a.id)?.c.state).toBe('CLOSE-WAIT');
    expect([...replayUntil(events, 3000).rows.values()].every((r) => r.status === '')).toBe(true);
  });

  it("shows a row's rates only at its own event's poll: the recording holds no counters between events", () => {
    const busy = conn({ localPort: 7, bytesSent: 5_000_000, sendRate: 4_990_020, receiveRate: 0, limitedBy: 'sender' });
    const other = conn({ localPort: 8 });
    const recLog = new EventLog(10);
    recLog.push({ type: 'opened', time: 1000, connection: busy });
    recLog.push({ type: 'opened', time: 60_000, connection: other });
    const rec = recLog.toArray();
    const at = (t: number) => replayUntil(rec, t).rows.get(busy.id)!.c;
    expect([at(1000).sendRate, at(1000).receiveRate, at(1000).limitedBy]).toEqual([4_990_020, 0, 'sender']);
    expect([at(30_000).sendRate, at(30_000).limitedBy]).toEqual([4_990_020, 'sender']); // still the last poll held
    // A later poll of the recording: its rate then is unknown, its bytes stand as of its event.
    expect([at(60_000).sendRate, at(60_000).receiveRate, at(60_000).limitedBy, at(60_000).bytesSent]).toEqual([null, null, null, 5_000_000]);
    expect(replayUntil(rec, 60_000).status?.countersNote).toBe(REPLAY_RATES_NOTE);
  });

  it('spans the recording', () => {
    expect(recordingSpan(events)).toEqual({ from: 1000, to: 4000 });
    expect(recordingSpan([])).toBeNull();
  });
});
