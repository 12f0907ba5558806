// Details of the selected connection and its owning process, with the actions an admin needs:
// close the connection, end the process — and, when that needs elevation, restart as administrator.
import { useEffect, useState } from 'react';
import type { ActionResult, CountersScope, ProcessDetails } from '../../shared/ipc';
import type { Row } from '../store/rows';
import { formatDateTime } from '../store/columns';
import { formatEndpoint, hasRemoteSide, ownerlessState, ownerText, remoteEndpoint } from '../../shared/format';
import { ClampedText } from './ClampedText';
import { Unknown } from './Unknown';
import { TrafficDetails } from './TrafficDetails';
import { regionProps } from '../app/regions';
import type { ProcessDetailsCache } from '../store/processCache';

export type ActionKind = 'close' | 'end' | 'restart';

export interface ActionOutcome {
  kind: ActionKind;
  /** Row the action was for. */
  id: string;
  result: ActionResult;
}

export interface DetailsPaneProps {
  row: Row;
  cache: ProcessDetailsCache;
  /** Ask for confirmation of close / end (the dialog lives with the caller, shared with the context menu). */
  onAction(kind: 'close' | 'end', row: Row): void;
  onRestartAsAdmin(): void;
  outcome: ActionOutcome | null;
  busy: boolean;
  onClose(): void;
  /**
   * The row does not pass the table's filter (quick toggles, filter, baseline): the pane keeps its
   * details but says so, and its actions are off — nothing may act on a row the table hides.
   */
  hiddenByFilter?: boolean;
  /** Why the backend gives no traffic counters (EngineStatus.countersNote): the Traffic section says so. */
  countersNote?: string | null;
  /** Which connections the backend reads counters for (the store's countersScope): one it does not read says why. */
  countersScope?: CountersScope | null;
}

type Loaded = { state: 'loading' } | { state: 'ok'; details: ProcessDetails | null } | { state: 'error'; message: string };

export function canCloseConnection(row: Row): boolean {
  return row.c.protocol === 'tcp' && hasRemoteSide(row.c) && row.c.remotePort !== null && row.status !== 'closed';
}

export function canEndProcess(row: Row): boolean {
  return row.c.pid !== null && row.c.pid > 4;
}

const ACTION_TEXT: Record<ActionKind, string> = {
  close: 'Close connection',
  end: 'End process',
  restart: 'Restart as administrator',
};

export function DetailsPane({ row, cache, onAction, onRestartAsAdmin, outcome, busy, onClose, hiddenByFilter = false, countersNote = null, countersScope = null }: DetailsPaneProps) {
  const c = row.c;
  // A socket no process owns (PID 0: TIME-WAIT, an orphan) has no process to look up.
  const ownerless = ownerlessState(c);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    if (c.pid === null || ownerless !== null) {
      setLoaded({ state: 'ok', details: null });
      return undefined;
    }
    let live = true;
    setLoaded({ state: 'loading' });
    cache.get(c.pid, c.process).then(
      (details) => live && setLoaded({ state: 'ok', details }),
      (err: unknown) => live && setLoaded({ state: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [cache, c.pid, c.process, ownerless]);

  const d = loaded.state === 'ok' ? loaded.details : null;
  const show = (v: string | null | undefined) => (v ? v : loaded.state === 'loading' ? <span className="dim">loading…</span> : <Unknown />);
  const mine = outcome && outcome.id === row.id ? outcome : null;

  return (
    // A region F6 reaches (app/regions.ts): the pane itself takes the focus, so its ring shows where
    // the keyboard is and the arrow keys scroll a long command line.
    <aside className={`details${hiddenByFilter ? ' hidden-by-filter' : ''}`} role="region" aria-label="Details" {...regionProps('details')} tabIndex={-1}>
      <header className="details-head">
        <h2>
          <span className="proc">{ownerText(c)}</span> <span className="dim">PID {c.pid ?? <Unknown />}</span>
        </h2>
        <button type="button" className="icon" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </header>
      {hiddenByFilter && (
        <p className="msg warn" role="status" data-testid="details-hidden">
          <strong>Hidden by the filter:</strong> this connection is not in the table. Close connection and End process are off until it shows again.
        </p>
      )}
      <section className="details-conn mono">
        <div>
          {c.protocol.toUpperCase()}
          {c.family === 6 ? '6' : ''} {formatEndpoint(c.localAddress, c.localPort, c.localScopeId)} →{' '}
          {remoteEndpoint(c)}
        </div>
        <div>
          {c.state ?? 'no state (UDP)'}
          {row.status === 'closed' ? ' · closed' : ''}
          {c.remoteHost ? ` · ${c.remoteHost}` : ''}
        </div>
      </section>
      {/* The actions sit above the long fields (a command line can run to KBs), always at hand. */}
      <div className="details-actions">
        <button type="button" disabled={busy || hiddenByFilter || !canCloseConnection(row)} onClick={() => onAction('close', row)}>
          Close connection
        </button>
        <button type="button" className="danger" disabled={busy || hiddenByFilter || !canEndProcess(row)} onClick={() => onAction('end', row)}>
          End process
        </button>
      </div>
      {busy && <p className="msg dim">Working…</p>}
      {mine && (
        <div className={`msg ${mine.result.ok ? 'ok' : 'error'}`} data-testid="action-result" aria-live="polite">
          {mine.result.ok ? (
            `${ACTION_TEXT[mine.kind]}: done.`
          ) : (
            <>
              {ACTION_TEXT[mine.kind]} failed: {mine.result.reason}
              {mine.result.needsAdmin && (
                <div>
                  <button type="button" className="primary" onClick={onRestartAsAdmin}>
                    Restart as administrator
                  </button>
                </div>
              )}
            </>
          )}
        </div>
      )}
      {/* The connection's own values before its process's: whatever traffic columns gave way in the table read here. */}
      <TrafficDetails row={row} countersNote={countersNote} countersScope={countersScope} />
      <dl className="kv">
        <dt>PID</dt>
        <dd className="mono">{c.pid ?? <Unknown />}</dd>
        <dt>Path</dt>
        <dd className="mono wrap">{show(d?.path ?? c.processPath)}</dd>
        <dt>Command line</dt>
        <dd className="mono wrap">{d?.commandLine ? <ClampedText key={d.commandLine} text={d.commandLine} /> : show(null)}</dd>
        <dt>User</dt>
        <dd>{show(d?.user)}</dd>
        <dt>Started</dt>
        <dd className="mono">{d?.startTime != null ? formatDateTime(d.startTime) : show(null)}</dd>
        <dt>Services</dt>
        <dd>{d && d.services.length > 0 ? d.services.join(', ') : show(null)}</dd>
        <dt>Created</dt>
        <dd className="mono">
          {c.createdAt != null ? formatDateTime(c.createdAt) : <span className="approx" title="first seen by netmon">≤ {formatDateTime(row.firstSeen)} (first seen by netmon)</span>}
        </dd>
        <dt>First seen</dt>
        <dd className="mono">
          {formatDateTime(row.firstSeen)}
          {row.preexisting ? <span className="dim"> (open before netmon started)</span> : null}
        </dd>
        <dt>Last change</dt>
        <dd className="mono">{formatDateTime(row.lastChange)}</dd>
      </dl>
      {loaded.state === 'error' && <p className="msg error">Process details unavailable: {loaded.message}</p>}
      {ownerless !== null && <p className="msg dim">No process owns this socket in {ownerless}: its process has closed it, or none has accepted it yet.</p>}
      {loaded.state === 'ok' && c.pid !== null && ownerless === null && d === null && <p className="msg dim">The process has exited or cannot be inspected.</p>}
    </aside>
  );
}
