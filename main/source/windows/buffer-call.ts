// The buffer-size protocol of GetTcpTable2 and friends, kept apart from koffi so it can be tested
// against a scripted fake: call with the buffer we have; on ERROR_INSUFFICIENT_BUFFER grow to the
// size the OS asked for plus headroom and call again (the table may have grown in between); on
// STATUS_UNSUCCESSFUL (load) call again; give up after a bounded number of attempts.
import {
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_NO_DATA,
  NO_ERROR,
  STATUS_UNSUCCESSFUL,
  describeWin32,
  tableCallError,
} from './errors';
import { SourceError } from '../types';

/**
 * One native table call: fills `buf`, reads and (on 122) writes the byte size at `size` (a 4-byte
 * little-endian ULONG). Returns the Win32 code.
 */
export type TableCall = (buf: Buffer, size: Buffer) => number;

export interface TableReaderOptions {
  /** First buffer size in bytes. */
  initialBytes?: number;
  /** Attempts per read before giving up. */
  maxAttempts?: number;
  /** Multiplier over the size the OS asks for (the table can grow before the next call). */
  slack?: number;
  /** Bytes the data in a filled buffer occupies; lets the reader shrink a buffer that is far too big. */
  usedBytes?: (buf: Buffer) => number;
  /** Largest buffer to allocate (default MAX_TABLE_BYTES); a bigger request is a SourceError. */
  maxBytes?: number;
}

/**
 * Largest table buffer we will allocate: 1 GiB is ~17 million MIB_TCP6ROW2 rows, far beyond any
 * real table, so a size above it is a corrupt answer, not a big machine. Reported as a SourceError
 * (Buffer.alloc would throw a bare RangeError that names no function).
 */
export const MAX_TABLE_BYTES = 1024 * 1024 * 1024;

/** The result of one read: the OS's table bytes, or `null` for an empty table (ERROR_NO_DATA). */
export type TableBytes = Buffer | null;

export class TableReader {
  private buf: Buffer;
  private readonly size = Buffer.alloc(4);
  private readonly initialBytes: number;
  private readonly maxAttempts: number;
  private readonly slack: number;
  private readonly maxBytes: number;
  /** Attempts the last read needed (for status / tests). */
  lastAttempts = 0;

  constructor(
    private readonly call: TableCall,
    /** Function name for messages, e.g. `GetTcpTable2`. */
    readonly fn: string,
    private readonly opts: TableReaderOptions = {},
  ) {
    this.initialBytes = Math.max(8, opts.initialBytes ?? 16 * 1024);
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 8);
    this.slack = Math.max(1, opts.slack ?? 1.25);
    this.maxBytes = opts.maxBytes ?? MAX_TABLE_BYTES;
    this.buf = Buffer.alloc(this.initialBytes);
  }

  /** Current buffer size in bytes (kept between reads). */
  get capacity(): number {
    return this.buf.length;
  }

  read(): TableBytes {
    let lastCode = NO_ERROR;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      this.lastAttempts = attempt;
      this.size.writeUInt32LE(this.buf.length, 0);
      const code = this.call(this.buf, this.size) >>> 0;
      lastCode = code;
      if (code === NO_ERROR) {
        this.maybeShrink();
        return this.buf;
      }
      if (code === ERROR_NO_DATA) return null;
      if (code === ERROR_INSUFFICIENT_BUFFER) {
        const asked = this.size.readUInt32LE(0);
        // A size no bigger than ours would loop forever: grow by half at least.
        const want = Math.max(Math.ceil(asked * this.slack), Math.ceil(this.buf.length * 1.5));
        this.buf = this.alloc(want, asked);
        continue;
      }
      if (code === STATUS_UNSUCCESSFUL) {
        // Under load the table changes while the OS copies it; a bit more room helps the next try.
        this.buf = this.alloc(Math.ceil(this.buf.length * this.slack), this.buf.length);
        continue;
      }
      throw tableCallError(this.fn, code);
    }
    throw new SourceError(
      `${this.fn} failed after ${this.maxAttempts} attempts: ${describeWin32(lastCode)}; the connection table kept changing, try again`,
      lastCode,
    );
  }

  /** A new buffer of `bytes` (8-aligned); `asked` is what the OS reported, for the message. */
  private alloc(bytes: number, asked: number): Buffer {
    const n = align8(bytes);
    if (n > this.maxBytes) {
      throw new SourceError(
        `${this.fn} asked for a ${asked}-byte buffer, more than any real connection table (limit ${this.maxBytes} bytes); the OS answer looks corrupt`,
        ERROR_INSUFFICIENT_BUFFER,
      );
    }
    return Buffer.alloc(n);
  }

  /** Gives back memory after a burst: a buffer four times larger than the data shrinks to data + slack. */
  private maybeShrink(): void {
    if (!this.opts.usedBytes || this.buf.length <= this.initialBytes) return;
    const used = this.opts.usedBytes(this.buf);
    if (used * 4 >= this.buf.length) return;
    const next = Math.max(this.initialBytes, align8(Math.ceil(used * this.slack)));
    // Copy the data across: the caller decodes the buffer we return.
    const smaller = Buffer.alloc(next);
    this.buf.copy(smaller, 0, 0, Math.min(used, next));
    this.buf = smaller;
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
