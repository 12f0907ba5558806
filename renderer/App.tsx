// The netmon window: header with the filter front and centre, quick toggles, Connections / Events
// tabs, details pane, status bar. State that outlives a session (toggles, filter, interval, …)
// goes through settings; live data through the store.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CompiledFilter } from '../shared/filter';
import { decodeBatch, INTERVAL_CHOICES_MS, MAX_RESOLVE_BATCH, type ActionResult, type NetmonBridge, type RecordingStatus } from '../shared/ipc';
import { ConnectionStore } from './store/store';
import { EventLog } from './store/eventLog';
import { columnsFor, rowComparator, type ColumnKey } from './store/columns';
import type { LoggedEvent, Row } from './store/rows';
import { loadSettings, saveSettings, type Settings, type Theme } from './store/settings';
import type { Toggles } from './store/toggles';
import { clickSelect, EMPTY_SELECTION, moveTo, selectAll, type Selection } from './store/selection';
import { eventsToCsv, eventsToJson, exportFileName, rowsToCsv, rowsToJson, rowsToTsv } from './store/exporter';
import { parseRecording } from './store/recording';
import { ProcessDetailsCache } from './store/processCache';
import { isUnspecified } from './store/address';
import { connectionPredicate, defaultParser, type FilterParser } from './filtering';
import { useDebounced, useEvents, useSortedRows, useStoreVersion } from './hooks';
import { ConnectionsTable } from './components/ConnectionsTable';
import { EventsTable } from './components/EventsTable';
import { FilterBox } from './components/FilterBox';
import { StatusBar } from './components/StatusBar';
import { ToggleBar } from './components/Toolbar';
import { DetailsPane, canCloseConnection, canEndProcess, type ActionOutcome } from './components/DetailsPane';
import { ConfirmDialog } from './components/Dialog';
import { ContextMenu, type MenuItem } from './components/ContextMenu';
import { copyText, downloadText } from './browser';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface AppProps {
  bridge: NetmonBridge;
  /** Settings storage (localStorage by default). */
  storage?: StorageLike | null;
  parser?: FilterParser;
  store?: ConnectionStore;
  /** Typing pause before the filter applies. */
  filterDebounceMs?: number;
  download?: (fileName: string, mime: string, text: string) => void;
  copy?: (text: string) => Promise<void>;
}

type Tab = 'connections' | 'events';
interface LoadedRecording {
  name: string;
  log: EventLog;
  count: number;
  skipped: number;
  firstReason: string | null;
}
interface Confirming {
  kind: 'close' | 'end';
  row: Row;
}
interface ConnectionStateSource {
  onConnectionState?: (l: (s: 'connecting' | 'open' | 'closed') => void) => () => void;
}

const intervalLabel = (ms: number) => `${ms / 1000} s`;
const isTextTarget = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

export function App({ bridge, storage, parser = defaultParser, store: givenStore, filterDebounceMs = 120, download = downloadText, copy = copyText }: AppProps) {
  const [settings, setSettings] = useState<Settings>(() => loadSettings(storage === undefined ? undefined : storage));
  const store = useMemo(() => givenStore ?? new ConnectionStore({ keepClosed: settings.keepClosed }), [givenStore]); // eslint-disable-line react-hooks/exhaustive-deps
  useStoreVersion(store);
  const cache = useMemo(() => new ProcessDetailsCache((pid) => bridge.getProcessDetails(pid)), [bridge]);

  const update = useCallback((patch: Partial<Settings>) => setSettings((s) => ({ ...s, ...patch })), []);
  useEffect(() => saveSettings(settings, storage === undefined ? undefined : storage), [settings, storage]);

  // ---- live data --------------------------------------------------------------------------
  const [connState, setConnState] = useState<'connecting' | 'open' | 'closed' | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const intervalRef = useRef(settings.intervalMs);
  useEffect(() => {
    let ready = false;
    let disposed = false;
    const queue: string[] = [];
    let snapTime = -Infinity;
    const apply = (json: string) => {
      try {
        const b = decodeBatch(json);
        if (!b.full && b.time <= snapTime) return; // already in the snapshot
        store.applyBatch(b);
      } catch (err) {
        console.warn('netmon: dropped a malformed batch', err);
      }
    };
    const unsub = bridge.onBatch((json) => (ready ? apply(json) : queue.push(json)));
    const load = () =>
      bridge.getSnapshot().then(
        (snap) => {
          if (disposed) return;
          snapTime = snap.time;
          store.applyBatch({ seq: 0, time: snap.time, full: true, connections: snap.connections, events: [], status: snap.status });
          ready = true;
          setStartError(null);
          queue.splice(0).forEach(apply);
          if (snap.status.intervalMs !== intervalRef.current) bridge.setInterval(intervalRef.current).then((s) => store.setStatus(s), () => undefined);
        },
        (err: unknown) => {
          if (disposed) return;
          ready = true; // batches still arrive: the first full one fills the table
          queue.splice(0).forEach(apply);
          setStartError(err instanceof Error ? err.message : String(err));
        },
      );
    void load();
    // Browser mode: after a reconnect, fetch the whole table again (events were missed meanwhile).
    let wasClosed = false;
    const unsubState = (bridge as NetmonBridge & ConnectionStateSource).onConnectionState?.((s) => {
      setConnState(s);
      if (s === 'closed') wasClosed = true;
      if (s === 'open' && wasClosed) {
        wasClosed = false;
        void load();
      }
    });
    return () => {
      disposed = true;
      unsub();
      unsubState?.();
    };
  }, [bridge, store]);

  useEffect(() => store.setKeepClosed(settings.keepClosed), [store, settings.keepClosed]);

  // ---- filter -----------------------------------------------------------------------------
  const debounced = useDebounced(settings.filter, filterDebounceMs);
  const parsed = useMemo(() => (debounced.trim() ? parser(debounced) : null), [debounced, parser]);
  const [good, setGood] = useState<CompiledFilter | null>(null);
  useEffect(() => {
    if (parsed === null) setGood(null);
    else if (parsed.ok) setGood(parsed.filter);
    // on error: keep the last good filter
  }, [parsed]);
  const filterError = parsed && !parsed.ok ? parsed.error : null;
  const connPred = useMemo(() => connectionPredicate(good, settings.toggles), [good, settings.toggles]);
  const rowPred = useMemo(() => (r: Row) => connPred(r.c), [connPred]);
  const evPred = useMemo(() => (e: LoggedEvent) => connPred(e.connection), [connPred]);
  const { key: sortKey, dir: sortDir } = settings.sort;
  const compare = useMemo(() => rowComparator({ key: sortKey, dir: sortDir }), [sortKey, sortDir]);
  const rows = useSortedRows(store, rowPred, compare);
  const columns = useMemo(() => columnsFor(settings.resolveNames), [settings.resolveNames]);

  // ---- recording (read-only view of a file) -------------------------------------------------
  const [recording, setRecording] = useState<LoadedRecording | null>(null);
  const events = useEvents(recording ? null : store, recording ? recording.log : store.log, evPred);
  const fileRef = useRef<HTMLInputElement | null>(null);
  const [tab, setTab] = useState<Tab>('connections');
  const [toast, setToast] = useState<{ text: string; error?: boolean } | null>(null);
  useEffect(() => {
    if (!toast) return undefined;
    const t = setTimeout(() => setToast(null), toast.error ? 6000 : 2500);
    return () => clearTimeout(t);
  }, [toast]);

  const openRecording = async (file: File) => {
    try {
      const parsedRec = parseRecording(await file.text());
      const log = new EventLog(Math.max(1, parsedRec.events.length));
      for (const e of parsedRec.events) log.push(e);
      setRecording({
        name: file.name,
        log,
        count: parsedRec.events.length,
        skipped: parsedRec.skippedCount,
        firstReason: parsedRec.skipped[0] ? `line ${parsedRec.skipped[0].line}: ${parsedRec.skipped[0].reason}` : null,
      });
      setTab('events');
    } catch (err) {
      setToast({ text: `Could not open ${file.name}: ${err instanceof Error ? err.message : String(err)}`, error: true });
    }
  };

  const [recStatus, setRecStatus] = useState<RecordingStatus | null>(null);
  const toggleRecord = () => {
    bridge.setRecording(!recStatus?.active).then(
      (s) => {
        setRecStatus(s);
        setToast({ text: s.active ? `Recording to ${s.path ?? 'file'}` : 'Recording stopped' });
      },
      (err: unknown) => setToast({ text: `Recording failed: ${err instanceof Error ? err.message : String(err)}`, error: true }),
    );
  };

  // ---- selection, details, actions ----------------------------------------------------------
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [details, setDetails] = useState<Row | null>(null);
  const detailsRow = details ? (store.rows.get(details.id) ?? details) : null;
  const showDetails = useCallback((id: string) => {
    const r = store.rows.get(id);
    if (r) setDetails(r);
  }, [store]);
  const [menu, setMenu] = useState<{ x: number; y: number; id: string } | null>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);

  const runAction = async ({ kind, row }: Confirming) => {
    setConfirming(null);
    setDetails(row);
    setBusy(true);
    let result: ActionResult;
    try {
      if (kind === 'close') {
        const c = row.c;
        result = await bridge.closeConnection({ family: c.family, localAddress: c.localAddress, localPort: c.localPort, remoteAddress: c.remoteAddress ?? '', remotePort: c.remotePort ?? 0 });
      } else {
        result = await bridge.endProcess(row.c.pid as number);
      }
    } catch (err) {
      result = { ok: false, reason: err instanceof Error ? err.message : String(err) };
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
      result = { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
    setOutcome({ kind: 'restart', id, result });
  };

  const selectedRows = useCallback(() => rows.filter((r) => selection.ids.has(r.id)), [rows, selection]);
  const copySelected = useCallback(() => {
    const sel = selectedRows();
    if (sel.length === 0) {
      setToast({ text: 'Select rows to copy' });
      return;
    }
    copy(rowsToTsv(sel, columns)).then(
      () => setToast({ text: `Copied ${sel.length} row${sel.length === 1 ? '' : 's'}` }),
      (err: unknown) => setToast({ text: `Copy failed: ${err instanceof Error ? err.message : String(err)}`, error: true }),
    );
  }, [selectedRows, copy, columns]);

  const exportView = (format: 'csv' | 'json') => {
    const now = Date.now();
    if (tab === 'events') {
      const name = exportFileName('events', format, now);
      download(name, format === 'csv' ? 'text/csv' : 'application/json', format === 'csv' ? eventsToCsv(events) : eventsToJson(events));
    } else {
      const name = exportFileName('connections', format, now);
      download(name, format === 'csv' ? 'text/csv' : 'application/json', format === 'csv' ? rowsToCsv(rows) : rowsToJson(rows));
    }
  };

  // ---- pause / interval ---------------------------------------------------------------------
  const paused = store.status?.paused ?? false;
  const togglePause = useCallback(() => {
    bridge.setPaused(!(store.status?.paused ?? false)).then(
      (s) => store.setStatus(s),
      (err: unknown) => setToast({ text: `Pause failed: ${err instanceof Error ? err.message : String(err)}`, error: true }),
    );
  }, [bridge, store]);
  const changeInterval = (ms: number) => {
    intervalRef.current = ms;
    update({ intervalMs: ms });
    bridge.setInterval(ms).then(
      (s) => store.setStatus(s),
      (err: unknown) => setToast({ text: `Interval not changed: ${err instanceof Error ? err.message : String(err)}`, error: true }),
    );
  };

  // ---- reverse DNS for what is on screen ----------------------------------------------------
  const visible = useRef<Row[]>([]);
  const pending = useRef(new Set<string>());
  const resolveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const resolveOn = settings.resolveNames;
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
      if (!resolveOn) return;
      if (resolveTimer.current) clearTimeout(resolveTimer.current);
      resolveTimer.current = setTimeout(resolveVisible, 250);
    },
    [resolveOn, resolveVisible],
  );
  useEffect(() => {
    if (resolveOn) resolveVisible();
    return () => {
      if (resolveTimer.current) clearTimeout(resolveTimer.current);
    };
  }, [resolveOn, resolveVisible]);

  // ---- theme -------------------------------------------------------------------------------
  useEffect(() => {
    const root = document.documentElement;
    if (settings.theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = settings.theme;
  }, [settings.theme]);

  // ---- global keys -------------------------------------------------------------------------
  const filterRef = useRef<HTMLInputElement | null>(null);
  const gridRef = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      } else if (e.key === ' ' && !e.ctrlKey && !e.altKey && !e.metaKey) {
        const t = e.target;
        if (isTextTarget(t) || (t instanceof HTMLElement && (t.tagName === 'BUTTON' || t.getAttribute('role') === 'menuitem' || t.getAttribute('role') === 'tab'))) return;
        if (document.querySelector('[role="alertdialog"]')) return;
        e.preventDefault();
        togglePause();
      } else if ((e.ctrlKey || e.metaKey) && (e.key === 'c' || e.key === 'C')) {
        if (isTextTarget(e.target) || (window.getSelection()?.toString() ?? '') !== '') return;
        e.preventDefault();
        copySelected();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [togglePause, copySelected]);

  const onSort = (key: ColumnKey) =>
    update({ sort: settings.sort.key === key ? { key, dir: settings.sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' } });

  const menuRow = menu ? store.rows.get(menu.id) : undefined;
  const menuItems: MenuItem[] = menuRow
    ? [
        { label: 'Details', onSelect: () => setDetails(menuRow) },
        { label: 'Copy', onSelect: copySelected },
        { label: 'Close connection', onSelect: () => setConfirming({ kind: 'close', row: menuRow }), disabled: !canCloseConnection(menuRow) },
        { label: 'End process', onSelect: () => setConfirming({ kind: 'end', row: menuRow }), disabled: !canEndProcess(menuRow), danger: true },
      ]
    : [];
  const closeMenu = useCallback(() => setMenu(null), []);

  const counts = store.stateCounts();
  const closing = useMemo(() => {
    let n = 0;
    for (const r of rows) if (r.status === 'closed') n++;
    return n;
  }, [rows]);
  const status = store.status;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand" title="netmon — live connections">
          <span className="logo" aria-hidden="true">◉</span> netmon
        </div>
        <FilterBox value={settings.filter} onChange={(filter) => update({ filter })} error={filterError} inputRef={filterRef} />
        <div className="controls">
          <button type="button" className={`pause${paused ? ' paused' : ''}`} onClick={togglePause} title="Pause / resume polling (Space)">
            {paused ? 'Resume' : 'Pause'}
          </button>
          <select aria-label="Interval" title="Poll interval" value={settings.intervalMs} onChange={(e) => changeInterval(Number(e.target.value))}>
            {INTERVAL_CHOICES_MS.map((ms) => (
              <option key={ms} value={ms}>
                {intervalLabel(ms)}
              </option>
            ))}
          </select>
          <span className="sep" />
          <button type="button" onClick={() => exportView('csv')} title="Download the current view as CSV">
            Export CSV
          </button>
          <button type="button" onClick={() => exportView('json')} title="Download the current view as JSON">
            Export JSON
          </button>
          <button type="button" onClick={copySelected} title="Copy selected rows, tab-separated (Ctrl+C)">
            Copy
          </button>
          <span className="sep" />
          <button type="button" aria-pressed={recStatus?.active ?? false} className={`record${recStatus?.active ? ' on' : ''}`} onClick={toggleRecord} title={recStatus?.active ? `Recording to ${recStatus.path ?? ''}` : 'Record the event stream to a file'}>
            Record
          </button>
          <button type="button" onClick={() => fileRef.current?.click()} title="Browse a recorded event file">
            Open recording
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".ndjson,.jsonl,.json,application/x-ndjson"
            className="hidden"
            tabIndex={-1}
            aria-hidden="true"
            data-testid="recording-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void openRecording(f);
              e.target.value = '';
            }}
          />
          <select aria-label="Theme" title="Theme" value={settings.theme} onChange={(e) => update({ theme: e.target.value as Theme })}>
            <option value="system">Auto</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </div>
      </header>
      <ToggleBar
        toggles={settings.toggles}
        onToggle={(k: keyof Toggles, v) => update({ toggles: { ...settings.toggles, [k]: v } })}
        keepClosed={settings.keepClosed}
        onKeepClosed={(keepClosed) => update({ keepClosed })}
        resolveNames={settings.resolveNames}
        onResolveNames={(resolveNames) => update({ resolveNames })}
      />
      <div className="tabs" role="tablist" aria-label="Views">
        <button type="button" role="tab" id="tab-connections" aria-controls="panel-connections" aria-selected={tab === 'connections'} onClick={() => setTab('connections')}>
          Connections <span className="tab-count" aria-hidden="true">{rows.length.toLocaleString('en-US')}</span>
        </button>
        <button type="button" role="tab" id="tab-events" aria-controls="panel-events" aria-selected={tab === 'events'} onClick={() => setTab('events')}>
          Events <span className="tab-count" aria-hidden="true">{events.length.toLocaleString('en-US')}</span>
        </button>
        {startError && <span className="tab-note error">Could not load the table: {startError}</span>}
      </div>
      {recording && (
        <div className="banner" data-testid="recording-banner">
          <span>
            Viewing recording <b>{recording.name}</b> — {recording.count.toLocaleString('en-US')} events, read-only
            {recording.skipped > 0 ? ` (${recording.skipped} lines skipped; ${recording.firstReason})` : ''}
          </span>
          <button type="button" onClick={() => setRecording(null)}>
            Back to live
          </button>
        </div>
      )}
      <main className="content">
        <div className="table-pane" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'connections' ? (
            <ConnectionsTable
              rows={rows}
              columns={columns}
              sort={settings.sort}
              onSort={onSort}
              selection={selection}
              gridRef={gridRef}
              onClickRow={(id, mods) => {
                setSelection((s) => clickSelect(s, rows, id, mods));
                if (!mods.shift && !mods.ctrl) showDetails(id);
              }}
              onMove={(i, extend) => setSelection((s) => moveTo(s, rows, i, extend))}
              onSelectAll={() => setSelection((s) => selectAll(rows, s))}
              onActivate={showDetails}
              onContextMenu={(id, x, y) => {
                setSelection((s) => (s.ids.has(id) ? s : clickSelect(s, rows, id, {})));
                setMenu({ x, y, id });
              }}
              onVisibleRows={onVisibleRows}
            />
          ) : (
            <EventsTable events={events} />
          )}
        </div>
        {detailsRow && tab === 'connections' && (
          <DetailsPane
            row={detailsRow}
            cache={cache}
            onAction={(kind, row) => setConfirming({ kind, row })}
            onRestartAsAdmin={() => void restartAsAdmin()}
            outcome={outcome}
            busy={busy}
            onClose={() => {
              setDetails(null);
              gridRef.current?.focus();
            }}
          />
        )}
      </main>
      <StatusBar total={store.liveCount} shown={tab === 'events' ? events.length : rows.length} shownKind={tab === 'events' ? 'events' : 'rows'} closing={closing} counts={counts} status={status} connection={connState} recording={recStatus?.active ? recStatus.path ?? 'file' : null} />
      {menu && menuRow && <ContextMenu x={menu.x} y={menu.y} items={menuItems} onClose={closeMenu} />}
      {confirming && (
        <ConfirmDialog
          title={confirming.kind === 'close' ? 'Close connection?' : 'End process?'}
          message={
            confirming.kind === 'close'
              ? `Close ${confirming.row.c.localAddress}:${confirming.row.c.localPort} → ${confirming.row.c.remoteAddress}:${confirming.row.c.remotePort} (${confirming.row.c.process ?? 'unknown'}, PID ${confirming.row.c.pid ?? '?'})? The program will see its connection reset.`
              : `End ${confirming.row.c.process ?? 'the process'} (PID ${confirming.row.c.pid})? Unsaved work in it is lost.`
          }
          onConfirm={() => void runAction(confirming)}
          onCancel={() => setConfirming(null)}
        />
      )}
      {toast && (
        <div className={`toast${toast.error ? ' error' : ''}`} aria-live="polite">
          {toast.text}
        </div>
      )}
    </div>
  );
}
