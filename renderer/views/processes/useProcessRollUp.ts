// The Processes view's rows: one per owner over the open connections the filter shows. Computed by
// App, not inside the view, because the status bar counts them too ("10 processes shown").
import { useMemo } from 'react';
import type { Connection } from '../../../shared/connection';
import { rollUpProcesses, type ProcessRow } from '../../../shared/processes';
import type { Row } from '../../store/rows';

export interface ProcessRollUp {
  /** The open connections rolled up (closed rows still lingering are left out). */
  open: Connection[];
  procs: ProcessRow[];
}

const NONE: ProcessRollUp = { open: [], procs: [] };

/**
 * The roll-up of `rows` (the Connections rows the filter lets through), redone when the rows or
 * their traffic values (`valuesRev`, SortedRows.valuesRev) change; empty while `on` is false (the
 * Processes tab not shown), so other tabs pay nothing for it.
 */
export function useProcessRollUp(rows: readonly Row[], valuesRev: number, on: boolean): ProcessRollUp {
  return useMemo(() => {
    if (!on) return NONE;
    const open = rows.filter((r) => r.status !== 'closed').map((r) => r.c);
    return { open, procs: rollUpProcesses(open) };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- valuesRev: the same rows with new traffic values
  }, [rows, valuesRev, on]);
}
