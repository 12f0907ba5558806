// Recordings: the file being written (Record button) and a file opened for reading.
import { useCallback, useEffect, useRef, useState } from 'react';
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
  /**
   * The file the engine side writes, whichever window started it: asked on load, then pushed on every
   * change (never this window's own guess). Null until the engine side answered.
   */
  writing: RecordingStatus | null;
  toggleWriting(): void;
}

export function useRecording(bridge: NetmonBridge, toast: ShowToast): RecordingControls {
  const [opened, setOpened] = useState<LoadedRecording | null>(null);
  const [writing, setWriting] = useState<RecordingStatus | null>(null);
  // A push that arrives before getRecording's answer is newer than it: the answer must not undo it.
  const pushed = useRef(false);
  const toastRef = useRef(toast);
  toastRef.current = toast;
  useEffect(() => {
    let live = true;
    const off = bridge.onRecording((s) => {
      pushed.current = true;
      setWriting(s);
      // Ended by the engine side (disk full, folder gone): every window says so, not only the one that started it.
      if (!s.active && s.error) toastRef.current({ text: s.error, error: true });
    });
    bridge.getRecording().then(
      (s) => live && !pushed.current && setWriting(s),
      () => undefined, // No answer (link down): the next push or reconnect tells.
    );
    return () => {
      live = false;
      off();
    };
  }, [bridge]);
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
    // The engine side refuses a second start (another window may have started one): its reason is shown.
    bridge.setRecording(!writing?.active).then(
      (s) => {
        setWriting(s);
        toast({ text: s.active ? `Recording to ${s.path ?? 'file'}` : 'Recording stopped' });
      },
      (err: unknown) => {
        toast(failure(writing?.active ? 'Recording not stopped' : 'Recording not started', err));
        // Refused because the engine side's state differs from what this window showed: show the engine's.
        bridge.getRecording().then(setWriting, () => undefined);
      },
    );
  }, [bridge, writing, toast]);
  return { opened, open, close, writing, toggleWriting };
}
