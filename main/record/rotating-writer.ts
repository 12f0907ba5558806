// A size-bounded log file: appends text to FILE and, when the next write would push FILE past
// maxBytes, shifts FILE → FILE.1 → FILE.2 … keeping maxFiles files in all (FILE included).
// Writes are synchronous so that whatever was written is on disk when the process is told to stop.
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

export interface RotatingWriterOptions {
  path: string;
  /** Rotate before a write that would make the file larger than this (default 10 MiB). */
  maxBytes?: number;
  /** Files kept, the live one included (default 5); 1 means the live file is started afresh. */
  maxFiles?: number;
  /** Written at the top of every new file (e.g. a CSV header), and of an existing empty one. */
  header?: string;
}

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
  const header = opts.header ?? '';
  const headerBytes = Buffer.byteLength(header);
  let fd: number | null = null;
  let size = 0;
  let rotations = 0;

  // An existing file is continued, not clobbered: a restarted recorder must not lose a recording.
  const open = (): void => {
    fd = openSync(opts.path, 'a');
    size = fstatSync(fd).size;
    if (size === 0 && headerBytes > 0) {
      writeSync(fd, header);
      size = headerBytes;
    }
  };

  const rotate = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
    const oldest = rotatedPath(opts.path, maxFiles - 1);
    if (maxFiles === 1 || existsSync(oldest)) rmSync(oldest, { force: true });
    for (let g = maxFiles - 2; g >= 0; g--) {
      const from = rotatedPath(opts.path, g);
      if (existsSync(from)) renameSync(from, rotatedPath(opts.path, g + 1));
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
      if (fd === null) throw new Error(`recording ${opts.path} is closed`);
      const n = Buffer.byteLength(text);
      // Never rotate a file that holds nothing but its header: the piece would not fit anywhere.
      if (size + n > maxBytes && size > headerBytes) rotate();
      writeSync(fd!, text);
      size += n;
    },
    close(): void {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
