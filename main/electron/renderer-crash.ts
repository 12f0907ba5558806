// What to do when the window's renderer process dies (Electron's `render-process-gone`): reload the
// page and tell the user, unless it keeps dying (then stop reloading and say that instead).
// Monitoring is unaffected either way: the engine runs in its own process.

export interface RenderProcessGoneDetails {
  reason: string;
  exitCode: number;
}

export type CrashDecision = { action: 'ignore' } | { action: 'reload' | 'give-up'; message: string; detail: string };

/**
 * A decider with memory: at most `maxReloads` reloads within `windowMs`; a 'clean-exit' (the page
 * was closed on purpose) is ignored.
 */
export function createRendererCrashPolicy(opts: { now: () => number; maxReloads?: number; windowMs?: number }): (d: RenderProcessGoneDetails) => CrashDecision {
  const maxReloads = opts.maxReloads ?? 3;
  const windowMs = opts.windowMs ?? 60_000;
  const reloads: number[] = [];
  return (d) => {
    if (d.reason === 'clean-exit') return { action: 'ignore' };
    const t = opts.now();
    while (reloads.length > 0 && t - reloads[0] > windowMs) reloads.shift();
    const detail = `Reason: ${d.reason} (exit code ${d.exitCode}). Monitoring went on meanwhile; the log has the details.`;
    if (reloads.length >= maxReloads) {
      return { action: 'give-up', message: `The netmon window crashed ${maxReloads + 1} times within a minute and is not reloaded again.`, detail };
    }
    reloads.push(t);
    return { action: 'reload', message: 'The netmon window crashed and was reloaded.', detail };
  };
}
