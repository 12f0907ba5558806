// Where the bundled pieces sit relative to dist/main/index.cjs, and the few command-line
// switches the desktop app takes. Pure, so both are unit-tested.
import path from 'node:path';
import { isSourceKind, type SourceKind } from '../source';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS } from '../../shared/ipc';

export interface AppPaths {
  preload: string;
  rendererRoot: string;
  worker: string;
  /** Window icon (Linux/macOS use it; Windows takes the exe's icon). */
  icon: string;
}

/** @param mainDir the directory of the running main bundle (dist/main, inside app.asar when packaged) */
export function appPaths(mainDir: string): AppPaths {
  const dist = path.dirname(mainDir);
  return {
    preload: path.join(dist, 'preload', 'index.cjs'),
    rendererRoot: path.join(dist, 'renderer'),
    // worker_threads read from inside app.asar since Electron 17, so the worker stays packed.
    worker: path.join(mainDir, 'engine-worker.cjs'),
    icon: path.join(path.dirname(dist), 'build', 'icon.png'),
  };
}

export interface ShellOptions {
  source: SourceKind;
  intervalMs?: number;
  devTools: boolean;
}

/** `--source=demo`, `--interval=2000`, `--devtools`; anything else (Chromium's own switches) is ignored. */
export function parseShellArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): ShellOptions {
  const opts: ShellOptions = { source: 'auto', devTools: false };
  const fromEnv = env.NETMON_SOURCE;
  if (isSourceKind(fromEnv)) opts.source = fromEnv;
  for (const arg of argv) {
    const m = /^--(source|interval)=(.*)$/.exec(arg);
    if (m?.[1] === 'source' && isSourceKind(m[2])) opts.source = m[2];
    if (m?.[1] === 'interval') {
      const n = Number(m[2]);
      if (Number.isInteger(n) && n >= MIN_INTERVAL_MS && n <= MAX_INTERVAL_MS) opts.intervalMs = n;
    }
    if (arg === '--devtools') opts.devTools = true;
  }
  return opts;
}
