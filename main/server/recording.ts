// Recording for browser mode: while active, every engine batch's events go to a rotating file.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { decodeBatch, type RecordingStatus } from '../../shared/ipc';
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

export function createEngineRecorder(opts: EngineRecorderOptions): ServerRecorder & { close(): void } {
  let recorder: Recorder | null = null;
  let unsubscribe: (() => void) | null = null;
  let lastFormat: RecordingFormat = 'ndjson';

  const stop = (): void => {
    unsubscribe?.();
    unsubscribe = null;
    recorder?.close();
    recorder = null;
  };
  const status = (): RecordingStatus => ({ active: recorder !== null, path: recorder?.path ?? null, format: lastFormat });

  return {
    async setRecording(active, format) {
      // Turning it on again with another format starts a new file in that format.
      if (!active || (recorder && recorder.format !== format)) stop();
      lastFormat = format;
      if (active && !recorder) {
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
            (opts.onError ?? ((m: string) => process.stderr.write(`netmon: ${m}\n`)))(
              `recording stopped: ${err instanceof Error ? err.message : String(err)}`,
            );
          }
        });
      }
      return status();
    },
    isActive: () => recorder !== null,
    close: stop,
  };
}
