import { describe, expect, it } from 'vitest';
import { TableReader, type TableCall } from './buffer-call';
import { SourceError } from '../types';

/**
 * A fake GetTcpTable2: the table's byte size can change per call; it honours the documented
 * contract (122 + required size when too small, otherwise fill and return 0) unless `script`
 * forces a code for that call.
 */
function fake(sizes: number[], script: (number | undefined)[] = []) {
  const seen: number[] = [];
  let n = 0;
  const call: TableCall = (buf, size) => {
    const i = n++;
    const need = sizes[Math.min(i, sizes.length - 1)];
    seen.push(size.readUInt32LE(0));
    const forced = script[i];
    if (forced !== undefined) {
      if (forced === 122) size.writeUInt32LE(need, 0);
      return forced;
    }
    if (size.readUInt32LE(0) < need) {
      size.writeUInt32LE(need, 0);
      return 122;
    }
    buf.fill(0);
    buf.writeUInt32LE(need, 0); // marker: which size was served
    return 0;
  };
  return { call, seen, calls: () => n };
}

describe('TableReader', () => {
  it('grows on ERROR_INSUFFICIENT_BUFFER and returns the filled buffer', () => {
    const f = fake([5000]);
    const r = new TableReader(f.call, 'GetTcpTable2', { initialBytes: 1024 });
    const b = r.read()!;
    expect(b.readUInt32LE(0)).toBe(5000);
    expect(f.calls()).toBe(2);
    // The retry passes the grown buffer's size, with headroom over what was asked.
    expect(f.seen[1]).toBeGreaterThanOrEqual(5000 * 1.25);
    expect(r.capacity).toBe(f.seen[1]);
  });

  it('copes with a table that grows between calls (122 twice, then success)', () => {
    // 1st call: 2000 needed; by the 2nd the table needs 4000; the 3rd fits.
    const f = fake([2000, 4000, 4000]);
    const r = new TableReader(f.call, 'GetTcpTable2', { initialBytes: 1000, slack: 1 });
    const b = r.read()!;
    expect(b.readUInt32LE(0)).toBe(4000);
    expect(f.seen).toEqual([1000, 2000, 4000]);
    expect(f.calls()).toBe(3);
    expect(r.lastAttempts).toBe(3);
  });

  it('keeps the buffer between reads: a steady table costs one call per read', () => {
    const f = fake([3000]);
    const r = new TableReader(f.call, 'GetTcpTable2', { initialBytes: 256 });
    r.read();
    const cap = r.capacity;
    const before = f.calls();
    r.read();
    r.read();
    expect(f.calls() - before).toBe(2);
    expect(r.capacity).toBe(cap);
  });

  it('retries STATUS_UNSUCCESSFUL then succeeds', () => {
    const f = fake([100], [0xc0000001, 0xc0000001]);
    const r = new TableReader(f.call, 'GetTcpTable2', { initialBytes: 512 });
    expect(r.read()!.readUInt32LE(0)).toBe(100);
    expect(f.calls()).toBe(3);
  });

  it('accepts the NTSTATUS as a negative int32 too', () => {
    const f = fake([100], [0xc0000001 | 0]);
    expect(new TableReader(f.call, 'X', { initialBytes: 512 }).read()).not.toBeNull();
  });

  it('gives up after the bounded number of attempts with a clear error', () => {
    const sizes = Array.from({ length: 20 }, (_, i) => 1000 * 2 ** (i + 1));
    const f = fake(sizes, []);
    const r = new TableReader(f.call, 'GetTcp6Table2', { initialBytes: 64, maxAttempts: 4, slack: 1 });
    // Make every call too small: the fake's table outruns the buffer each time.
    const always122: TableCall = (buf, size) => {
      f.call(buf, size);
      size.writeUInt32LE(buf.length * 2, 0);
      return 122;
    };
    let calls122 = 0;
    const counted: TableCall = (buf, size) => (calls122++, always122(buf, size));
    const r2 = new TableReader(counted, 'GetTcp6Table2', { initialBytes: 64, maxAttempts: 4 });
    expect(() => r2.read()).toThrow(SourceError);
    // The bound is on calls made, not only on the number the message prints.
    expect(calls122).toBe(4);
    expect(r2.lastAttempts).toBe(4);
    expect(() => r2.read()).toThrow(/GetTcp6Table2 failed after 4 attempts: buffer too small \(ERROR_INSUFFICIENT_BUFFER\)/);
    try {
      r2.read();
    } catch (e) {
      expect((e as SourceError).code).toBe(122);
    }
    let stuckCalls = 0;
    const stuck = new TableReader(() => (stuckCalls++, 0xc0000001), 'GetTcpTable2', { maxAttempts: 3 });
    expect(() => stuck.read()).toThrow(/after 3 attempts: STATUS_UNSUCCESSFUL/);
    expect(stuckCalls).toBe(3);
    // The default bound is 8 calls.
    let defaultCalls = 0;
    expect(() => new TableReader(() => (defaultCalls++, 0xc0000001), 'GetTcpTable2').read()).toThrow(/after 8 attempts/);
    expect(defaultCalls).toBe(8);
    expect(r.capacity).toBe(64);
  });

  it('never retries with a buffer no bigger than before, even if the OS asks for less', () => {
    let calls = 0;
    const sizes: number[] = [];
    const liar: TableCall = (buf, size) => {
      sizes.push(buf.length);
      calls++;
      size.writeUInt32LE(10, 0);
      return calls < 3 ? 122 : 0;
    };
    new TableReader(liar, 'GetTcpTable', { initialBytes: 100 }).read();
    expect(sizes[1]).toBeGreaterThan(sizes[0]);
    expect(sizes[2]).toBeGreaterThan(sizes[1]);
  });

  it('ERROR_NO_DATA is an empty table', () => {
    expect(new TableReader(() => 232, 'GetTcpTable2').read()).toBeNull();
  });

  it.each([
    [87, /GetTcpTable2 failed: invalid parameter \(ERROR_INVALID_PARAMETER\)/],
    [50, /GetTcpTable2 failed: not supported on this version of Windows \(ERROR_NOT_SUPPORTED\)/],
    [0x12345, /GetTcpTable2 failed: unknown error code 74565 \(0x00012345\)/],
    [0xc0000022, /unknown error code 3221225506 \(0xC0000022\)/],
  ])('code %s becomes a SourceError with a clear message', (code, message) => {
    const r = new TableReader(() => code, 'GetTcpTable2');
    expect(() => r.read()).toThrow(message);
    try {
      r.read();
    } catch (e) {
      expect(e).toBeInstanceOf(SourceError);
      expect((e as SourceError).code).toBe(code >>> 0);
    }
  });

  it('shrinks a buffer far bigger than the data after a burst, keeping the data', () => {
    let need = 40_000;
    const call: TableCall = (buf, size) => {
      if (size.readUInt32LE(0) < need) {
        size.writeUInt32LE(need, 0);
        return 122;
      }
      buf.fill(0);
      buf.writeUInt32LE(need, 0);
      buf.writeUInt32LE(0xabcdef, 8);
      return 0;
    };
    const r = new TableReader(call, 'GetTcpTable2', { initialBytes: 1024, usedBytes: (b) => b.readUInt32LE(0) });
    r.read();
    expect(r.capacity).toBeGreaterThanOrEqual(40_000);
    need = 2000;
    const b = r.read()!;
    expect(b.readUInt32LE(0)).toBe(2000);
    expect(b.readUInt32LE(8)).toBe(0xabcdef);
    expect(r.capacity).toBeLessThan(4000);
  });

  it('an absurd size from the OS is a SourceError naming the function, not a RangeError', () => {
    const absurd: TableCall = (_buf, size) => (size.writeUInt32LE(0xfffffff0, 0), 122);
    const r = new TableReader(absurd, 'GetTcp6Table2', { initialBytes: 64 });
    let err: unknown;
    try {
      r.read();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toMatch(/^GetTcp6Table2 asked for a 4294967280-byte buffer, more than any real connection table/);
    // Nothing was allocated: the old buffer stays.
    expect(r.capacity).toBe(64);
  });

  it('a limit just above the request still allocates; just below refuses', () => {
    const asks: TableCall = (buf, size) => (buf.length < 4000 ? (size.writeUInt32LE(4000, 0), 122) : 0);
    expect(new TableReader(asks, 'X', { initialBytes: 64, slack: 1, maxBytes: 4000 }).read()!.length).toBe(4000);
    expect(() => new TableReader(asks, 'X', { initialBytes: 64, slack: 1, maxBytes: 3999 }).read()).toThrow(SourceError);
  });
});
