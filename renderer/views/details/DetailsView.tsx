// The details pane of the row shown and the confirmation dialog its actions (and the context
// menu's) go through.
import type { RefObject } from 'react';
import type { CountersScope } from '../../../shared/ipc';
import { localEndpoint, ownerText, remoteEndpoint } from '../../../shared/format';
import { UNKNOWN_MARK } from '../../../shared/units';
import { ConfirmDialog } from '../../components/Dialog';
import { DetailsPane } from '../../components/DetailsPane';
import type { ProcessDetailsCache } from '../../store/processCache';
import type { Row } from '../../store/rows';
import type { Confirming, RowActions } from './useRowActions';

export interface DetailsViewProps {
  actions: RowActions;
  cache: ProcessDetailsCache;
  returnFocus: RefObject<HTMLElement | null>;
  /** The predicate the table's rows pass (null until it has one): a row failing it is hidden. */
  shown: ((r: Row) => boolean) | null;
  /** Why the backend gives no traffic counters (EngineStatus.countersNote), or null. */
  countersNote?: string | null;
  /** Which connections the backend reads counters for (the store's countersScope), or null. */
  countersScope?: CountersScope | null;
}

export function DetailsView({ actions, cache, returnFocus, shown, countersNote = null, countersScope = null }: DetailsViewProps) {
  const row = actions.detailsRow;
  if (!row) return null;
  return (
    <DetailsPane
      row={row}
      hiddenByFilter={shown !== null && !shown(row)}
      cache={cache}
      countersNote={countersNote}
      countersScope={countersScope}
      onAction={actions.ask}
      onRestartAsAdmin={() => void actions.restartAsAdmin()}
      outcome={actions.outcome}
      busy={actions.busy}
      onClose={() => {
        actions.hideDetails();
        returnFocus.current?.focus();
      }}
    />
  );
}

function confirmText({ kind, row: { c } }: Confirming): string {
  return kind === 'close'
    ? `Close ${localEndpoint(c)} → ${remoteEndpoint(c)}, owned by ${ownerText(c)} (PID ${c.pid ?? UNKNOWN_MARK})? The program will see its connection reset.`
    : `End ${c.process ?? 'the process'} (PID ${c.pid})? Unsaved work in it is lost.`;
}

export function ConfirmActionDialog({ actions }: { actions: RowActions }) {
  const c = actions.confirming;
  if (!c) return null;
  return (
    <ConfirmDialog
      title={c.kind === 'close' ? 'Close connection?' : 'End process?'}
      message={confirmText(c)}
      onConfirm={() => void actions.run(c)}
      onCancel={actions.cancel}
    />
  );
}
