// Recording for browser mode: while active, every engine batch's events go to a rotating file.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { alreadyRecording, decodeBatch, type RecordingStatus } from '../../shared/ipc';
import type { EngineHost } from '../engine/types';
import { createRecorder, type Recorder, type RecordingFormat } from '../record/recorder';
import type { ServerRecorder } from './types';

export interface EngineRecorderOptions {
  engine: EngineHost;
  /** Directory for recordings; created on first use. */
  dir: string;
  now?: () => Date;
  /** Told when a recording stops on its own (disk full, folder removed); the message names the file. Default: stderr. */
  onError?: (message: string) => void;
  /** Passed to the recorder (tests give a failing file system). */
  createRecorder?: typeof createRecorder;
}

export function recordingFileName(format: RecordingFormat, at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return `netmon-events-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}`;
}

/**
 * The run's one recording in browser mode, owned here (not by a page): any client starts or stops it,
 * closing a tab does not, and every client is told each change (onChange) — started, stopped, or
 * ended here on a write failure (then `error` names the file and why).
 */
export function createEngineRecorder(opts: EngineRecorderOptions): ServerRecorder & { close(): void } {
  let recorder: Recorder | null = null;
  let unsubscribe: (() => void) | null = null;
  let lastFormat: RecordingFormat = 'ndjson';
  let lastError: string | null = null;
  const listeners = new Set<(s: RecordingStatus) => void>();

  const status = (): RecordingStatus => ({ active: recorder !== null, path: recorder?.path ?? null, format: lastFormat, error: lastError });
  const notify = (): void => {
    const s = status();
    for (const l of [...listeners]) {
      try {
        l(s);
      } catch {
        // One viewer's failing listener must not keep the others uninformed.
      }
    }
  };
  const stop = (): void => {
    unsubscribe?.();
    unsubscribe = null;
    recorder?.close();
    recorder = null;
  };

  return {
    async setRecording(active, format) {
      // One recording for every viewer: a start while one runs (of any format) would end another viewer's file unseen.
      if (active && recorder) throw new Error(alreadyRecording(recorder.path));
      if (!active) {
        // A stop when none runs changes nothing and tells nobody (it would clear why the last one ended).
        if (!recorder) return status();
        stop();
        lastError = null;
      } else {
        lastFormat = format;
        lastError = null;
        mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
        const file = path.join(opts.dir, recordingFileName(format, (opts.now ?? (() => new Date()))()));
        const r = (opts.createRecorder ?? createRecorder)({ path: file, format });
        recorder = r;
        unsubscribe = opts.engine.onBatch((json) => {
          if (recorder !== r) return;
          try {
            const events = decodeBatch(json).events;
            if (events.length > 0) r.record(events);
          } catch (err) {
            // A full disk or a vanished folder ends the recording (nothing half-written stays) instead of failing every batch.
            stop();
            lastError = `recording stopped: ${err instanceof Error ? err.message : String(err)}`;
            (opts.onError ?? ((m: string) => process.stderr.write(`netmon: ${m}\n`)))(lastError);
            notify();
          }
        });
      }
      notify();
      return status();
    },
    status,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    isActive: () => recorder !== null,
    close: stop,
  };
}
