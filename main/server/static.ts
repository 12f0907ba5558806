// Serves the built renderer: one directory, no traversal out of it, explicit MIME types.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { mimeType } from '../mime';

export { mimeType };


export type Resolved = { ok: true; file: string } | { ok: false; status: 400 | 403 };

/**
 * Maps a URL path to a file under root, or refuses. Decoding happens once, before the checks,
 * so `%2e%2e/` cannot slip past them; the final containment check is the real guard.
 */
export function resolveStaticPath(root: string, urlPath: string): Resolved {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  if (decoded.split('/').some((seg) => seg === '..')) return { ok: false, status: 403 };
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const absRoot = path.resolve(root);
  const file = path.resolve(absRoot, rel);
  if (file !== absRoot && !file.startsWith(absRoot + path.sep)) return { ok: false, status: 403 };
  return { ok: true, file };
}

export async function readStatic(file: string): Promise<Buffer | null> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return null;
    return await fs.readFile(file);
  } catch {
    return null;
  }
}
