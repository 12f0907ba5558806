// Reading a small text file named on the command line (a baseline, a token file) without trusting
// what it is: a FIFO would block forever (and hold off SIGTERM), /dev/zero would never end, and a
// huge file would exhaust memory. Checked first: a regular file no larger than the bound.
import { readFileSync, statSync } from 'node:fs';

/** What went wrong reading a small file: `message` names the file; `reason` is the bare cause (`ENOENT`, `not a regular file`, …). */
export class SmallFileError extends Error {
  override name = 'SmallFileError';
  constructor(
    what: string,
    path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read ${what} ${path}: ${reason}`, options);
  }
}

/**
 * The text of `path` (UTF-8).
 * @param maxBytes largest size accepted.
 * @param what what the file is, for messages (e.g. `baseline`).
 * @throws SmallFileError naming the file and what is wrong (missing, not a regular file, too large, unreadable).
 */
export function readSmallTextFile(path: string, maxBytes: number, what: string): string {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new SmallFileError(what, path, (e as NodeJS.ErrnoException).code ?? (e as Error).message, { cause: e });
  }
  if (!st.isFile()) throw new SmallFileError(what, path, 'not a regular file');
  if (st.size > maxBytes) throw new SmallFileError(what, path, `${st.size} bytes is more than a ${what} can be (${maxBytes} bytes)`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new SmallFileError(what, path, (e as NodeJS.ErrnoException).code ?? (e as Error).message, { cause: e });
  }
}
