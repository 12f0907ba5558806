// The engine's poll state — pause and interval — asked of the engine and shown as it answers.
// It is the same for every viewer (the engine pushes each change to all of them at once), so
// nothing here is saved with the page's settings.
import { useCallback } from 'react';
import type { NetmonBridge } from '../../shared/ipc';
import type { ConnectionStore } from '../store/store';
import { failure, type ShowToast } from './toast';

export interface PollControls {
  /** The engine's poll is paused (for every viewer). */
  paused: boolean;
  /** The engine's interval, ms (null before its first status). */
  intervalMs: number | null;
  togglePause(): void;
  setIntervalMs(ms: number): void;
}

export function usePollControls(bridge: NetmonBridge, store: ConnectionStore, toast: ShowToast): PollControls {
  const togglePause = useCallback(() => {
    bridge.setPaused(!(store.status?.paused ?? false)).then(
      (s) => store.setStatus(s),
      (err: unknown) => toast(failure('Polling not paused', err)),
    );
  }, [bridge, store, toast]);
  const setIntervalMs = useCallback(
    (ms: number) => {
      bridge.setInterval(ms).then(
        (s) => store.setStatus(s),
        (err: unknown) => toast(failure('Interval not changed', err)),
      );
    },
    [bridge, store, toast],
  );
  return { paused: store.status?.paused ?? false, intervalMs: store.status?.intervalMs ?? null, togglePause, setIntervalMs };
}
