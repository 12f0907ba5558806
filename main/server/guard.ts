// Process-level guard for `netmon serve`: whatever escapes a handler (an uncaught exception, an
// unhandled rejection) is logged as one line and the server keeps serving. Handlers are meant to
// be total; this is the net under them, so one bad request can never end the run.

export interface ProcessGuardOptions {
  /** Lines per minute at most; the rest are counted and reported once the minute is over. Default 10. */
  maxPerMinute?: number;
  /** Clock (ms), for tests. */
  now?: () => number;
}

/**
 * Installs `uncaughtException` and `unhandledRejection` listeners on `proc` that write one line
 * each to `log` (rate-limited, so a flood cannot fill a disk) instead of ending the process.
 * Returns a function that removes them.
 */
export function installProcessGuard(
  log: (line: string) => void,
  opts: ProcessGuardOptions = {},
  proc: NodeJS.EventEmitter = process,
): () => void {
  const max = opts.maxPerMinute ?? 10;
  const now = opts.now ?? Date.now;
  let windowStart = now();
  let inWindow = 0;
  let suppressed = 0;

  const report = (kind: string, e: unknown): void => {
    const t = now();
    if (t - windowStart >= 60_000) {
      if (suppressed > 0) log(`netmon serve: ${suppressed} more internal error(s) were not shown`);
      windowStart = t;
      inWindow = 0;
      suppressed = 0;
    }
    if (inWindow >= max) {
      suppressed++;
      return;
    }
    inWindow++;
    log(`netmon serve: internal error (${kind}), still serving: ${describe(e)}`);
  };
  const onException = (e: unknown): void => report('uncaught exception', e);
  const onRejection = (e: unknown): void => report('unhandled rejection', e);
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}

/** One line: the error's name and message, never a multi-line stack. */
function describe(e: unknown): string {
  let text: string;
  try {
    text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    text = 'an unprintable value';
  }
  return text.replace(/\s+/g, ' ').slice(0, 500);
}
