// The timeline a view draws: the engine's series (getTimeline) continued with each batch's sample,
// or, for a recording opened in the app, the series computed from its events.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EventBatch, NetmonBridge } from '../../../shared/ipc';
import type { ConnectionEvent } from '../../../shared/connection';
import { TimelineStore, timelineFromEvents, type TimelineSample } from '../../../shared/timeline';

export interface TimelineFeed {
  /** Samples, oldest first; a new array whenever a sample arrives. */
  samples: TimelineSample[];
  /** Call with every decoded live batch (its `timeline` sample is appended). */
  onBatch(b: EventBatch): void;
  /**
   * Fetches the engine's series again (after batches were missed: a browser-mode reconnect, or a
   * tab that waited for a slot and whose first fetch was lost with the link).
   */
  reload(): void;
}

/** Live: loads the engine's series (again on reload), then appends each batch's sample. Recording: computed from `recorded`. */
export function useTimeline(bridge: NetmonBridge, recorded: readonly ConnectionEvent[] | null): TimelineFeed {
  const store = useRef(new TimelineStore());
  const pending = useRef<TimelineSample[] | null>([]);
  const [version, setVersion] = useState(0);
  const disposed = useRef(false);
  const fetchSeries = useCallback(() => {
    // Samples arriving while the series is on its way wait in `pending`, then continue it.
    pending.current ??= [];
    bridge.getTimeline().then(
      (data) => {
        if (disposed.current) return;
        const s = new TimelineStore({ fineWindowMs: data.fineWindowMs, coarseStepMs: data.coarseStepMs }, data);
        // Samples that arrived while the series was on its way (push merges any it already had).
        for (const p of pending.current ?? []) s.push(p);
        pending.current = null;
        store.current = s;
        setVersion((v) => v + 1);
      },
      () => {
        // An engine without a timeline, or the link lost on the way: keep what batches bring.
        if (disposed.current || !pending.current) return;
        for (const p of pending.current) store.current.push(p);
        pending.current = null;
        setVersion((v) => v + 1);
      },
    );
  }, [bridge]);
  useEffect(() => {
    disposed.current = false;
    fetchSeries();
    return () => {
      disposed.current = true;
    };
  }, [fetchSeries]);
  const onBatch = useCallback((b: EventBatch) => {
    if (!b.timeline) return;
    if (pending.current) pending.current.push(b.timeline);
    else store.current.push(b.timeline);
    setVersion((v) => v + 1);
  }, []);
  const recordedSamples = useMemo(() => (recorded ? timelineFromEvents(recorded).samples : null), [recorded]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const live = useMemo(() => store.current.samples(), [version]);
  return { samples: recordedSamples ?? live, onBatch, reload: fetchSeries };
}
