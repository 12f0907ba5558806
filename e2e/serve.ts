// Starts `netmon serve` (the built CLI) as a child process and waits for its URL: shared by the e2e
// fixtures and the Chromium frame bench (bench/ui-frames.ts), which must not load @playwright/test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface NetmonServer {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
}

/** The project root: the first folder up from here with bin/netmon.cjs (e2e/ in source, dist/bench/ bundled). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bin', 'netmon.cjs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no bin/netmon.cjs above ${__dirname}`);
  }
}

/**
 * Runs `node bin/netmon.cjs serve ARGS` from the project root and resolves once it prints
 * "netmon: serving on URL". Rejects (and kills the child) when no URL comes within `timeoutMs`
 * or the child exits first, with its stderr. The caller ends the child (`process.kill`).
 */
export async function spawnServe(args: readonly string[], timeoutMs = 20_000): Promise<NetmonServer> {
  const root = projectRoot();
  const child = spawn(process.execPath, [path.join(root, 'bin', 'netmon.cjs'), 'serve', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`netmon serve printed no URL in ${timeoutMs / 1000} s; stderr: ${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const m = /netmon: serving on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`netmon serve exited with ${code}; stderr: ${err}`));
    });
  });
  const u = new URL(url);
  return { url, origin: u.origin, token: u.searchParams.get('token') ?? '', process: child };
}
