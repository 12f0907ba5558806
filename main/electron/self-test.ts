// `netmon.exe --self-test[=FILE]`: proves an installed or unpacked build starts for real — the engine
// process comes up, the platform source answers its first poll, the renderer files are in the
// archive — without a window or a person. The report is JSON; the exit code is 0 when all held.
import { decodeBatch, type EventBatch } from '../../shared/ipc';

/** How long the self-test waits for a successful first poll before it reports failure. */
export const SELF_TEST_TIMEOUT_MS = 30_000;

export interface SelfTestReport {
  ok: boolean;
  /** status.source of the last batch seen (e.g. `windows-iphlpapi`), null when none came. */
  source: string | null;
  /** status.lastError of the last batch seen, or why there was none. */
  lastError: string | null;
  /** Rows of the first full batch, null when none came. */
  rows: number | null;
  /** HTTP status of app://netmon/ (the packed renderer), null when not checked. */
  renderer: number | null;
  versions: Record<string, string>;
  elapsedMs: number;
}

export interface SelfTestDeps {
  onBatch(listener: (json: string) => void): () => void;
  /** Fetches the renderer's entry page through the app:// handler; resolves with its status. */
  checkRenderer(): Promise<number>;
  versions: Record<string, string>;
  now(): number;
  timeoutMs?: number;
}

/** The report for what was seen: the last batch (a full one ends the wait), the renderer status, the time taken. */
export function selfTestReport(last: EventBatch | null, renderer: number | null, versions: Record<string, string>, elapsedMs: number, timeoutMs: number): SelfTestReport {
  const full = last?.full === true;
  const lastError = last ? last.status.lastError : `no batch from the engine within ${timeoutMs} ms`;
  return {
    ok: full && last.status.lastError === null && renderer === 200,
    source: last ? last.status.source : null,
    lastError: lastError ?? (full ? null : `no successful poll within ${timeoutMs} ms`),
    rows: full ? (last.connections?.length ?? 0) : null,
    renderer,
    versions,
    elapsedMs,
  };
}

/** Waits (bounded) for the first full batch, checks the renderer, and returns the report. Never throws. */
export async function runSelfTest(deps: SelfTestDeps): Promise<SelfTestReport> {
  const timeoutMs = deps.timeoutMs ?? SELF_TEST_TIMEOUT_MS;
  const started = deps.now();
  let last: EventBatch | null = null;
  let unsubscribe: () => void = () => undefined;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    unsubscribe = deps.onBatch((json) => {
      let batch: EventBatch;
      try {
        batch = decodeBatch(json);
      } catch {
        return; // a malformed batch proves nothing either way; keep waiting
      }
      last = batch;
      if (batch.full) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  unsubscribe();
  let renderer: number | null;
  try {
    renderer = await deps.checkRenderer();
  } catch {
    renderer = null;
  }
  return selfTestReport(last, renderer, deps.versions, deps.now() - started, timeoutMs);
}
