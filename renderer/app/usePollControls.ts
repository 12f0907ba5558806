// Pause / resume and the poll interval, asked of the engine; the store shows what it answers.
import { useCallback } from 'react';
import type { NetmonBridge } from '../../shared/ipc';
import type { ConnectionStore } from '../store/store';
import { failure, type ShowToast } from './toast';

export interface PollControls {
  paused: boolean;
  togglePause(): void;
  setIntervalMs(ms: number): void;
}

export function usePollControls(bridge: NetmonBridge, store: ConnectionStore, toast: ShowToast, onInterval: (ms: number) => void): PollControls {
  const togglePause = useCallback(() => {
    bridge.setPaused(!(store.status?.paused ?? false)).then(
      (s) => store.setStatus(s),
      (err: unknown) => toast(failure('Pause failed', err)),
    );
  }, [bridge, store, toast]);
  const setIntervalMs = useCallback(
    (ms: number) => {
      onInterval(ms);
      bridge.setInterval(ms).then(
        (s) => store.setStatus(s),
        (err: unknown) => toast(failure('Interval not changed', err)),
      );
    },
    [bridge, store, toast, onInterval],
  );
  return { paused: store.status?.paused ?? false, togglePause, setIntervalMs };
}
