import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundedReadError, readBoundedFile } from './bounded-file';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'netmon-bounded-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const refusal = (f: () => unknown): BoundedReadError => {
  try {
    f();
  } catch (e) {
    if (e instanceof BoundedReadError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('readBoundedFile', () => {
  it('reads a regular file whole, across its 1 MiB read chunks, byte for byte', () => {
    const f = path.join(dir(), 'big');
    const bytes = Buffer.alloc(3 * (1 << 20) + 17);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(f, bytes);
    expect(readBoundedFile(f, bytes.length).equals(bytes)).toBe(true);
    writeFileSync(f, '');
    expect(readBoundedFile(f, 10).length).toBe(0);
  });

  it('the bound is inclusive: maxBytes is read, one byte more is refused with the size', () => {
    const f = path.join(dir(), 'f');
    writeFileSync(f, 'x'.repeat(100));
    expect(readBoundedFile(f, 100).toString()).toBe('x'.repeat(100));
    const e = refusal(() => readBoundedFile(f, 99));
    expect([e.kind, e.size, e.reason]).toEqual(['size', 100, '100 bytes, more than 99']);
  });

  it('a FIFO is refused at once from the open handle (no writer: a blocking open or read would never return)', () => {
    const f = path.join(dir(), 'fifo');
    execFileSync('mkfifo', [f]);
    const e = refusal(() => readBoundedFile(f, 1024));
    expect([e.kind, e.reason]).toEqual(['type', 'not a regular file']);
  });

  it('a device or a directory is refused by type; a missing file by the OS, with its code', () => {
    expect(refusal(() => readBoundedFile('/dev/zero', 1024)).kind).toBe('type');
    expect(refusal(() => readBoundedFile(dir(), 1024)).kind).toBe('type');
    const missing = refusal(() => readBoundedFile(path.join(dir(), 'none'), 1024));
    expect([missing.kind, missing.code]).toEqual(['open', 'ENOENT']);
  });
});
