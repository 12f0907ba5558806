// A viewer's notices come from the engine's port usage, not from rows: one that joins late (loading
// the engine's history) writes the same notices, with the same times and text, as one that saw
// every poll; the threshold stays the viewer's own.
import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionEvent } from '../../../shared/connection';
import { PortUsageTracker, type PortUsageSample } from '../../../shared/port-usage';
import { conn, status } from '../../test/fixtures';
import { EMPTY_FEED, addSample, loadHistory, rejudge } from './portFeed';

// A 10-port range: n client sockets at an address hold n × 10 % of it.
const st = status({ portRanges: { tcp: { low: 50000, high: 50009 }, udp: { low: 50000, high: 50009 }, origin: 'test' } });
const client = (i: number, localAddress = '127.0.0.1') => conn({ localAddress, localPort: 50000 + i, remoteAddress: '10.0.0.1', remotePort: 443 });

/** Usage climbing to 90% at 127.0.0.1 and back, 127.0.0.2 rising later: one sample a poll. */
function polls(): { tracker: PortUsageTracker; samples: PortUsageSample[] } {
  const tracker = new PortUsageTracker();
  const samples: PortUsageSample[] = [tracker.apply({ time: 1000, full: true, connections: [], events: [], status: st })!];
  const live: Connection[] = [];
  const steps: [number, 'opened' | 'closed', Connection][] = [];
  for (let i = 0; i < 9; i++) steps.push([2000 + i * 1000, 'opened', client(i)]);
  for (let i = 0; i < 9; i++) steps.push([20_000 + i * 1000, 'closed', client(i)]);
  for (let i = 0; i < 9; i++) steps.push([40_000 + i * 1000, 'opened', client(i, '127.0.0.2')]);
  for (const [time, type, c] of steps) {
    if (type === 'opened') live.push(c);
    const events: ConnectionEvent[] = [{ type, time, connection: c }];
    samples.push(tracker.apply({ time, full: false, events, status: st })!);
    // a quiet poll between changes: same usage, no mark
    samples.push(tracker.apply({ time: time + 500, full: false, events: [], status: st })!);
  }
  return { tracker, samples };
}

describe('port feed', () => {
  it('a late viewer loading the engine history writes exactly the notices of one that saw every poll', () => {
    const { tracker, samples } = polls();
    let early = EMPTY_FEED;
    for (const s of samples) early = addSample(early, JSON.parse(JSON.stringify(s)) as PortUsageSample, 50);
    const late = loadHistory(JSON.parse(JSON.stringify(tracker.data())), 50);
    expect(early.notices.map((n) => [n.time, n.level, n.address])).toEqual([
      [6000, 'warning', 'tcp 127.0.0.1'], // 5 of 10 ports: 50%
      [24_000, 'cleared', 'tcp 127.0.0.1'],
      [44_000, 'warning', 'tcp 127.0.0.2'],
    ]);
    expect(late.notices).toEqual(early.notices);
    expect(late.warned).toEqual(early.warned);
    expect(late.nextSeq).toBe(early.nextSeq);
    expect(late.latest).toEqual(early.latest);
    // The marks are far fewer than the polls they stand for.
    expect(tracker.data().marks.length).toBeLessThan(samples.length / 2);
  });

  it('the threshold is the viewer’s: another one gives other notices from the same history', () => {
    const { tracker } = polls();
    expect(loadHistory(tracker.data(), 90).notices.map((n) => [n.time, n.level])).toEqual([
      [10_000, 'warning'],
      [20_000, 'cleared'],
      [48_000, 'warning'],
    ]);
    expect(loadHistory(tracker.data(), 95).notices).toEqual([]);
  });

  it('samples arriving while the history loads continue it; one already in it is not counted twice', () => {
    const { samples } = polls();
    const upTo = samples.findIndex((s) => s.time === 6000);
    // The engine as it stood at 6 s; the samples from 5 s on arrive while its history is on its way.
    const t2 = new PortUsageTracker();
    t2.apply({ time: 1000, full: true, connections: [], events: [], status: st });
    for (let i = 0; i < 5; i++) t2.apply({ time: 2000 + i * 1000, full: false, events: [{ type: 'opened', time: 2000 + i * 1000, connection: client(i) }], status: st });
    const f = loadHistory(t2.data(), 50, samples.slice(upTo - 2));
    expect(f.notices.map((n) => [n.time, n.level])).toEqual([
      [6000, 'warning'],
      [24_000, 'cleared'],
      [44_000, 'warning'],
    ]);
    expect(f.trend.filter((p) => p.time === 6000)).toHaveLength(1);
  });

  it('a threshold change judges the latest sample at once, stamped with the time of the change', () => {
    const { tracker } = polls();
    const f = loadHistory(tracker.data(), 95);
    const lowered = rejudge(f, 80, 123_456);
    expect(lowered.notices.map((n) => [n.time, n.level, n.address])).toEqual([[123_456, 'warning', 'tcp 127.0.0.2']]);
    expect(lowered.notices[0].text).toBe('TCP 127.0.0.2: 9 of 10 ephemeral ports in use (90% ≥ 80%; 0 TIME-WAIT, 0 CLOSE-WAIT)');
    expect(rejudge(lowered, 85, 123_999).notices).toHaveLength(1);
  });
});
