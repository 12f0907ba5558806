import { describe, expect, it } from 'vitest';
import { portUsageReport, type PortRange } from '../../../shared/ports';
import { conn } from '../../test/fixtures';
import { mergeByTime, portNotices } from './portNotices';

// A 10-port range: n client sockets at an address hold n × 10 % of it.
const R: PortRange = { low: 50000, high: 50009 };
const clients = (n: number, localAddress = '127.0.0.1') =>
  Array.from({ length: n }, (_, i) => conn({ localAddress, localPort: R.low + i, remoteAddress: '10.0.0.1', remotePort: 443 + i }));
const report = (rows: ReturnType<typeof conn>[], thresholdPercent = 80) => portUsageReport(rows, { ranges: { tcp: R, udp: R }, thresholdPercent });

describe('port-exhaustion notices', () => {
  it('writes one warning when an address crosses the threshold, with the report’s warning text', () => {
    const r = report(clients(8));
    const { notices, warned } = portNotices(new Set(), r, 5000, -1);
    expect(notices).toEqual([{ type: 'notice', seq: -1, time: 5000, level: 'warning', address: 'tcp 127.0.0.1', text: r.warnings[0] }]);
    expect(r.warnings[0]).toMatch(/^TCP 127\.0\.0\.1: 8 of 10 ephemeral ports in use \(80% ≥ 80%/);
    expect([...warned]).toEqual(['tcp 127.0.0.1']);
  });

  it('writes nothing while the address stays over, and one all-clear when it falls back below', () => {
    const first = portNotices(new Set(), report(clients(9)), 1000, -1);
    const again = portNotices(first.warned, report(clients(10)), 2000, -2);
    expect(again.notices).toEqual([]);
    const below = portNotices(again.warned, report(clients(3)), 3000, -2);
    expect(below.notices).toHaveLength(1);
    expect(below.notices[0]).toMatchObject({ seq: -2, level: 'cleared', address: 'tcp 127.0.0.1', time: 3000 });
    expect(below.notices[0].text).toBe('TCP 127.0.0.1: back below 80%, 3 of 10 ephemeral ports in use (30%)');
    expect(below.warned.size).toBe(0);
    // Gone entirely from the table is also back below.
    const gone = portNotices(first.warned, report([]), 4000, -5);
    expect(gone.notices[0].text).toBe('TCP 127.0.0.1: back below 80%, no ephemeral port in use');
  });

  it('keeps addresses apart and numbers notices downwards, each once', () => {
    const rows = [...clients(9, '127.0.0.1'), ...clients(9, '127.0.0.2')];
    const { notices } = portNotices(new Set(['tcp 127.0.0.2']), report(rows), 1, -7);
    expect(notices.map((n) => [n.seq, n.address, n.level])).toEqual([[-7, 'tcp 127.0.0.1', 'warning']]);
    const lowered = portNotices(new Set(), report(clients(3), 20), 1, -1);
    expect(lowered.notices.map((n) => n.level)).toEqual(['warning']);
  });

  it('merges notices into events by time, a notice after the events of its millisecond', () => {
    const ev = (seq: number, time: number) => ({ seq, time });
    const n = (seq: number, time: number) => ({ type: 'notice' as const, seq, time, level: 'warning' as const, address: 'a', text: 't' });
    const events = [ev(1, 10), ev(2, 20), ev(3, 30)];
    expect(mergeByTime(events, []) === events).toBe(true);
    expect(mergeByTime(events, [n(-1, 5), n(-2, 20), n(-3, 99)]).map((e) => e.seq)).toEqual([-1, 1, 2, -2, 3, -3]);
    expect(mergeByTime([], [n(-1, 5)]).map((e) => e.seq)).toEqual([-1]);
  });
});
