import { describe, expect, it } from 'vitest';
import { IpcArgumentError, MAX_RESOLVE_BATCH } from './ipc';
import { addressKind, ipFamily, mappedIPv4, parseIPv4Text, parseIPv6Text } from './ip';
import { validateAddressList, validateCloseTarget, validateEndProcessTarget, validatePid, validateRecordingArgs } from './validate';

const target = { family: 4, localAddress: '127.0.0.1', localPort: 5000, remoteAddress: '10.0.0.2', remotePort: 443 };

function rejects(fn: () => unknown, message: RegExp): void {
  expect(fn).toThrow(IpcArgumentError);
  expect(fn).toThrow(message);
}

describe('IP text parsing', () => {
  it('parses IPv4 dotted quads', () => {
    expect(parseIPv4Text('0.0.0.0')).toBe(0);
    expect(parseIPv4Text('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4Text('192.168.1.20')).toBe(0xc0a80114);
  });
  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4\0', '0x1.2.3.4', '1..3.4', '１.2.3.4', ''])(
    'refuses IPv4 %j',
    (t) => expect(parseIPv4Text(t)).toBeNull(),
  );
  it('parses IPv6 forms', () => {
    expect(parseIPv6Text('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6Text('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6Text('fe80::1:2')).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
    expect(parseIPv6Text('2001:DB8:0:0:0:0:0:1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6Text('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIPv6Text('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
  });
  it.each([':::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1::2::3', '12345::', 'fe80::1%eth0', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '1:2:3:4::5:6:7:8', '::1.2.3.4:5', 'g::1', '::ffff:1.2.3.256', 'a'.repeat(1000), '::\0'])(
    'refuses IPv6 %j',
    (t) => expect(parseIPv6Text(t)).toBeNull(),
  );
  it('classifies addresses', () => {
    expect(ipFamily('1.2.3.4')).toBe(4);
    expect(ipFamily('::1')).toBe(6);
    expect(ipFamily(42)).toBeNull();
    expect(addressKind('0.0.0.0')).toBe('unspecified');
    expect(addressKind('::')).toBe('unspecified');
    expect(addressKind('127.5.6.7')).toBe('loopback');
    expect(addressKind('::1')).toBe('loopback');
    expect(addressKind('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressKind('::ffff:0.0.0.0')).toBe('unspecified');
    expect(addressKind('8.8.8.8')).toBe('ordinary');
    expect(addressKind('::2')).toBe('ordinary');
    expect(addressKind('nope')).toBeNull();
    expect(mappedIPv4('::FFFF:10.1.2.3')).toBe(0x0a010203);
    expect(mappedIPv4('::10.1.2.3')).toBeNull();
  });
});

describe('validatePid', () => {
  it('accepts the u32 range', () => {
    expect(validatePid(0)).toBe(0);
    expect(validatePid(4)).toBe(4);
    expect(validatePid(0xffffffff)).toBe(0xffffffff);
  });
  it.each([[-1], [0x100000000], [1.5], [NaN], [Infinity], ['42'], [null], [undefined], [{ valueOf: () => 4 }], [[4]], [BigInt(42)]])('refuses %s', (v) =>
    rejects(() => validatePid(v), /pid must be/),
  );
});

describe('validateEndProcessTarget', () => {
  it('returns a fresh { pid, startTime } with startTime epoch ms or null', () => {
    const given = { pid: 1234, startTime: 1_700_000_000_123 };
    const out = validateEndProcessTarget(given);
    expect(out).toEqual(given);
    expect(out).not.toBe(given);
    expect(validateEndProcessTarget({ pid: 0, startTime: null })).toEqual({ pid: 0, startTime: null });
  });
  it('refuses a bare PID, missing or extra keys, accessors and bad values', () => {
    const bad: Array<[unknown, RegExp]> = [
      [1234, /must be an object, got 1234/],
      [null, /must be an object/],
      [[1234, 5], /must be an object, got an array/],
      [{ pid: 1234 }, /missing startTime/],
      [{ startTime: 5 }, /missing pid/],
      [{ pid: 1234, startTime: 5, path: 'x' }, /unexpected key\(s\): "path"/],
      [{ pid: -1, startTime: 5 }, /pid must be between/],
      [{ pid: 1.5, startTime: 5 }, /pid must be an integer/],
      [{ pid: 1, startTime: '5' }, /startTime must be epoch ms or null/],
      [{ pid: 1, startTime: NaN }, /startTime must be epoch ms or null/],
      [{ pid: 1, startTime: -5 }, /startTime must be epoch ms or null/],
      [{ pid: 1, startTime: Infinity }, /startTime must be epoch ms or null/],
      // Finite, yet past what a Date holds: new Date(1e308).toISOString() throws "Invalid time value".
      [{ pid: 1, startTime: 1e308 }, /startTime must be epoch ms or null \(0 to 8640000000000000, a time a Date can hold\), got 1e\+308/],
      [{ pid: 1, startTime: 8.64e15 + 1 }, /startTime must be epoch ms or null/],
      [Object.defineProperty({ startTime: 5 }, 'pid', { get: () => 1, enumerable: true }), /pid must be a plain value/],
      [JSON.parse('{"pid":1,"startTime":5,"__proto__":{"x":1}}'), /unexpected key/],
    ];
    for (const [value, re] of bad) {
      expect(() => validateEndProcessTarget(value), JSON.stringify(value)).toThrow(IpcArgumentError);
      expect(() => validateEndProcessTarget(value)).toThrow(re);
    }
  });
});

describe('validateCloseTarget', () => {
  it('accepts a well-formed target and returns a fresh plain copy', () => {
    const out = validateCloseTarget({ ...target });
    expect(out).toEqual(target);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    const v6 = { family: 6, localAddress: '::1', localPort: 0, remoteAddress: '::ffff:1.2.3.4', remotePort: 65535 };
    expect(validateCloseTarget(v6)).toEqual(v6);
  });
  it('accepts a null-prototype object (as structured clone may produce)', () => {
    expect(validateCloseTarget(Object.assign(Object.create(null), target))).toEqual(target);
  });
  it('refuses non-objects', () => {
    rejects(() => validateCloseTarget(null), /must be an object/);
    rejects(() => validateCloseTarget('x'), /must be an object/);
    rejects(() => validateCloseTarget([target]), /must be an object, got an array/);
  });
  it('refuses class instances', () => {
    class T {
      family = 4;
    }
    rejects(() => validateCloseTarget(Object.assign(new T(), target)), /plain object/);
  });
  it('refuses missing and extra keys, including prototype-polluting ones', () => {
    const { remotePort: _drop, ...missing } = target;
    rejects(() => validateCloseTarget(missing), /missing remotePort/);
    rejects(() => validateCloseTarget({ ...target, pid: 4 }), /unexpected key\(s\): "pid"/);
    rejects(() => validateCloseTarget(JSON.parse(`{"__proto__":{"polluted":1},${JSON.stringify(target).slice(1)}`)), /unexpected key\(s\): "__proto__"/);
    rejects(() => validateCloseTarget({ ...target, constructor: { prototype: { x: 1 } } }), /unexpected key\(s\): "constructor"/);
    rejects(() => validateCloseTarget({ ...target, [Symbol('s')]: 1 }), /symbol/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('refuses accessors without calling them', () => {
    let called = false;
    const hostile = { ...target };
    Object.defineProperty(hostile, 'localPort', {
      enumerable: true,
      get() {
        called = true;
        return 80;
      },
    });
    rejects(() => validateCloseTarget(hostile), /localPort must be a plain value/);
    expect(called).toBe(false);
  });
  it('refuses bad families and family mismatches', () => {
    rejects(() => validateCloseTarget({ ...target, family: 5 }), /family must be 4 or 6, got 5/);
    rejects(() => validateCloseTarget({ ...target, family: '4' }), /family must be 4 or 6/);
    rejects(() => validateCloseTarget({ ...target, family: 6 }), /localAddress is an IPv4 address but family is 6/);
    rejects(() => validateCloseTarget({ ...target, remoteAddress: '::1' }), /remoteAddress is an IPv6 address but family is 4/);
  });
  it('refuses bad addresses', () => {
    rejects(() => validateCloseTarget({ ...target, localAddress: '127.0.0.1\0' }), /localAddress is not an IP address/);
    rejects(() => validateCloseTarget({ ...target, remoteAddress: 'example.com' }), /remoteAddress is not an IP address/);
    rejects(() => validateCloseTarget({ ...target, remoteAddress: 0x7f000001 }), /remoteAddress is not an IP address: 2130706433/);
    rejects(() => validateCloseTarget({ ...target, localAddress: 'x'.repeat(1e6) }), /not an IP address: the string "x{60}"…/);
  });
  it('refuses bad ports', () => {
    for (const p of [-1, 65536, 1.5, NaN, '80', null]) {
      rejects(() => validateCloseTarget({ ...target, localPort: p }), /localPort must be an integer port 0..65535/);
      rejects(() => validateCloseTarget({ ...target, remotePort: p }), /remotePort must be an integer port 0..65535/);
    }
  });
});

describe('validateAddressList', () => {
  it('accepts up to MAX_RESOLVE_BATCH addresses and copies them', () => {
    const list = ['1.2.3.4', '::1'];
    const out = validateAddressList(list);
    expect(out).toEqual(list);
    expect(out).not.toBe(list);
    expect(validateAddressList([])).toEqual([]);
    expect(validateAddressList(new Array(MAX_RESOLVE_BATCH).fill('8.8.8.8'))).toHaveLength(MAX_RESOLVE_BATCH);
  });
  it('refuses too many addresses before walking them', () => {
    rejects(() => validateAddressList(new Array(MAX_RESOLVE_BATCH + 1).fill('8.8.8.8')), /at most 256 addresses per call, got 257/);
    const huge: unknown[] = [];
    huge.length = 2 ** 32 - 1; // sparse; walking it would hang
    rejects(() => validateAddressList(huge), /got 4294967295/);
  });
  it('refuses non-arrays and bad items', () => {
    rejects(() => validateAddressList('1.2.3.4'), /must be an array/);
    rejects(() => validateAddressList({ length: 1, 0: '1.2.3.4' }), /must be an array/);
    rejects(() => validateAddressList(['1.2.3.4', 5]), /addresses\[1\] is not an IP address: 5/);
    rejects(() => validateAddressList(['1.2.3.4', '1.2.3.4\0evil']), /addresses\[1\]/);
    rejects(() => validateAddressList(['localhost']), /addresses\[0\]/);
    // eslint-disable-next-line no-sparse-arrays
    rejects(() => validateAddressList(['1.2.3.4', , '::1']), /addresses\[1\] is not an IP address: undefined/);
  });
});

describe('validateRecordingArgs', () => {
  it('accepts active with an optional format', () => {
    expect(validateRecordingArgs(true, undefined)).toEqual({ active: true, format: 'ndjson' });
    expect(validateRecordingArgs(false, 'csv')).toEqual({ active: false, format: 'csv' });
    expect(validateRecordingArgs(true, 'ndjson')).toEqual({ active: true, format: 'ndjson' });
  });
  it('refuses bad values', () => {
    rejects(() => validateRecordingArgs('true', undefined), /active must be true or false/);
    rejects(() => validateRecordingArgs(1, 'csv'), /active must be true or false, got 1/);
    rejects(() => validateRecordingArgs(true, 'xml'), /format must be "ndjson" or "csv", got the string "xml"/);
    rejects(() => validateRecordingArgs(true, null), /format must be/);
    rejects(() => validateRecordingArgs(true, 'CSV'), /format must be/);
  });
});
