// A size-bounded log file: appends text to FILE and, when the next write would push FILE past
// maxBytes, shifts FILE → FILE.1 → FILE.2 … keeping maxFiles files in all (FILE included).
// Writes are synchronous so that whatever was written is on disk when the process is told to stop.
// A write either lands whole or not at all: a failed one (disk full) is cut back off the file.
import * as nodeFs from 'node:fs';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

export interface RotatingWriterOptions {
  path: string;
  /** Rotate before a write that would make the file larger than this (default 10 MiB). */
  maxBytes?: number;
  /** Files kept, the live one included (default 5); 1 means the live file is started afresh. */
  maxFiles?: number;
  /**
   * Written at the top of every new file (e.g. a CSV header), and of an existing empty one. An
   * existing file that starts with another header is rotated away first, never appended to.
   */
  header?: string;
  /**
   * What to append to an existing file whose last line has no line end (a writer killed
   * mid-line), given that unfinished tail (at most 64 KiB), so the next write starts a fresh
   * line instead of being glued onto the torn one. Default: `\n`.
   */
  endTornLine?: (tail: string) => string;
  /** The file system calls used (tests pass a failing one); default node:fs. */
  fs?: WriterFs;
}

export type WriterFs = Pick<
  typeof nodeFs,
  'openSync' | 'closeSync' | 'writeSync' | 'readSync' | 'fstatSync' | 'ftruncateSync' | 'renameSync' | 'rmSync' | 'existsSync'
>;

/** A recording that can no longer be written; the message names the file and what was kept. */
export class RecordingWriteError extends Error {
  override name = 'RecordingWriteError';
  /** The fs error code (`ENOSPC`, `EACCES`, …) where one caused it. */
  readonly code?: string;
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

/** `no space left on device (ENOSPC)` from a Node fs error (without the syscall and path Node appends). */
export function fsErrorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = (err?.message ?? String(e)).replace(/^E[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
  return err?.code ? `${text} (${err.code})` : text;
}

const TAIL_BYTES = 64 * 1024;

export interface RotatingWriter {
  readonly path: string;
  /** Appends text (normally whole lines). A single piece larger than maxBytes still goes into one file. */
  write(text: string): void;
  /** How many times the writer has rotated. */
  readonly rotations: number;
  close(): void;
}

/** FILE, FILE.1, FILE.2 … — the n-th older generation of a rotated file. */
export function rotatedPath(path: string, generation: number): string {
  return generation === 0 ? path : `${path}.${generation}`;
}

export function createRotatingWriter(opts: RotatingWriterOptions): RotatingWriter {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  if (!Number.isInteger(maxFiles) || maxFiles < 1) throw new RangeError(`maxFiles must be a positive integer, got ${maxFiles}`);
  const fs = opts.fs ?? nodeFs;
  const header = opts.header ?? '';
  const headerBytes = Buffer.byteLength(header);
  const endTornLine = opts.endTornLine ?? (() => '\n');
  let fd: number | null = null;
  let size = 0;
  let rotations = 0;

  /** Appends all of `text` or, failing, cuts the file back to where it was and throws naming the file. */
  const append = (text: string, what: string): void => {
    const buf = Buffer.from(text);
    let done = 0;
    try {
      while (done < buf.length) done += fs.writeSync(fd!, buf, done, buf.length - done);
    } catch (e) {
      let kept = `${what} was not written`;
      if (done > 0) {
        try {
          fs.ftruncateSync(fd!, size);
        } catch (t) {
          kept = `${what} was cut short and could not be removed (${fsErrorText(t)})`;
        }
      }
      throw new RecordingWriteError(`cannot write recording ${opts.path}: ${fsErrorText(e)}; ${kept}`, e);
    }
    size += buf.length;
  };

  /** The unfinished last line of the open file ('' when it ends in a line end or is empty). */
  const tornTail = (): string => {
    if (size === 0) return '';
    const n = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(n);
    const got = fs.readSync(fd!, buf, 0, n, size - n);
    const tail = buf.subarray(0, got);
    if (tail.at(-1) === 0x0a) return '';
    return tail.subarray(tail.lastIndexOf(0x0a) + 1).toString('utf8');
  };

  // An existing file is continued, not clobbered: a restarted recorder must not lose a recording.
  const open = (): void => {
    try {
      // Owner-only: run as root, a recording holds every user's connections and process paths.
      fd = fs.openSync(opts.path, 'a+', 0o600);
      size = fs.fstatSync(fd).size;
    } catch (e) {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
      throw new RecordingWriteError(`cannot open recording ${opts.path}: ${fsErrorText(e)}`, e);
    }
    if (size === 0 && headerBytes > 0) append(header, 'the header');
    else if (headerBytes > 0 && !startsWithHeader()) {
      // Written with other columns (an older netmon): its records would not fit this header, so
      // it is kept whole as the previous generation and a fresh file begins.
      rotate();
    } else {
      const tail = tornTail();
      if (tail !== '') append(endTornLine(tail), 'the end of the torn last line');
    }
  };

  const startsWithHeader = (): boolean => {
    const buf = Buffer.alloc(headerBytes);
    const got = fs.readSync(fd!, buf, 0, headerBytes, 0);
    return got === headerBytes && buf.toString('utf8') === header;
  };

  const rotate = (): void => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
    try {
      const oldest = rotatedPath(opts.path, maxFiles - 1);
      if (maxFiles === 1 || fs.existsSync(oldest)) fs.rmSync(oldest, { force: true });
      for (let g = maxFiles - 2; g >= 0; g--) {
        const from = rotatedPath(opts.path, g);
        if (fs.existsSync(from)) fs.renameSync(from, rotatedPath(opts.path, g + 1));
      }
    } catch (e) {
      throw new RecordingWriteError(`cannot rotate recording ${opts.path}: ${fsErrorText(e)}`, e);
    }
    rotations++;
    open();
  };

  open();
  return {
    path: opts.path,
    get rotations() {
      return rotations;
    },
    write(text: string): void {
      if (fd === null) throw new RecordingWriteError(`recording ${opts.path} is closed`);
      const n = Buffer.byteLength(text);
      // Never rotate a file that holds nothing but its header: the piece would not fit anywhere.
      if (size + n > maxBytes && size > headerBytes) rotate();
      append(text, 'the event');
    },
    close(): void {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}
