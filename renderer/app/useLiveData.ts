// Feeds the store from the bridge: the engine's snapshot and history first, then every batch
// (queued until both are in); after a browser-mode reconnect the whole table is fetched again.
// The display can be frozen: batches wait (bounded) and are applied on unfreeze; the engine keeps
// polling, so other viewers and a recording in progress lose nothing.
import { useCallback, useEffect, useRef, useState } from 'react';
import { decodeBatch, type EventBatch, type NetmonBridge } from '../../shared/ipc';
import type { ConnectionStore } from '../store/store';
import { BatchQueue } from '../store/batchQueue';
import { nextTask } from '../store/nextTask';
import type { ConnectionState } from '../transport/ws';

export type LinkState = ConnectionState;

interface ConnectionStateSource {
  onConnectionState?: (l: (s: LinkState) => void) => () => void;
  retry?: () => void;
}

/** Batches held while the display is frozen; beyond this the table is fetched afresh on unfreeze. */
export const MAX_FROZEN_BATCHES = 600;

export interface LiveData {
  /** Browser-mode link to the server (null in the desktop app, which has no such link). */
  connState: LinkState | null;
  /**
   * Why the first snapshot could not be read over a working link (batches still fill the table).
   * Never the link's own failure (lost, busy, refused): connState says that, and the table is
   * fetched again once the link opens.
   */
  startError: string | null;
  /** True while the display is frozen (the engine still polls). */
  frozen: boolean;
  /** Batches waiting for the unfreeze. */
  waiting: number;
  setFrozen(frozen: boolean): void;
  /** After the server refused the link (`refused`): try the handshake again. */
  retry(): void;
}

/**
 * Subscribes `store` to `bridge` for the component's life; `onDecoded` sees every batch applied (e.g.
 * the timeline); `onReload` is told when the table is fetched again because batches were missed
 * (a browser-mode reconnect, a freeze that outgrew MAX_FROZEN_BATCHES), so what follows batches can
 * fetch afresh too.
 */
export function useLiveData(bridge: NetmonBridge, store: ConnectionStore, onDecoded?: (b: EventBatch) => void, onReload?: () => void): LiveData {
  const decodedRef = useRef(onDecoded);
  decodedRef.current = onDecoded;
  const reloadRef = useRef(onReload);
  reloadRef.current = onReload;
  const [connState, setConnState] = useState<LinkState | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [frozen, setFrozenState] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const control = useRef<{ freeze(on: boolean): void } | null>(null);
  useEffect(() => {
    let ready = false;
    let disposed = false;
    let isFrozen = false;
    let overflowed = false;
    /** The link's state (browser mode); null where there is no link to lose (the desktop app). */
    let link: LinkState | null = null;
    const queue: string[] = [];
    // Applies in order, a poll's counter updates in slices of their own tasks (see BatchQueue).
    // Each batch starts in a task after the one that decoded it: decoding a poll's counter updates
    // (~1 MB of JSON at 50,000 rows) and applying its events in one task ran past a frame.
    const batches = new BatchQueue(store, { startLater: true });
    let snapTime = -Infinity;
    const apply = (json: string) => {
      try {
        const b = decodeBatch(json);
        decodedRef.current?.(b);
        if (!b.full && b.time <= snapTime) return; // already in the snapshot
        batches.push(b);
      } catch (err) {
        console.warn('netmon: dropped a malformed batch', err);
      }
    };
    const flush = () => {
      queue.splice(0).forEach(apply);
      setWaiting(0);
    };
    // Received batches are decoded in a task of their own each, not in the socket's message task
    // (which already built the ~1 MB string), in the order they came.
    const received: string[] = [];
    let decodeScheduled = false;
    const decodeNext = () => {
      decodeScheduled = false;
      if (disposed) return;
      if (isFrozen || !ready) {
        // Frozen (or reloading) since they came: they wait with the rest, ahead of later ones.
        queue.unshift(...received.splice(0));
        if (isFrozen) setWaiting(queue.length);
        return;
      }
      const json = received.shift();
      if (json !== undefined) apply(json);
      if (received.length > 0) scheduleDecode();
    };
    const scheduleDecode = () => {
      if (decodeScheduled) return;
      decodeScheduled = true;
      nextTask(decodeNext);
    };
    const onBatch = (json: string) => {
      if (ready && !isFrozen) {
        received.push(json);
        return scheduleDecode();
      }
      if (isFrozen && queue.length >= MAX_FROZEN_BATCHES) {
        overflowed = true; // too much to replay: fetch the present on unfreeze instead
        queue.length = 0;
      }
      queue.push(json);
      if (isFrozen) setWaiting(queue.length);
    };
    const unsub = bridge.onBatch(onBatch);
    const load = async () => {
      ready = false;
      try {
        const snap = await bridge.getSnapshot();
        // The engine's recent events, so the Events view and times match every other viewer's.
        const history = await bridge.getHistory(store.log.capacity).catch(() => null);
        if (disposed) return;
        snapTime = snap.time;
        batches.push({ seq: 0, time: snap.time, full: true, connections: snap.connections, events: [], status: snap.status });
        if (history) store.loadHistory(history.events.filter((e) => e.time <= snap.time), history.dropped);
        setStartError(null);
      } catch (err) {
        if (disposed) return;
        // A call lost with the link (waiting for a slot, server gone) is no load error: the status
        // bar says why, and the load runs again when the link opens. Batches still arrive: the
        // first full one fills the table.
        if (link === null || link === 'open') setStartError(err instanceof Error ? err.message : String(err));
      }
      ready = true;
      if (!isFrozen) flush();
    };
    void load();
    control.current = {
      freeze(on) {
        isFrozen = on;
        setFrozenState(on);
        // Frozen means frozen: highlights and closing rows stay as they were.
        store.holdExpiry(on);
        // Batches received but not decoded yet came before those that waited: they go first.
        if (!on && received.length > 0) queue.unshift(...received.splice(0));
        if (on || !ready) return;
        if (overflowed) {
          overflowed = false;
          queue.length = 0;
          setWaiting(0);
          reloadRef.current?.();
          void load();
        } else flush();
      },
    };
    // Browser mode: after a reconnect, fetch the whole table again (events were missed meanwhile).
    let wasClosed = false;
    const unsubState = (bridge as NetmonBridge & ConnectionStateSource).onConnectionState?.((s) => {
      link = s;
      setConnState(s);
      if (s !== 'open' && s !== 'connecting') wasClosed = true;
      if (s === 'open' && wasClosed) {
        wasClosed = false;
        setStartError(null);
        reloadRef.current?.();
        void load();
      }
    });
    return () => {
      disposed = true;
      batches.dispose();
      if (isFrozen) store.holdExpiry(false);
      control.current = null;
      unsub();
      unsubState?.();
    };
  }, [bridge, store]);
  const setFrozen = useCallback((on: boolean) => control.current?.freeze(on), []);
  const retry = useCallback(() => (bridge as NetmonBridge & ConnectionStateSource).retry?.(), [bridge]);
  return { connState, startError, frozen, waiting, setFrozen, retry };
}
