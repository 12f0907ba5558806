// Files and directories named on the command line (or in a config file it names): checked before a
// command starts its work, so a mistake in one is a usage error (exit 2) said in one line that names
// the file and the problem — never a raw Node error, never found only later. The rule, for every
// command: 2 when a named file or directory cannot be used as given (missing, of the wrong kind,
// unreadable, unwritable, too large, not what it should hold); 1 only for what fails while working.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { BoundedReadError, readBoundedFile } from '../bounded-file';
import { dirname } from 'node:path';

/** A file or directory named by the user that cannot be used; exit code 2 (bad usage). */
export class FileArgError extends Error {
  override name = 'FileArgError';
  readonly exitCode = 2;
  constructor(
    /** `read` for inputs, `write` for outputs, `use` for directories. */
    verb: 'read' | 'write' | 'use',
    /** What the file is for, e.g. `recording`, `baseline`, `agent config`. */
    readonly what: string,
    readonly path: string,
    /** The bare problem in words: `no such file`, `is a directory`, `permission denied`, … */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot ${verb} ${what} '${path}': ${reason}`, options);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EROFS: 'read-only file system',
};

/** A Node fs error in words (`no such file or directory`), without the syscall and path Node adds. */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code && REASONS[err.code]) return REASONS[err.code];
  const text = (err?.message ?? String(e)).replace(/^E[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
  return err?.code ? `${text} (${err.code})` : text;
}

function statOf(verb: 'read' | 'write' | 'use', what: string, path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT' && verb === 'use';
    throw new FileArgError(verb, what, path, missing ? 'no such directory' : fsReason(e), { cause: e });
  }
}

/** Why `path` cannot be used with `mode` (access(2): `permission denied`, `read-only file system`), or null when it can. */
function accessProblem(path: string, mode: number): string | null {
  try {
    accessSync(path, mode);
    return null;
  } catch (e) {
    return fsReason(e);
  }
}

/**
 * Checks that `path` is a readable regular file (no larger than `maxBytes` when given).
 * @throws FileArgError naming the file and the problem.
 */
export function checkInputFile(path: string, what: string, maxBytes = Infinity): void {
  const st = statOf('read', what, path);
  if (st.isDirectory()) throw new FileArgError('read', what, path, 'is a directory');
  // A FIFO would block forever (and hold off SIGTERM); /dev/zero would never end.
  if (!st.isFile()) throw new FileArgError('read', what, path, 'not a regular file');
  if (st.size > maxBytes) throw new FileArgError('read', what, path, `${st.size} bytes is more than a ${what} can be (${maxBytes} bytes)`);
  const why = accessProblem(path, constants.R_OK);
  if (why) throw new FileArgError('read', what, path, why);
}

/**
 * The text (UTF-8) of a small file named by the user (a baseline, a token, a config), checked first
 * with checkInputFile so a FIFO, a device or a huge file is refused rather than read. A leading
 * byte-order mark (U+FEFF, which Windows editors write) is dropped: it is no part of the content.
 * @throws FileArgError naming the file and the problem.
 */
export function readInputFile(path: string, maxBytes: number, what: string): string {
  checkInputFile(path, what, maxBytes);
  try {
    // Checked by name above for the words; read from the handle, checked again, so a file swapped
    // for a FIFO or a larger one in between is refused, not waited on.
    const text = readBoundedFile(path, maxBytes).toString('utf8');
    return text.startsWith('\ufeff') ? text.slice(1) : text;
  } catch (e) {
    const reason = !(e instanceof BoundedReadError) ? fsReason(e)
      : e.code ? fsReason(e.cause)
      : e.kind === 'size' ? `${e.size} bytes is more than a ${what} can be (${maxBytes} bytes)` : e.reason;
    throw new FileArgError('read', what, path, reason, { cause: e });
  }
}

/**
 * The FileArgError for a failed read of `path` as `what`: a FileArgError's problem is kept (its
 * `what` replaced), any other error is put in words.
 */
export function fileReadError(e: unknown, what: string, path: string): FileArgError {
  return new FileArgError('read', what, path, e instanceof FileArgError ? e.reason : fsReason(e), { cause: e });
}

/**
 * Checks that `dir` is an existing directory this process may create files in.
 * @throws FileArgError naming the directory and the problem.
 */
export function checkOutputDir(dir: string, what: string): void {
  const st = statOf('use', what, dir);
  if (!st.isDirectory()) throw new FileArgError('use', what, dir, 'not a directory');
  const why = accessProblem(dir, constants.W_OK | constants.X_OK);
  if (why) throw new FileArgError('use', what, dir, `${why} (cannot create files in it)`);
}

/**
 * Checks that `path` can be written: an existing writable regular file, or a new name in an
 * existing directory this process may create files in.
 * @throws FileArgError naming the file and the problem.
 */
export function checkOutputFile(path: string, what: string): void {
  let st: Stats | null = null;
  try {
    st = statSync(path);
  } catch (e) {
    // ENOTDIR: the directory part names a file, said below in those words.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new FileArgError('write', what, path, fsReason(e), { cause: e });
  }
  if (st) {
    if (st.isDirectory()) throw new FileArgError('write', what, path, 'is a directory');
    const why = accessProblem(path, constants.W_OK);
    if (why) throw new FileArgError('write', what, path, why);
    return;
  }
  const dir = dirname(path);
  let dst: Stats;
  try {
    dst = statSync(dir);
  } catch (e) {
    throw new FileArgError('write', what, path, `no such directory '${dir}'`, { cause: e });
  }
  if (!dst.isDirectory()) throw new FileArgError('write', what, path, `'${dir}' is not a directory`);
  const why = accessProblem(dir, constants.W_OK | constants.X_OK);
  if (why) throw new FileArgError('write', what, path, `${why} (cannot create files in '${dir}')`);
}
