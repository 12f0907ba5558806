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
}

/** Live: loads the engine's series once, then appends each batch's sample. Recording: computed from `recorded`. */
export function useTimeline(bridge: NetmonBridge, recorded: readonly ConnectionEvent[] | null): TimelineFeed {
  const store = useRef(new TimelineStore());
  const pending = useRef<TimelineSample[] | null>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let disposed = false;
    bridge.getTimeline().then(
      (data) => {
        if (disposed) return;
        const s = new TimelineStore({ fineWindowMs: data.fineWindowMs, coarseStepMs: data.coarseStepMs }, data);
        // Samples that arrived while the series was on its way (push merges any it already had).
        for (const p of pending.current ?? []) s.push(p);
        pending.current = null;
        store.current = s;
        setVersion((v) => v + 1);
      },
      () => {
        pending.current = null; // an engine without a timeline: keep what batches bring
      },
    );
    return () => {
      disposed = true;
    };
  }, [bridge]);
  const onBatch = useCallback((b: EventBatch) => {
    if (!b.timeline) return;
    if (pending.current) pending.current.push(b.timeline);
    else store.current.push(b.timeline);
    setVersion((v) => v + 1);
  }, []);
  const recordedSamples = useMemo(() => (recorded ? timelineFromEvents(recorded).samples : null), [recorded]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const live = useMemo(() => store.current.samples(), [version]);
  return { samples: recordedSamples ?? live, onBatch };
}
