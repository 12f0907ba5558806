// Recordings: the file being written (Record button) and a file opened for reading.
import { useCallback, useState } from 'react';
import type { NetmonBridge, RecordingStatus } from '../../../shared/ipc';
import { EventLog } from '../../store/eventLog';
import { openRecordingFile } from '../../store/recording';
import { failure, type ShowToast } from '../../app/toast';

/** A recording opened read-only: its events and what could not be read. */
export interface LoadedRecording {
  name: string;
  log: EventLog;
  count: number;
  /** What was skipped or not kept (file, lines, why), null when the file was read whole. */
  notice: string | null;
}

/** Reads a recording file (NDJSON or CSV) into an event log; throws, naming the file, when it is not a recording. */
export async function loadRecording(file: File): Promise<LoadedRecording> {
  const r = await openRecordingFile(file);
  return { name: file.name, log: r.log, count: r.summary.events, notice: r.notice };
}

export interface RecordingControls {
  /** The recording opened for reading, null when viewing live data. */
  opened: LoadedRecording | null;
  open(file: File): Promise<boolean>;
  close(): void;
  /** The file being written by the engine side, as last reported. */
  writing: RecordingStatus | null;
  toggleWriting(): void;
}

export function useRecording(bridge: NetmonBridge, toast: ShowToast): RecordingControls {
  const [opened, setOpened] = useState<LoadedRecording | null>(null);
  const [writing, setWriting] = useState<RecordingStatus | null>(null);
  const open = useCallback(
    async (file: File) => {
      try {
        setOpened(await loadRecording(file));
        return true;
      } catch (err) {
        toast(failure(`Could not open ${file.name}`, err));
        return false;
      }
    },
    [toast],
  );
  const close = useCallback(() => setOpened(null), []);
  const toggleWriting = useCallback(() => {
    bridge.setRecording(!writing?.active).then(
      (s) => {
        setWriting(s);
        toast({ text: s.active ? `Recording to ${s.path ?? 'file'}` : 'Recording stopped' });
      },
      (err: unknown) => toast(failure('Recording failed', err)),
    );
  }, [bridge, writing, toast]);
  return { opened, open, close, writing, toggleWriting };
}
