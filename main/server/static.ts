// Serves the built renderer: one directory, no traversal out of it, explicit MIME types.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { mimeType } from '../mime';

export { mimeType };


export type Resolved = { ok: true; file: string } | { ok: false; status: 400 | 403 };

/** Guard 1: any `..` segment is refused outright, even one that would resolve back inside the root. */
export function hasDotDotSegment(decodedPath: string): boolean {
  return decodedPath.split('/').some((seg) => seg === '..');
}

/** Guard 2, the real one: the resolved file is the root or below it (by `pathApi`'s rules: drive letters on win32). */
export function isContained(absRoot: string, file: string, pathApi: path.PlatformPath = path): boolean {
  return file === absRoot || file.startsWith(absRoot + pathApi.sep);
}

/**
 * Maps a URL path to a file under root, or refuses. Decoding happens once, before the checks,
 * so `%2e%2e/` cannot slip past them; the final containment check is the real guard. `pathApi`
 * is injectable so tests can check Windows' rules (drive letters) on Linux.
 */
export function resolveStaticPath(root: string, urlPath: string, pathApi: path.PlatformPath = path): Resolved {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  if (hasDotDotSegment(decoded)) return { ok: false, status: 403 };
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const absRoot = pathApi.resolve(root);
  const file = pathApi.resolve(absRoot, rel);
  if (!isContained(absRoot, file, pathApi)) return { ok: false, status: 403 };
  return { ok: true, file };
}

export interface StaticFiles {
  /** The bytes of `file` (a path resolveStaticPath accepted), or null when it is no readable regular file. */
  read(file: string): Promise<Buffer | null>;
}

/**
 * The served files, each read once and kept while its size and modification time are unchanged
 * (a rebuild is picked up). Every response of one file shares one Buffer, so a client that asks
 * and never reads holds a reference, not a copy. Holds at most the served directory (the renderer
 * bundle, a few MB); a file that cannot be read is not kept.
 */
export function createStaticFiles(): StaticFiles {
  const kept = new Map<string, { size: number; mtimeMs: number; body: Buffer }>();
  return {
    async read(file) {
      try {
        const st = await fs.stat(file);
        if (!st.isFile()) return null;
        const k = kept.get(file);
        if (k && k.size === st.size && k.mtimeMs === st.mtimeMs) return k.body;
        const body = await fs.readFile(file);
        kept.set(file, { size: st.size, mtimeMs: st.mtimeMs, body });
        return body;
      } catch {
        kept.delete(file);
        return null;
      }
    },
  };
}
