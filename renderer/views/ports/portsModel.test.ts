import { describe, expect, it } from 'vitest';
import { pushTrendPoint } from '../../../shared/port-usage';
import { status } from '../../test/fixtures';
import { parseThreshold, rangesFrom } from './portsModel';

describe('Ports view model', () => {
  it('uses the OS range from the status, else the default said to be one', () => {
    const os = rangesFrom(status({ portRanges: { tcp: { low: 32768, high: 60999 }, udp: { low: 32768, high: 60999 }, origin: 'net.ipv4.ip_local_port_range' } }));
    expect(os).toMatchObject({ known: true, origin: 'net.ipv4.ip_local_port_range', ranges: { tcp: { low: 32768, high: 60999 } } });
    const none = rangesFrom(status());
    expect(none.known).toBe(false);
    expect(none.ranges.tcp).toEqual({ low: 49152, high: 65535 });
    expect(none.origin).toMatch(/unknown.*default 49152–65535/);
  });

  it('keeps the trend to its window, oldest first, and drops a point from the future', () => {
    const at = (time: number) => ({ time, inUse: { 'tcp 127.0.0.1': 1 } });
    let t = pushTrendPoint([], at(1000), 5000);
    t = pushTrendPoint(t, at(4000), 5000);
    t = pushTrendPoint(t, at(7000), 5000);
    expect(t.map((p) => p.time)).toEqual([4000, 7000]);
    expect(pushTrendPoint(t, at(5000), 5000).map((p) => p.time)).toEqual([4000, 5000]);
  });

  it('accepts an integer percent from 1 to 100 as the threshold', () => {
    expect(['80', ' 5 ', '100', '0', '101', '8.5', '', 'x', '-1'].map(parseThreshold)).toEqual([80, 5, 100, null, null, null, null, null, null]);
  });
});
