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
  /** `--self-test[=FILE]`: report the first poll as JSON (to FILE, or stdout when `out` is null) and exit. */
  selfTest: { out: string | null } | null;
  /** `--self-test-timeout=MS` (1000–120000): how long the self-test waits for the first poll. */
  selfTestTimeoutMs?: number;
}

/**
 * `--source=demo`, `--interval=2000`, `--devtools`, `--self-test[=FILE]`, `--self-test-timeout=MS`; anything else (Chromium's
 * own switches, `--elevated-from=PID`) is ignored here.
 */
export function parseShellArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): ShellOptions {
  const opts: ShellOptions = { source: 'auto', devTools: false, selfTest: null };
  const fromEnv = env.NETMON_SOURCE;
  if (isSourceKind(fromEnv)) opts.source = fromEnv;
  for (const arg of argv) {
    const m = /^--(source|interval|self-test-timeout)=(.*)$/.exec(arg);
    if (m?.[1] === 'source' && isSourceKind(m[2])) opts.source = m[2];
    if (m?.[1] === 'interval') {
      const n = Number(m[2]);
      if (Number.isInteger(n) && n >= MIN_INTERVAL_MS && n <= MAX_INTERVAL_MS) opts.intervalMs = n;
    }
    if (m?.[1] === 'self-test-timeout') {
      const n = Number(m[2]);
      if (Number.isInteger(n) && n >= 1000 && n <= 120_000) opts.selfTestTimeoutMs = n;
    }
    if (arg === '--devtools') opts.devTools = true;
    if (arg === '--self-test') opts.selfTest = { out: null };
    else if (arg.startsWith('--self-test=') && arg.length > '--self-test='.length) opts.selfTest = { out: arg.slice('--self-test='.length) };
  }
  return opts;
}

/** The Windows AppUserModelID; the NSIS shortcuts carry the same (electron-builder.yml appId). */
export const APP_USER_MODEL_ID = 'io.netmon.app';

/**
 * The profile folder (userData: settings, logs, recordings, and the single-instance lock) under
 * appData: `netmon` for the installed app, `netmon-dev` for a development build (npm start), so
 * the two never share a lock or a profile.
 */
export function userDataDir(appData: string, packaged: boolean): string {
  return path.join(appData, packaged ? 'netmon' : 'netmon-dev');
}
