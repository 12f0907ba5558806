// What the details pane and the context menu share: which row is shown, the close / end request
// waiting for confirmation, and the outcome of the last action.
import { useCallback, useRef, useState } from 'react';
import type { ActionResult, NetmonBridge } from '../../../shared/ipc';
import type { ActionOutcome } from '../../components/DetailsPane';
import type { Row } from '../../store/rows';
import type { ConnectionStore } from '../../store/store';

export interface Confirming {
  kind: 'close' | 'end';
  row: Row;
}

export interface RowActions {
  /** The row in the details pane, refreshed from the store (null when the pane is closed). */
  detailsRow: Row | null;
  showDetails(row: Row): void;
  /** Shows the store's row of that id (no-op when it is gone). */
  showDetailsOf(id: string): void;
  hideDetails(): void;
  confirming: Confirming | null;
  ask(kind: 'close' | 'end', row: Row): void;
  cancel(): void;
  /** Runs the confirmed action; its result lands in `outcome`. */
  run(c: Confirming): Promise<void>;
  restartAsAdmin(): Promise<void>;
  busy: boolean;
  outcome: ActionOutcome | null;
}

/** `row` as the pane shows a row no longer in the store: closed. */
function goneRow(row: Row): Row {
  return row.status === 'closed' ? row : { ...row, status: 'closed' };
}

const reasonOf = (err: unknown): ActionResult => ({ ok: false, reason: err instanceof Error ? err.message : String(err) });

export function useRowActions(bridge: NetmonBridge, store: ConnectionStore): RowActions {
  const [details, setDetails] = useState<Row | null>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  // The row as the store holds it now; once it has left the store (closed and lingered, or gone
  // from a fresh table) the last version seen, closed: not the one first chosen, which still
  // looked open and offered Close / End on a tuple another socket may hold by now.
  const live = details ? store.rows.get(details.id) : undefined;
  const lastSeen = useRef<Row | null>(null);
  if (live) lastSeen.current = live;
  const detailsRow = details ? (live ?? goneRow(lastSeen.current?.id === details.id ? lastSeen.current : details)) : null;

  const showDetailsOf = useCallback(
    (id: string) => {
      const r = store.rows.get(id);
      if (r) setDetails(r);
    },
    [store],
  );
  const hideDetails = useCallback(() => setDetails(null), []);
  const ask = useCallback((kind: 'close' | 'end', row: Row) => setConfirming({ kind, row }), []);
  const cancel = useCallback(() => setConfirming(null), []);

  const run = async ({ kind, row }: Confirming) => {
    setConfirming(null);
    setDetails(row);
    setBusy(true);
    let result: ActionResult;
    try {
      if (kind === 'close') {
        const c = row.c;
        result = await bridge.closeConnection({ family: c.family, localAddress: c.localAddress, localPort: c.localPort, remoteAddress: c.remoteAddress ?? '', remotePort: c.remotePort ?? 0 });
      } else {
        // The start time pins the process the row showed: a reused PID is refused, not ended.
        result = await bridge.endProcess({ pid: row.c.pid as number, startTime: row.c.processStartTime ?? null });
      }
    } catch (err) {
      result = reasonOf(err);
    }
    setOutcome({ kind, id: row.id, result });
    setBusy(false);
  };
  const restartAsAdmin = async () => {
    const id = detailsRow?.id ?? '';
    let result: ActionResult;
    try {
      result = await bridge.restartAsAdmin();
    } catch (err) {
      result = reasonOf(err);
    }
    setOutcome({ kind: 'restart', id, result });
  };
  return { detailsRow, showDetails: setDetails, showDetailsOf, hideDetails, confirming, ask, cancel, run, restartAsAdmin, busy, outcome };
}
