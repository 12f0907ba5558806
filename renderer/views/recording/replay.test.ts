import { describe, expect, it } from 'vitest';
import { EventLog } from '../../store/eventLog';
import { conn } from '../../test/fixtures';
import { recordingSpan, replayUntil } from './replay';

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

  it('spans the recording', () => {
    expect(recordingSpan(events)).toEqual({ from: 1000, to: 4000 });
    expect(recordingSpan([])).toBeNull();
  });
});
