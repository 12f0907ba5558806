// The Processes view: one row per owning process over the connections the filter shows, with
// connections by state, listeners, rates, bytes, worst RTT and retransmits. Sortable by any column;
// choosing a process (click or Enter) shows its connections.
import { useMemo, useRef } from 'react';
import type { ProcessRow } from '../../../shared/processes';
import { SortHeader } from '../../components/SortHeader';
import { GivenWay } from '../../components/GivenWay';
import { useFittedColumns } from '../../components/fittedColumns';
import { LabelMeasure, useLabelRoom } from '../../components/labelRoom';
import type { ProcessRollUp } from './useProcessRollUp';
import { Unknown } from '../../components/Unknown';
import { groupsWithoutCounters, processCell, PROCESS_COLUMNS, PROCESS_GIVE_WAY, sortProcesses, type ProcessColumnKey, type ProcessSort } from './processColumns';
import { REGION_ENTRY_PROPS } from '../../app/regions';
import type { CountersScope } from '../../../shared/ipc';

export interface ProcessesViewProps {
  /** The roll-up of the Connections rows the filter lets through (useProcessRollUp, which App counts for the status bar). */
  rollUp: ProcessRollUp;
  /** Why traffic values are missing (EngineStatus.countersNote), shown above the table. */
  countersNote?: string | null;
  /** Which connections the backend reads counters for (the store's countersScope): a group of only unread ones says why. */
  countersScope?: CountersScope | null;
  onSelectProcess(p: ProcessRow): void;
  /**
   * The order chosen (DEFAULT_PROCESS_SORT at first) and how to change it: held by the caller, so
   * it outlives the view (choosing a process shows its connections; coming back keeps the order).
   */
  sort: ProcessSort;
  setSort(update: (s: ProcessSort) => ProcessSort): void;
}

export function ProcessesView({ rollUp: { open, procs }, countersNote, countersScope, onSelectProcess, sort, setSort }: ProcessesViewProps) {
  const noCounters = useMemo(() => groupsWithoutCounters(open, countersNote, countersScope), [open, countersNote, countersScope]);
  const sorted = useMemo(() => sortProcesses(procs, sort), [procs, sort]);
  // Each column at least as wide as its header, with the mark where sorted (labelRoom.tsx); those that do not fit the
  // pane give way whole, named by "+N", as in the other tables (never the sorted one).
  const { columns: roomy, mark, onRoom } = useLabelRoom(PROCESS_COLUMNS, undefined, sort.key);
  const gridRef = useRef<HTMLDivElement | null>(null);
  const { columns, givenWay, style } = useFittedColumns(gridRef, roomy, PROCESS_GIVE_WAY, sort.key, mark);
  const onSort = (key: ProcessColumnKey) =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' ? 'asc' : 'desc' }));
  return (
    <div className="grid processes" role="grid" aria-label="Processes" aria-rowcount={sorted.length + 1} ref={gridRef} style={style}>
      {countersNote && <div className="grid-note">Traffic counters: {countersNote}</div>}
      <div className="grid-head" role="rowgroup">
        <div className="grid-row head" role="row">
          {columns.map((c) => (
            <SortHeader key={c.key} label={c.label} numeric={c.numeric} dir={sort.key === c.key ? sort.dir : null} onSort={() => onSort(c.key)} />
          ))}
          <GivenWay columns={givenWay} />
          <LabelMeasure columns={PROCESS_COLUMNS} onRoom={onRoom} />
        </div>
      </div>
      <div className="proc-body" role="rowgroup">
        {sorted.map((p, i) => (
          <div
            key={p.key}
            role="row"
            tabIndex={0}
            // F6 enters the Processes table at its first row, as the Connections grid takes the focus itself.
            {...(i === 0 ? REGION_ENTRY_PROPS : {})}
            className={`grid-row${i % 2 ? ' odd' : ''}`}
            title={p.pid === null ? undefined : `Show the connections of ${p.name ?? `PID ${p.pid}`}`}
            onClick={() => onSelectProcess(p)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onSelectProcess(p);
            }}
          >
            {columns.map((c) => {
              const cell = processCell(c, p, noCounters.get(p.key) ?? null, countersNote);
              return (
                <div key={c.key} role="gridcell" className={`cell${c.numeric ? ' num' : ''}`} title={cell.unknown ? undefined : cell.title}>
                  {cell.unknown ? <Unknown title={cell.title} /> : cell.text}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
