// The netmon window, a thin shell: header, quick toggles, view tabs, the view chosen, details pane,
// status bar. Each view lives in renderer/views/<name>/ and reads the store; state that outlives a
// session (toggles, filter, interval, sort, …) goes through settings.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EventBatch, NetmonBridge } from '../shared/ipc';
import { processGroupFilter } from '../shared/processes';
import { ConnectionStore } from './store/store';
import { columnsFor, rowComparator, type ColumnKey } from './store/columns';
import type { Row } from './store/rows';
import { eventFilter } from './store/eventsView';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, type Settings } from './store/settings';
import { applyLayout, shownSort, type ColumnLayout } from './store/columnLayout';
import { DEFAULT_TOGGLES, type Toggles } from './store/toggles';
import { FilterChip, sameToggles } from './app/FilterChip';
import { EMPTY_SELECTION, type Selection } from './store/selection';
import { ProcessDetailsCache } from './store/processCache';
import { defaultParser, type FilterParser } from './filtering';
import { useEvents, useSortedRows, useStoreVersion } from './hooks';
import { readsTraffic, withTraffic } from './store/readsTraffic';
import { StatusBar, type ShownKind } from './components/StatusBar';
import { ToggleBar } from './components/Toolbar';
import { copyText, downloadText } from './browser';
import { DisplaySettings, Header } from './app/Header';
import { Toast, failure, useToast } from './app/toast';
import { useLiveData } from './app/useLiveData';
import { AccessNotice, accessProblem } from './app/AccessNotice';
import { ViewTabs } from './app/ViewTabs';
import { useFilter } from './app/useFilter';
import { usePollControls } from './app/usePollControls';
import { useGlobalKeys } from './app/useGlobalKeys';
import { regionProps } from './app/regions';
import { useTheme } from './app/theme';
import { exportView, useCopySelected, type Download } from './app/exportView';
import { ConnectionsView } from './views/connections/ConnectionsView';
import { useReverseDns } from './views/connections/useReverseDns';
import { EventListView } from './views/events/EventListView';
import { eventsEmptyText, heldFacts, hiddenByText } from './views/events/emptyEvents';
import { connectionsEmptyText } from './views/connections/emptyConnections';
import { RecordingBanner } from './views/recording/RecordingBanner';
import { recordingSpan, replayUntil } from './views/recording/replay';
import { useRecording } from './views/recording/useRecording';
import { ConfirmActionDialog, DetailsView } from './views/details/DetailsView';
import { DetailsPaneOpen } from './components/GivenWay';
import { useRowActions } from './views/details/useRowActions';
import { ProcessesView } from './views/processes/ProcessesView';
import { DEFAULT_PROCESS_SORT } from './views/processes/processColumns';
import { useProcessRollUp } from './views/processes/useProcessRollUp';
import { TrafficNote } from './views/processes/TrafficNote';
import { TimelineView } from './views/timeline/TimelineView';
import { PortsView } from './views/ports/PortsView';
import { mergeByTime } from './views/ports/portNotices';
import { usePortThreshold, usePortUsage } from './views/ports/usePortNotices';
import { BaselineBar } from './views/baseline/BaselineBar';
import { useBaseline } from './views/baseline/useBaseline';
import { useTimeline } from './views/timeline/useTimeline';
import { inTimeRange } from './views/timeline/chartData';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface AppProps {
  bridge: NetmonBridge;
  /** Settings storage (localStorage by default). */
  storage?: StorageLike | null;
  parser?: FilterParser;
  store?: ConnectionStore;
  /** Typing pause before the filter applies, ms. */
  filterDebounceMs?: number;
  download?: Download;
  copy?: (text: string) => Promise<void>;
}

type Tab = 'connections' | 'events' | 'processes' | 'ports';

export function App({ bridge, storage, parser = defaultParser, store: givenStore, filterDebounceMs = 120, download = downloadText, copy = copyText }: AppProps) {
  const [settings, setSettings] = useState<Settings>(() => loadSettings(storage === undefined ? undefined : storage));
  const store = useMemo(() => givenStore ?? new ConnectionStore({ keepClosed: settings.keepClosed }), [givenStore]); // eslint-disable-line react-hooks/exhaustive-deps
  useStoreVersion(store);
  const cache = useMemo(() => new ProcessDetailsCache((pid) => bridge.getProcessDetails(pid)), [bridge]);
  const update = useCallback((patch: Partial<Settings>) => setSettings((s) => ({ ...s, ...patch })), []);
  useEffect(() => saveSettings(settings, storage === undefined ? undefined : storage), [settings, storage]);
  useEffect(() => store.setKeepClosed(settings.keepClosed), [store, settings.keepClosed]);
  useEffect(() => store.setHighlightMs(settings.highlightMs), [store, settings.highlightMs]);
  useTheme(settings.theme);
  const [toast, showToast] = useToast();

  const recording = useRecording(bridge, showToast);
  const opened = recording.opened;
  const recordedEvents = useMemo(() => (opened ? opened.log.toArray() : null), [opened]);
  const timeline = useTimeline(bridge, recordedEvents);
  const [timeRange, setTimeRange] = useState<[number, number] | null>(null);
  const [portThreshold, setPortThreshold] = usePortThreshold();
  const portUsage = usePortUsage(bridge, portThreshold);
  const { onBatch: timelineBatch } = timeline;
  const { onBatch: portsBatch } = portUsage;
  const onDecoded = useCallback((b: EventBatch) => (timelineBatch(b), portsBatch(b)), [timelineBatch, portsBatch]);
  const { reload: timelineReload } = timeline;
  const { reload: portsReload } = portUsage;
  // Batches were missed (a reconnect, a tab that waited for a slot): the series are fetched afresh too.
  const onReload = useCallback(() => (timelineReload(), portsReload()), [timelineReload, portsReload]);
  const live = useLiveData(bridge, store, onDecoded, onReload);
  const poll = usePollControls(bridge, store, showToast);
  const { frozen, setFrozen } = live;
  const toggleFrozen = useCallback(() => setFrozen(!frozen), [frozen, setFrozen]);

  const filter = useFilter(settings.filter, settings.toggles, parser, filterDebounceMs, settings.resolveNames);
  const { predicate } = filter;
  const baseline = useBaseline(store);
  const notInBaseline = baseline.passes;
  // With "Only not in baseline" on, the table and the Events view show only what departs from it.
  // The baseline reads no traffic field: the table's predicate reads them only when the filter does.
  const shownPred = useMemo(
    () => (notInBaseline ? withTraffic((c: Parameters<typeof predicate>[0]) => notInBaseline(c) && predicate(c), readsTraffic(predicate)) : predicate),
    [predicate, notInBaseline],
  );
  const rowPred = useMemo(() => withTraffic((r: Row) => shownPred(r.c), readsTraffic(shownPred)), [shownPred]);
  const evPred = useMemo(() => eventFilter(shownPred, timeRange ? inTimeRange(() => true, timeRange) : null), [shownPred, timeRange]);
  const source = store.status?.source ?? '';
  const available = useMemo(() => columnsFor(settings.resolveNames, settings.trafficColumns, source), [settings.resolveNames, settings.trafficColumns, source]);
  const columns = useMemo(() => applyLayout(available, settings.columns), [available, settings.columns]);
  const sort = shownSort(settings.sort, columns, DEFAULT_SETTINGS.sort);
  const { key: sortKey, dir: sortDir } = sort;
  const compare = useMemo(() => rowComparator({ key: sortKey, dir: sortDir }), [sortKey, sortDir]);
  const onSort = (key: ColumnKey) => update({ sort: sort.key === key ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' } });

  // With a recording open, the Connections table is the recording's, at the moment chosen on
  // its time slider — never live rows under the recording's banner.
  const span = useMemo(() => recordingSpan(recordedEvents ?? []), [recordedEvents]);
  const [replayAt, setReplayAt] = useState(0);
  useEffect(() => setReplayAt(span?.to ?? 0), [span]);
  const replay = useMemo(() => (recordedEvents ? replayUntil(recordedEvents, replayAt) : null), [recordedEvents, replayAt]);
  const tableStore = replay ?? store;
  const sorted = useSortedRows(tableStore, rowPred, compare);
  const rows = sorted.rows;
  const events = useEvents(opened ? null : store, opened ? opened.log : store.log, evPred);
  // Port-exhaustion notices are about an address, not a connection: connection filters and the
  // baseline toggle do not hide them (an outage warning must not vanish behind "pid:1234"); the
  // timeline's time span does. A recording shows only its own events.
  const { notices } = portUsage;
  const shownNotices = useMemo(() => (opened ? [] : timeRange ? notices.filter((n) => n.time >= timeRange[0] && n.time <= timeRange[1]) : notices), [opened, notices, timeRange]);
  const eventEntries = useMemo(() => mergeByTime(events, shownNotices), [events, shownNotices]);
  const [tab, setTab] = useState<Tab>('connections');
  // What hides rows and events besides the timeline span, as the empty views say it.
  const hiddenBy = hiddenByText(settings.filter.trim() !== '', !sameToggles(settings.toggles, DEFAULT_TOGGLES), notInBaseline !== null);
  const connectionsEmpty =
    rows.length === 0
      ? connectionsEmptyText({ held: tableStore.rows.size, hiddenBy, recording: opened ? { name: opened.name, at: span ? replayAt : null } : null, polled: store.status?.lastPollAt != null, link: live.connState })
      : undefined;
  // Why the Events view is empty, when it is (the log is read only then).
  const eventsEmpty =
    tab === 'events' && eventEntries.length === 0
      ? eventsEmptyText({
          ...heldFacts(recordedEvents ?? store.log.toArray(), timeRange),
          dropped: opened ? 0 : store.log.dropped,
          capacity: store.log.capacity,
          span: timeRange,
          hiddenBy,
          recording: opened ? opened.name : null,
        })
      : undefined;
  const [processSort, setProcessSort] = useState(DEFAULT_PROCESS_SORT);

  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const actions = useRowActions(bridge, store);
  const copySelected = useCopySelected(rows, selection, columns, copy, showToast);
  const onVisibleRows = useReverseDns(bridge, store, settings.resolveNames);

  const filterRef = useRef<HTMLInputElement | null>(null);
  const gridRef = useRef<HTMLDivElement | null>(null);
  const { hideDetails } = actions;
  const detailsOpen = actions.detailsRow !== null;
  // One Escape, one thing: the details pane first; else, outside a text field, the timeline's span.
  const onEscape = useCallback(
    (inText: boolean) => {
      if (detailsOpen) hideDetails();
      else if (!inText) setTimeRange(null);
      gridRef.current?.focus();
    },
    [hideDetails, detailsOpen],
  );
  useGlobalKeys({ filterRef, togglePause: toggleFrozen, copySelected, onEscape });

  const closing = sorted.closing;
  const processRollUp = useProcessRollUp(rows, sorted.valuesRev, tab === 'processes');
  // The status bar counts what the view on screen shows, in its words: never the Connections rows
  // under another tab (Processes once read "26 rows shown" beside 10 process rows).
  const shown: { count: number; kind: ShownKind } =
    tab === 'events'
      ? { count: eventEntries.length, kind: 'events' }
      : tab === 'processes'
        ? { count: processRollUp.procs.length, kind: 'processes' }
        : tab === 'ports'
          ? { count: portUsage.report.addresses.length, kind: 'addresses' }
          : { count: rows.length, kind: 'rows' };

  return (
    // data-table-filter / data-table-sort: the filter text and sort the table's rows are computed
    // under, once they are (tests and the frame bench wait on them).
    <div className="app" data-table-filter={sorted.predicate === rowPred ? filter.appliedText : undefined} data-table-sort={sorted.compare === compare ? `${sortKey} ${sortDir}` : undefined}>
      <Header
        filter={settings.filter}
        onFilter={(text) => update({ filter: text })}
        filterError={filter.error}
        filterWarnings={filter.warnings}
        filterApplied={filter.applied}
        filterAppliedText={filter.appliedText}
        filterRef={filterRef}
        frozen={frozen}
        onToggleFrozen={toggleFrozen}
        paused={poll.paused}
        onTogglePause={poll.togglePause}
        intervalMs={poll.intervalMs}
        onInterval={poll.setIntervalMs}
        onExport={(format) => exportView(tab === 'events' ? 'events' : 'connections', format, rows, events, download)}
        onCopy={copySelected}
        recording={recording.writing}
        onToggleRecord={recording.toggleWriting}
        onOpenRecording={(file) => void recording.open(file).then((ok) => ok && setTab('events'))}
      />
      <ToggleBar
        toggles={settings.toggles}
        onToggle={(k: keyof Toggles, v) => update({ toggles: { ...settings.toggles, [k]: v } })}
        keepClosed={settings.keepClosed}
        onKeepClosed={(keepClosed) => update({ keepClosed })}
        resolveNames={settings.resolveNames}
        onResolveNames={(resolveNames) => update({ resolveNames })}
        trafficColumns={settings.trafficColumns}
        onTrafficColumns={(trafficColumns) => update({ trafficColumns })}
      >
        <DisplaySettings theme={settings.theme} onTheme={(theme) => update({ theme })} highlightMs={settings.highlightMs} onHighlightMs={(highlightMs) => update({ highlightMs })} />
      </ToggleBar>
      <div className="tabs">
        <ViewTabs<Tab>
          selected={tab}
          onSelect={setTab}
          tabs={[
            {
              id: 'connections',
              label: (
                <>
                  Connections <span className="tab-count" aria-hidden="true">{rows.length.toLocaleString('en-US')}</span>
                </>
              ),
            },
            {
              id: 'events',
              label: (
                <>
                  Events <span className="tab-count" aria-hidden="true">{eventEntries.length.toLocaleString('en-US')}</span>
                </>
              ),
            },
            { id: 'processes', label: 'Processes' },
            { id: 'ports', label: 'Ports' },
          ]}
        />
        {settings.trafficColumns && tab === 'connections' && store.status?.countersNote && (
          <TrafficNote note={store.status.countersNote} onRestart={() => void actions.restartAsAdmin()} />
        )}
        {tab === 'connections' && (settings.filter.trim() !== '' || !sameToggles(settings.toggles, DEFAULT_TOGGLES)) && (
          <FilterChip hidden={tableStore.rows.size - rows.length} onClear={() => update({ filter: '', toggles: { ...DEFAULT_TOGGLES } })} />
        )}
        <BaselineBar
          controls={baseline}
          recording={opened ? opened.name : null}
          onSave={(text) => download(`netmon-baseline-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`, 'application/json', text)}
          onError={(what, err) => showToast(failure(what, err))}
        />
        {live.startError && !accessProblem(live.connState) && <span className="tab-note error">Could not load the table: {live.startError}</span>}
      </div>
      {opened && <RecordingBanner recording={opened} span={span} at={replayAt} onAt={setReplayAt} onBack={recording.close} />}
      <TimelineView
        samples={timeline.samples}
        theme={settings.theme}
        range={timeRange}
        onRange={(r) => {
          setTimeRange(r);
          if (r) setTab('events');
        }}
        source={opened ? `recording ${opened.name}` : 'live'}
      />
      <main className="content">
        {accessProblem(live.connState) && !opened ? (
          <AccessNotice state={live.connState} onRetry={live.retry} />
        ) : (
          <DetailsPaneOpen.Provider value={opened ? 'none' : actions.detailsRow !== null ? 'open' : 'closed'}>
            <div className="table-pane" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} {...regionProps('table')}>
              {tab === 'connections' ? (
                <ConnectionsView
                  store={tableStore}
                  readOnly={opened !== null}
                  rows={rows}
                  columns={columns}
                  sort={sort}
                  onSort={onSort}
                  selection={selection}
                  setSelection={setSelection}
                  gridRef={gridRef}
                  actions={actions}
                  onCopy={copySelected}
                  onVisibleRows={onVisibleRows}
                  available={available}
                  layout={settings.columns}
                  onLayout={(l: ColumnLayout) => update({ columns: l })}
                  departure={baseline.departure}
                  emptyText={connectionsEmpty}
                />
              ) : tab === 'ports' ? (
                <PortsView store={store} usage={portUsage} threshold={portThreshold} onThreshold={setPortThreshold} beside={opened ? opened.name : null} filter={filter.applied && filter.appliedText.trim() !== '' ? filter.appliedText : null} />
              ) : tab === 'processes' ? (
                <ProcessesView
                  rollUp={processRollUp}
                  sort={processSort}
                  setSort={setProcessSort}
                  countersNote={store.status?.countersNote}
                  countersScope={store.countersScope}
                  onSelectProcess={(p) => {
                    update({ filter: processGroupFilter(p) });
                    setTab('connections');
                  }}
                />
              ) : (
                <EventListView events={eventEntries} store={opened ? null : store} readOnly={opened !== null} actions={actions} onCopy={copySelected} departure={baseline.departure} shown={sorted.predicate} emptyText={eventsEmpty} />
              )}
            </div>
          </DetailsPaneOpen.Provider>
        )}
        {!opened && <DetailsView actions={actions} cache={cache} returnFocus={gridRef} shown={sorted.predicate} countersNote={store.status?.countersNote} countersScope={store.countersScope} />}
      </main>
      <StatusBar
        total={tableStore.liveCount}
        shown={shown.count}
        shownKind={shown.kind}
        droppedEvents={tab === 'events' && !opened ? store.log.dropped : 0}
        eventCapacity={store.log.capacity}
        closing={closing}
        counts={tableStore.stateCounts()}
        status={store.status}
        connection={live.connState}
        frozen={frozen ? live.waiting : null}
        recording={recording.writing?.active ? (recording.writing.path ?? 'file') : null}
        viewing={opened ? { name: opened.name, at: span ? replayAt : null } : null}
      />
      <ConfirmActionDialog actions={actions} />
      <Toast toast={toast} />
    </div>
  );
}
