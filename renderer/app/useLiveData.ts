// Feeds the store from the bridge: the snapshot first, then every batch (queued until the
// snapshot is in); after a browser-mode reconnect the whole table is fetched again.
import { useEffect, useState, type RefObject } from 'react';
import { decodeBatch, type NetmonBridge } from '../../shared/ipc';
import type { ConnectionStore } from '../store/store';

export type LinkState = 'connecting' | 'open' | 'closed';

interface ConnectionStateSource {
  onConnectionState?: (l: (s: LinkState) => void) => () => void;
}

export interface LiveData {
  /** Browser-mode link to the server (null in the desktop app, which has no such link). */
  connState: LinkState | null;
  /** Why the first snapshot could not be read (batches still fill the table). */
  startError: string | null;
}

/**
 * Subscribes `store` to `bridge` for the component's life. `intervalRef` holds the interval the
 * page wants; it is pushed to the engine when the snapshot reports another one.
 */
export function useLiveData(bridge: NetmonBridge, store: ConnectionStore, intervalRef: RefObject<number>): LiveData {
  const [connState, setConnState] = useState<LinkState | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  useEffect(() => {
    let ready = false;
    let disposed = false;
    const queue: string[] = [];
    let snapTime = -Infinity;
    const apply = (json: string) => {
      try {
        const b = decodeBatch(json);
        if (!b.full && b.time <= snapTime) return; // already in the snapshot
        store.applyBatch(b);
      } catch (err) {
        console.warn('netmon: dropped a malformed batch', err);
      }
    };
    const unsub = bridge.onBatch((json) => (ready ? apply(json) : queue.push(json)));
    const load = () =>
      bridge.getSnapshot().then(
        (snap) => {
          if (disposed) return;
          snapTime = snap.time;
          store.applyBatch({ seq: 0, time: snap.time, full: true, connections: snap.connections, events: [], status: snap.status });
          ready = true;
          setStartError(null);
          queue.splice(0).forEach(apply);
          if (snap.status.intervalMs !== intervalRef.current) bridge.setInterval(intervalRef.current).then((s) => store.setStatus(s), () => undefined);
        },
        (err: unknown) => {
          if (disposed) return;
          ready = true; // batches still arrive: the first full one fills the table
          queue.splice(0).forEach(apply);
          setStartError(err instanceof Error ? err.message : String(err));
        },
      );
    void load();
    // Browser mode: after a reconnect, fetch the whole table again (events were missed meanwhile).
    let wasClosed = false;
    const unsubState = (bridge as NetmonBridge & ConnectionStateSource).onConnectionState?.((s) => {
      setConnState(s);
      if (s === 'closed') wasClosed = true;
      if (s === 'open' && wasClosed) {
        wasClosed = false;
        void load();
      }
    });
    return () => {
      disposed = true;
      unsub();
      unsubState?.();
    };
  }, [bridge, store, intervalRef]);
  return { connState, startError };
}
