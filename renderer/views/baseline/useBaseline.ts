// The baseline in the app: mark it from the live table, save it as JSON, open one, and a toggle
// that shows only what departs from it (shared/baseline.ts decides, as `netmon snapshot --baseline`).
import { useCallback, useMemo, useState } from 'react';
import type { Connection } from '../../../shared/connection';
import { compileBaseline, listenerPorts, makeBaseline, parseBaseline, type Baseline, type Departure } from '../../../shared/baseline';
import type { ConnectionStore } from '../../store/store';
import { rangesFrom } from '../ports/portsModel';

export interface BaselineControls {
  baseline: Baseline | null;
  /** Where it came from: "marked 05:40:12" or the file's name. */
  label: string | null;
  onlyNew: boolean;
  setOnlyNew(on: boolean): void;
  mark(): void;
  /** JSON text of the baseline (null when there is none). */
  text(): string | null;
  /** Reads a baseline file; throws BaselineFormatError (naming the file) for anything else. */
  open(name: string, text: string): void;
  /** Row test for the "only new" toggle: true for rows not in the baseline (null when off). */
  passes: ((c: Connection) => boolean) | null;
  /**
   * Why a row departs from the baseline ('new listener' | 'new destination' | 'new process'), or
   * null when it is in it; null as a whole while no baseline is marked or opened. The table and
   * the Events view flag rows with it whether or not the toggle is on.
   */
  departure: ((c: Connection) => Departure) | null;
}

function liveRows(store: ConnectionStore): Connection[] {
  const out: Connection[] = [];
  for (const r of store.rows.values()) if (r.status !== 'closed') out.push(r.c);
  return out;
}

export function useBaseline(store: ConnectionStore): BaselineControls {
  const [baseline, setBaseline] = useState<Baseline | null>(null);
  const [label, setLabel] = useState<string | null>(null);
  const [onlyNew, setOnlyNew] = useState(false);
  const mark = useCallback(() => {
    const now = Date.now();
    // The engine's machine (EngineStatus.host), as `netmon baseline save` writes it.
    setBaseline(makeBaseline(liveRows(store), rangesFrom(store.status).ranges.tcp, now, store.status?.host ?? null));
    setLabel(`marked ${new Date(now).toLocaleTimeString('en-GB', { hour12: false })}`);
  }, [store]);
  const open = useCallback((name: string, text: string) => {
    setBaseline(parseBaseline(text, name));
    setLabel(name);
  }, []);
  const text = useCallback(() => (baseline ? `${JSON.stringify(baseline, null, 2)}\n` : null), [baseline]);
  const departure = useMemo(() => {
    if (!baseline) return null;
    const m = compileBaseline(baseline);
    // The table's listeners as they stand when the baseline is taken in: accepted connections are not new.
    const listening = listenerPorts(liveRows(store));
    return (c: Connection) => m.departure(c, listening);
  }, [baseline, store]);
  // The toggle and the flags use one test, so what the toggle shows is exactly what is flagged.
  const passes = useMemo(() => (departure && onlyNew ? (c: Connection) => departure(c) !== null : null), [departure, onlyNew]);
  return { baseline, label, onlyNew, setOnlyNew, mark, text, open, passes, departure };
}
