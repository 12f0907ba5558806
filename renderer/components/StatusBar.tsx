// Status bar: totals, per-state chips, last poll time and duration, the poll error if any.
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { EngineStatus } from '../../shared/ipc';
import { formatTime } from '../store/columns';
import { UNKNOWN_MARK } from '../../shared/units';
import type { LinkState } from '../app/useLiveData';

export interface StatusBarProps {
  /** Open connections (closed rows that still linger are not among them). */
  total: number;
  /** What the current view shows, after filter and toggles: counted in `shownKind`. */
  shown: number;
  /** What `shown` counts: the view's own rows (ShownKind), never another view's. */
  shownKind?: ShownKind;
  /** With `events`: the run's events the log does not hold (EventLog.dropped); said when not 0. */
  droppedEvents?: number;
  /** With `events`: how many events the log holds at most. */
  eventCapacity?: number;
  /** Of the shown rows, closed ones still lingering (red) before they leave. */
  closing?: number;
  counts: Map<string, number>;
  status: EngineStatus | null;
  /** Browser mode's link to the server (null in the desktop app). */
  connection?: LinkState | null;
  recording?: string | null;
  /** Updates waiting while this window's display is frozen; null when it is not frozen. */
  frozen?: number | null;
  /**
   * A recording on screen: its name and the moment its table shows (epoch ms; null when it holds no
   * events). Then `total`, `counts` and `closing` are the recording's, and what is live (the
   * engine's poll, the link, a recording being written) is set apart under "live".
   */
  viewing?: { name: string; at: number | null } | null;
}

/**
 * What a view's rows are: `rows` of the Connections table, `events` of the Events log (port notices
 * among them), `processes` of the Processes view, `addresses` of the Ports view.
 */
export type ShownKind = 'rows' | 'events' | 'processes' | 'addresses';

/** Each kind's word, one and many, and what its count takes in (the count's title). */
const SHOWN: Record<ShownKind, { one: string; many: string; title: string }> = {
  rows: { one: 'row', many: 'rows', title: 'Rows in the table after the filter and toggles, closing rows included' },
  events: { one: 'event', many: 'events', title: 'Events in the view after the filter, port notices included' },
  processes: { one: 'process', many: 'processes', title: "Processes in the view: the owners of the open connections the filter and toggles let through" },
  addresses: { one: 'address', many: 'addresses', title: 'Local addresses in the view holding ports of the dynamic range (the filter does not apply here)' },
};

/** "1 row", "26 rows", "10 processes": the count in its view's words. */
export function shownWord(kind: ShownKind, n: number): string {
  return n === 1 ? SHOWN[kind].one : SHOWN[kind].many;
}

/** States in the order an admin scans them: steady first, then transitional. */
const ORDER = ['ESTABLISHED', 'LISTEN', 'TIME-WAIT', 'CLOSE-WAIT', 'SYN-SENT', 'SYN-RECEIVED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'LAST-ACK', 'CLOSING', 'CLOSED', 'DELETE-TCB', 'UDP'];

function ordered(counts: Map<string, number>): [string, number][] {
  const rank = (k: string) => {
    const i = ORDER.indexOf(k);
    return i < 0 ? ORDER.length : i;
  };
  return [...counts].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

/**
 * How many of `box`'s children wrapped below its first line. The chips' box is one chip tall and
 * wraps, so a chip with no room goes whole to a hidden line instead of being cut in half; this
 * counts them for the "+N" that stands in for them. Measured when the box or a chip changes size
 * (ResizeObserver: after layout, never forcing one); `shape` changes when chips come or go.
 */
function useWrappedCount(box: RefObject<HTMLElement | null>, shape: string): number {
  const [wrapped, setWrapped] = useState(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const measure = () => {
      const chips = [...el.children] as HTMLElement[];
      const top = chips[0]?.offsetTop ?? 0;
      setWrapped(chips.filter((c) => c.offsetTop > top).length);
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    for (const c of el.children) ro.observe(c);
    return () => ro.disconnect();
  }, [box, shape]);
  return wrapped;
}

const LINK_TEXT: Record<Exclude<LinkState, 'open'>, string> = {
  connecting: 'connecting…',
  closed: 'disconnected, retrying…',
  busy: 'not connected: too many netmon tabs open, retrying…',
  refused: 'not connected: token refused',
  'no-token': 'not connected: no token',
};

const chipText = ([k, n]: [string, number]) => `${k} ${n}`;

export function StatusBar({ total, shown, shownKind = 'rows', droppedEvents = 0, eventCapacity, closing = 0, counts, status, connection, recording, frozen = null, viewing = null }: StatusBarProps) {
  // "shown" counts rows on screen, which may include closed rows that linger; saying how many keeps
  // "shown" above "open" from looking like a miscount.
  const states = ordered(counts);
  const chipsBox = useRef<HTMLSpanElement | null>(null);
  const wrapped = useWrappedCount(chipsBox, states.map(([k]) => k).join());
  const hiddenStates = wrapped > 0 ? states.slice(-wrapped) : [];
  return (
    <footer className={`statusbar${viewing ? ' viewing' : ''}`} role="status" data-testid="statusbar" aria-live="off">
      {viewing && (
        <span className="sb-item sb-viewing" data-testid="sb-viewing" title="The counts that follow are the recording's, at the moment its table shows">
          recording <b>{viewing.name}</b>
          {viewing.at !== null ? ` at ${formatTime(viewing.at)}` : ''}:
        </span>
      )}
      <span className="sb-item" title={viewing ? 'Connections open in the recording at the moment its table shows' : 'Connections open now (closed rows still on screen are not counted)'}>
        <b data-testid="count-total">{total.toLocaleString('en-US')}</b> open
      </span>
      <span className="sb-item" data-testid="sb-shown" title={SHOWN[shownKind].title}>
        <b data-testid="count-shown">{shown.toLocaleString('en-US')}</b> {shownWord(shownKind, shown)} shown
        {shownKind === 'events' && droppedEvents > 0 && (
          <span
            className="dim"
            data-testid="events-dropped"
            title={`This window keeps the newest ${(eventCapacity ?? 0).toLocaleString('en-US')} events of the run; older ones are not in it. Record keeps every event to a file.`}
          >
            {' '}
            (newest only: <b>{droppedEvents.toLocaleString('en-US')}</b> older not kept)
          </span>
        )}
        {shownKind === 'rows' && closing > 0 && (
          <span className="dim" title="Closed connections still shown (red) until they leave">
            {' '}
            (<b data-testid="count-closing">{closing.toLocaleString('en-US')}</b> closing)
          </span>
        )}
      </span>
      <span className="sb-states" ref={chipsBox} title={states.map(chipText).join(' · ')}>
        {states.map(([k, n]) => (
          <span key={k} className={`chip state-${k.toLowerCase()}`} data-testid={`count-state-${k}`} title={`${n} ${k}`}>
            {k} <b>{n}</b>
          </span>
        ))}
      </span>
      {hiddenStates.length > 0 && (
        <span className="chip sb-states-more" data-testid="states-more" title={hiddenStates.map(chipText).join(' · ')} aria-label={`${hiddenStates.length} more states: ${hiddenStates.map(chipText).join(', ')}`}>
          +{hiddenStates.length}
        </span>
      )}
      <span className="sb-spacer" />
      {viewing && (
        <span className="sb-item sb-live-label" data-testid="sb-live-label" title="What follows is this machine now, not the recording">
          live:
        </span>
      )}
      {recording && (
        <span className="sb-item rec" data-testid="sb-recording" title={recording}>
          ● recording <span className="rec-file">{fileName(recording)}</span>
        </span>
      )}
      {connection && connection !== 'open' && (
        <span className={`sb-item ${connection === 'refused' || connection === 'no-token' ? 'error' : 'warn'}`} data-testid="link-state">
          {LINK_TEXT[connection]}
        </span>
      )}
      {frozen !== null && (
        <span className="sb-item warn" data-testid="frozen" title="This window is not updating; netmon still polls">
          view frozen{frozen > 0 ? ` — ${frozen.toLocaleString('en-US')} updates waiting` : ''}
        </span>
      )}
      {status?.paused && (
        <span className="sb-item warn" data-testid="poll-paused" title="The engine is not polling, for every window">
          polling paused
        </span>
      )}
      {status?.notices?.map((n) => (
        <span key={n} className="sb-item warn sb-long" data-testid="notice" title={n}>
          {n}
        </span>
      ))}
      {status?.lastError && (
        <span className="sb-item error sb-long" data-testid="poll-error" title={status.lastError}>
          poll failed: {status.lastError}
        </span>
      )}
      <span className="sb-item" data-testid="last-poll">
        {status?.lastPollAt != null ? (
          <>
            last poll {formatTime(status.lastPollAt)} · {status.lastPollMs != null ? `${status.lastPollMs.toFixed(1)} ms` : UNKNOWN_MARK}
          </>
        ) : (
          'no poll yet'
        )}
      </span>
      {status && (
        <span className="sb-item dim">
          {status.source} · every {status.intervalMs >= 1000 ? `${status.intervalMs / 1000} s` : `${status.intervalMs} ms`}
        </span>
      )}
    </footer>
  );
}

/** The last part of a path, Windows or POSIX (the status bar shows the name; its title the whole path). */
function fileName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}
