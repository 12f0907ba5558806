import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, parseAddress, parseIPv6 } from './address';

const v6 = (text: string) => {
  const w = parseIPv6(text);
  if (!w) throw new Error(`bad vector ${text}`);
  return formatIPv6(...w);
};

describe('formatIPv4', () => {
  it('writes dotted quads from the high byte down', () => {
    expect(formatIPv4(0x7f000001)).toBe('127.0.0.1');
    expect(formatIPv4(0xc0a80a01)).toBe('192.168.10.1');
    expect(formatIPv4(0xffffffff)).toBe('255.255.255.255');
    expect(formatIPv4(0)).toBe('0.0.0.0');
  });
});

describe('formatIPv6 (RFC 5952)', () => {
  it('formats the well-known vectors', () => {
    expect(formatIPv6(0, 0, 0, 0)).toBe('::');
    expect(formatIPv6(0, 0, 0, 1)).toBe('::1');
    expect(formatIPv6(0x20010db8, 0, 0, 1)).toBe('2001:db8::1');
    expect(formatIPv6(0xfe800000, 0, 0x021122ff, 0xfe334455)).toBe('fe80::211:22ff:fe33:4455');
  });
  it('compresses the longest zero run, the first one on ties', () => {
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(v6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(v6('1:0:0:2:0:0:3:4')).toBe('1::2:0:0:3:4');
  });
  it('never compresses a single zero group', () => {
    expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
  });
  it('lowercases and drops leading zeros', () => {
    expect(v6('2001:0DB8:000A:0000:0000:0000:0000:00FF')).toBe('2001:db8:a::ff');
  });
  it('compresses at the end and the start', () => {
    expect(v6('1:2:3:4:5:6:0:0')).toBe('1:2:3:4:5:6::');
    expect(v6('0:0:1:2:3:4:5:6')).toBe('::1:2:3:4:5:6');
  });
  it('writes IPv4-mapped addresses in mixed notation', () => {
    expect(formatIPv6(0, 0, 0xffff, 0x7f000001)).toBe('::ffff:127.0.0.1');
    expect(v6('::FFFF:10.1.2.3')).toBe('::ffff:10.1.2.3');
  });
});

describe('parseAddress', () => {
  it('parses both families and rejects junk', () => {
    expect(parseAddress('10.0.0.1')).toEqual({ family: 4, words: [0x0a000001, 0, 0, 0] });
    expect(parseAddress('::1')).toEqual({ family: 6, words: [0, 0, 0, 1] });
    expect(parseAddress('256.1.1.1')).toBeNull();
    expect(parseAddress('1:2:3')).toBeNull();
    expect(parseAddress('1::2::3')).toBeNull();
    expect(parseAddress('hello')).toBeNull();
  });
  it('round-trips through formatIPv6', () => {
    for (const s of ['::', '::1', '2001:db8::1', 'fe80::1:2', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8']) {
      expect(v6(s)).toBe(s);
    }
  });
});
