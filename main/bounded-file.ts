// Reading a small file someone named (a token, a config, a baseline, the window state) without
// trusting what is at the path: it is opened first, non-blocking, and its type and size are taken
// from the open handle, so a FIFO cannot block the read and nothing can be swapped in between a
// check by name and the read.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a bounded read was refused, in words; `code` is Node's error code when the OS refused it. */
export class BoundedReadError extends Error {
  override name = 'BoundedReadError';
  constructor(
    /** What failed: opening it, its type (not a regular file), its size (over the bound), reading it. */
    readonly kind: 'open' | 'type' | 'size' | 'read',
    readonly reason: string,
    /** Node's error code, when the OS refused (`open`, `read`). */
    readonly code?: string,
    /** The size in bytes (`size`): fstat's, or how much was read before the bound was passed. */
    readonly size?: number,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/**
 * The bytes of `path`, a regular file of at most `maxBytes` bytes.
 * Opened with O_NONBLOCK (POSIX; absent on Windows, where a FIFO cannot be opened by path this
 * way), then fstat(2) on the handle; one byte more than the bound is read so a file that grew
 * since fstat is refused, not cut short.
 * @throws BoundedReadError — kind `type` (`not a regular file`: a directory, FIFO, device, socket),
 *   `size` (more than `maxBytes`), or `open` / `read` with the OS's `code` (ENOENT, EACCES, …).
 */
export function readBoundedFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BoundedReadError('open', `cannot open it (${code ?? String(e)})`, code, undefined, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new BoundedReadError('type', 'not a regular file');
    if (st.size > maxBytes) throw new BoundedReadError('size', `${st.size} bytes, more than ${maxBytes}`, undefined, st.size);
    // Read until the end, a chunk at a time: the size fstat gave may already be out of date.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size - total, 0) + 1, maxBytes + 1 - total, 1 << 20) || 1);
      const got = readSync(fd, chunk, 0, chunk.length, total);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      total += got;
      if (total > maxBytes) throw new BoundedReadError('size', `more than ${maxBytes} bytes`, undefined, total);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof BoundedReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new BoundedReadError('read', `cannot read it (${code ?? String(e)})`, code, undefined, { cause: e });
  } finally {
    closeSync(fd);
  }
}
