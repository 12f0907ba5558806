// "Record" in the desktop app: while on, every poll's events go to a rotating file in the user's
// data folder. Batches arrive as the engine's JSON text; they are decoded only while recording.
import path from 'node:path';
import { alreadyRecording, decodeBatch, type RecordingStatus } from '../../shared/ipc';
import type { ConnectionEvent } from '../../shared/connection';

type Format = RecordingStatus['format'];

export interface RecorderLike {
  readonly path: string;
  record(events: readonly ConnectionEvent[]): void;
  close(): void;
}

export interface RecordingControllerDeps {
  directory: string;
  createRecorder(opts: { path: string; format: Format }): RecorderLike;
  mkdir(dir: string): Promise<void>;
  now?: () => Date;
  onError?: (message: string) => void;
  /** Told every change of status (started, stopped, ended on a failure), for every window to show. */
  onChange?: (status: RecordingStatus) => void;
}

/** `netmon-2025-01-31T09-05-07.ndjson`: sortable, and legal on every filesystem (no colons). */
export function recordingFileName(date: Date, format: Format): string {
  return `netmon-${date.toISOString().slice(0, 19).replace(/:/g, '-')}.${format}`;
}

export interface RecordingController {
  set(active: boolean, format: Format): Promise<RecordingStatus>;
  onBatch(batchJson: string): void;
  status(): RecordingStatus;
  close(): void;
}

export function createRecordingController(deps: RecordingControllerDeps): RecordingController {
  const now = deps.now ?? (() => new Date());
  let current: { recorder: RecorderLike; format: Format } | null = null;
  let lastFormat: Format = 'ndjson';
  let lastError: string | null = null;

  const status = (): RecordingStatus =>
    current
      ? { active: true, path: current.recorder.path, format: current.format, error: null }
      : { active: false, path: null, format: lastFormat, error: lastError };
  const notify = (): void => deps.onChange?.(status());

  const stop = () => {
    if (!current) return;
    const r = current.recorder;
    current = null;
    r.close();
  };

  return {
    async set(active, format) {
      if (!active) {
        const was = current !== null;
        stop();
        if (was) {
          lastError = null;
          notify();
        }
        return status();
      }
      // A window that did not know (or a double click) never silently restarts or toggles it.
      if (current) throw new Error(alreadyRecording(current.recorder.path));
      lastFormat = format;
      lastError = null;
      await deps.mkdir(deps.directory);
      const file = path.join(deps.directory, recordingFileName(now(), format));
      current = { recorder: deps.createRecorder({ path: file, format }), format };
      notify();
      return status();
    },
    onBatch(json) {
      if (!current) return;
      try {
        const batch = decodeBatch(json);
        if (batch.events.length > 0) current.recorder.record(batch.events);
      } catch (err) {
        // A full disk or a vanished folder ends the recording instead of failing every poll.
        stop();
        lastError = `recording stopped: ${err instanceof Error ? err.message : String(err)}`;
        deps.onError?.(lastError);
        notify();
      }
    },
    status,
    close: stop,
  };
}
