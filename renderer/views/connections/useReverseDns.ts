// Reverse DNS for the remote addresses on screen, asked in batches (at most MAX_RESOLVE_BATCH)
// a short while after scrolling stops; answers are cached in the store.
import { useCallback, useEffect, useRef } from 'react';
import { MAX_RESOLVE_BATCH, type NetmonBridge } from '../../../shared/ipc';
import { isUnspecified } from '../../store/address';
import type { Row } from '../../store/rows';
import type { ConnectionStore } from '../../store/store';

/** Pause after the visible rows change before asking, ms. */
export const RESOLVE_DELAY_MS = 250;

/** Returns the table's `onVisibleRows` callback; looks names up only while `enabled`. */
export function useReverseDns(bridge: NetmonBridge, store: ConnectionStore, enabled: boolean): (visible: Row[]) => void {
  const visible = useRef<Row[]>([]);
  const pending = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const resolveVisible = useCallback(() => {
    const want: string[] = [];
    for (const r of visible.current) {
      const a = r.c.remoteAddress;
      if (a === null || isUnspecified(a) || store.hasHost(a) || pending.current.has(a) || want.includes(a)) continue;
      want.push(a);
      if (want.length >= MAX_RESOLVE_BATCH) break;
    }
    if (want.length === 0) return;
    want.forEach((a) => pending.current.add(a));
    bridge.resolveAddresses(want).then(
      (names) => {
        want.forEach((a) => pending.current.delete(a));
        const filled: Record<string, string | null> = {};
        for (const a of want) filled[a] = names[a] ?? null;
        store.setHosts(filled);
      },
      () => want.forEach((a) => pending.current.delete(a)),
    );
  }, [bridge, store]);
  const onVisibleRows = useCallback(
    (vis: Row[]) => {
      visible.current = vis;
      if (!enabled) return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(resolveVisible, RESOLVE_DELAY_MS);
    },
    [enabled, resolveVisible],
  );
  useEffect(() => {
    if (enabled) resolveVisible();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [enabled, resolveVisible]);
  return onVisibleRows;
}
