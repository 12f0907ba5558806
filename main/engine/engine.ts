// The polling engine: one timer, at most one poll in flight, each poll diffed against the last
// good one and delivered as exactly one EventBatch. Objects and strings are built only for the
// rows that changed (or for a full snapshot when one is asked for).
//
// Rows are sockets, paired from poll to poll by the identity rule (main/model/identity.ts); each
// live row keeps its slot, which makes its id unique among rows sharing an endpoint.
//
// Every live row remembers the process it was first seen with, so a `closed` event still names
// an owner that has already exited (and a reused PID never lends its new name to an old row).
import { hostname } from 'node:os';
import type { ConnectionEvent } from '../../shared/connection';
import { COUNTER_STRIDE, DEFAULT_INTERVAL_MS, type CounterColumns, type EngineStatus, type EventBatch, type Snapshot } from '../../shared/ipc';
import { copyTable } from '../model/build';
import { createDiffer, freshSlots } from '../model/diff';
import { materializeRow, materializeTable, type ProcessLookup } from '../model/materialize';
import { C, COUNTER_SLOTS, createRowTable, PID_UNKNOWN, ROW_WORDS, W, type RowTable } from '../model/rows';
import { tcpStateName } from '../../shared/connection';
import { createRateColumns, createValuesScratch, writeTrafficValues, writeUnknownTraffic, type RateColumns } from '../model/traffic';
import type { ProcessInfo } from '../source/types';
import type { RateTotals } from '../../shared/timeline';
import { rateRows, unknownRates } from './rates';
import type { Engine, EngineOptions } from './types';

type Owners = (ProcessInfo | null)[];

export function createEngine(opts: EngineOptions): Engine {
  const { source } = opts;
  const now = opts.now ?? Date.now;
  const listeners = new Set<(b: EventBatch) => void>();
  let intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  let paused = false;
  let running = false;
  let seq = (opts.firstSeq ?? 1) - 1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Start of the last poll (clock ms), the anchor of the cadence. */
  let lastStart: number | null = null;
  let inFlight: Promise<EventBatch> | null = null;
  // The source's last table, diffed in place: a source keeps it intact until the read after next
  // (ConnectionSource.read), which is exactly as long as the engine needs it. Only a failed poll
  // leaves `current` waiting for a read after next: then it becomes the engine's own copy (`owned`).
  let current: RowTable | null = null;
  const owned: RowTable = createRowTable(1);
  let currentOwned = false;
  let currentTime = 0;
  // owners[i]: the process row i of `current` was seen with (null where unknown); swapped like the tables.
  let owners: Owners = [];
  let spareOwners: Owners = [];
  let prevOf = new Int32Array(16);
  // slots[i]: the slot of row i of `current` (its id's disambiguator); swapped like the tables.
  let slots: Uint32Array = new Uint32Array(16);
  let spareSlots: Uint32Array = new Uint32Array(16);
  // Rates of `current`'s rows and the connection ids already built for them, swapped like the tables.
  let rates: RateColumns = createRateColumns(1);
  let spareRates: RateColumns = createRateColumns(1);
  let ids: (string | undefined)[] = [];
  // Rows of the poll being built whose counters section entry may be due (rateRows), and the table's rate sums.
  let moved = new Int32Array(16);
  // The counters section's values are written here by index, then copied out (createValuesScratch).
  const valuesScratch = createValuesScratch();
  const totals: RateTotals = { rated: 0, send: 0, receive: 0 };
  let spareIds: (string | undefined)[] = [];
  // Its own differ: successive polls form a chain, so the key index carries over between them.
  const differ = createDiffer();
  const status: EngineStatus = {
    paused,
    intervalMs,
    source: source.name,
    // Every viewer's baseline names the machine it was taken on, as `netmon baseline save` does.
    host: hostname(),
    lastPollAt: null,
    lastPollMs: null,
    lastError: null,
  };
  const lookup: ProcessLookup = (pid) => {
    try {
      return source.processInfo(pid);
    } catch {
      return null; // a name we cannot get is not worth failing a poll for
    }
  };

  /** Looks each PID up once per table: a full table repeats a few hundred PIDs tens of thousands of times. */
  const memoLookup = (): ProcessLookup => {
    const seen = new Map<number, ProcessInfo | null>();
    return (pid) => {
      let info = seen.get(pid);
      if (info === undefined) {
        info = lookup(pid);
        seen.set(pid, info);
      }
      return info;
    };
  };

  /** Fills `out` with the owner of every row of `t`. */
  const learnOwners = (t: RowTable, out: Owners, find: ProcessLookup): void => {
    out.length = t.count;
    for (let i = 0; i < t.count; i++) {
      const pid = t.words[i * ROW_WORDS + W.PID];
      out[i] = pid === PID_UNKNOWN ? null : find(pid);
    }
  };

  /** The remembered owner of row i when it has the row's PID, else what the source says now. */
  const ownerOf = (t: RowTable, mem: Owners, i: number): ProcessInfo | null => {
    const pid = t.words[i * ROW_WORDS + W.PID];
    if (pid === PID_UNKNOWN) return null;
    const known = mem[i];
    return known && known.pid === pid && known.name !== null ? known : lookup(pid);
  };

  /** For a whole table: the source's answer, else the owner a row of that PID was seen with. */
  const rememberingLookup = (t: RowTable): ProcessLookup => {
    const live = memoLookup();
    let byPid: Map<number, ProcessInfo> | null = null;
    return (pid) => {
      const info = live(pid);
      if (info && info.name !== null) return info;
      if (!byPid) {
        byPid = new Map();
        for (let i = 0; i < t.count; i++) {
          const o = owners[i];
          if (o && o.name !== null && o.pid === t.words[i * ROW_WORDS + W.PID]) byPid.set(o.pid, o);
        }
      }
      return byPid.get(pid) ?? info;
    };
  };

  let given: ProcessInfo | null = null;
  const givenLookup: ProcessLookup = () => given;

  const snapshotStatus = (): EngineStatus => {
    const portRanges = opts.portRanges?.();
    return { ...status, paused, intervalMs, source: source.name, ...(portRanges ? { portRanges } : {}) };
  };

  const clearTimer = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  /** (Re)arms the timer for the next poll, keeping cadence from the last poll's start. */
  const schedule = () => {
    clearTimer();
    if (!running || paused || inFlight) return;
    const since = lastStart === null ? intervalMs : now() - lastStart;
    const delay = Math.min(intervalMs, Math.max(0, intervalMs - since));
    timer = setTimeout(() => {
      timer = null;
      void runPoll(true);
    }, delay);
  };

  const emit = (b: EventBatch) => {
    for (const l of listeners) {
      try {
        l(b);
      } catch {
        // one faulty listener must not stop polling or starve the others
      }
    }
  };

  /**
   * Tells every viewer at once that pause / interval changed: a batch with no events, not waiting
   * for the next poll (a paused engine has none).
   */
  const pushStatus = () => {
    if (running) emit({ seq: ++seq, time: now(), full: false, events: [], status: snapshotStatus() });
  };

  /** Rate columns able to hold `rows` rows (reusing `r` when it can). */
  const roomFor = (r: RateColumns, rows: number): RateColumns => (r.send.length >= rows ? r : createRateColumns(Math.ceil(rows * 1.25)));

  /**
   * The counters section of the batch (shared/ipc.ts CounterColumns): rows still present, without
   * an event this poll, whose counters or rates moved; null when none did. Written straight into
   * the two columns (no array per row). Ids are built once per row and carried from poll to poll.
   * When the source stops giving counters (prev had them, next has none), every such row is sent
   * once with all values unknown: viewers would otherwise keep showing its last ones.
   */
  const counterUpdates = (prev: RowTable, next: RowTable, nextIds: (string | undefined)[], evented: Uint8Array, movedCount: number): CounterColumns | null => {
    const ids: string[] = [];
    const id = (n: number) => (nextIds[n] ??= materializeRow(next, n, undefined, undefined, spareSlots[n]).id);
    if (!next.counters) {
      const pk = prev.counters;
      if (!pk) return null;
      const values = valuesScratch.room(next.count * COUNTER_STRIDE);
      for (let n = 0; n < next.count; n++) {
        const p = prevOf[n];
        if (p < 0 || evented[n]) continue;
        // Rows that showed nothing (UDP, listeners, TIME-WAIT) have nothing to take back. A limitedBy
        // shows too, and can be all a row shows (Windows: only the SndCong read succeeded).
        let had = rates.limited[p] !== 0;
        for (let s = 0; s < C.BUSY_US && !had; s++) had = pk[p * COUNTER_SLOTS + s] === pk[p * COUNTER_SLOTS + s];
        if (!had) continue;
        writeUnknownTraffic(values, ids.length * COUNTER_STRIDE);
        ids.push(id(n));
      }
    } else {
      const values = valuesScratch.room(movedCount * COUNTER_STRIDE);
      for (let k = 0; k < movedCount; k++) {
        const n = moved[k];
        if (evented[n]) continue;
        writeTrafficValues(next, n, spareRates, values, ids.length * COUNTER_STRIDE);
        ids.push(id(n));
      }
    }
    return ids.length > 0 ? { ids, values: valuesScratch.take(ids.length * COUNTER_STRIDE) } : null;
  };

  /** Diffs, builds the events and fills `nextOwners` for `next` from `prevOwners`, `spareRates` / `spareIds` for `next`. */
  const buildEvents = (
    prev: RowTable,
    prevOwners: Owners,
    next: RowTable,
    nextOwners: Owners,
    time: number,
    dtMs: number,
  ): { events: ConnectionEvent[]; counters: CounterColumns | null } => {
    if (prevOf.length < next.count) prevOf = new Int32Array(Math.ceil(next.count * 1.25));
    if (spareSlots.length < next.count) spareSlots = new Uint32Array(Math.ceil(next.count * 1.25));
    const d = differ.diff(prev, next, prevOf, { prev: slots, next: spareSlots });
    spareRates = roomFor(spareRates, next.count);
    if (moved.length < next.count) moved = new Int32Array(Math.ceil(next.count * 1.25));
    const movedCount = rateRows(prev, next, prevOf, dtMs, rates, spareRates, moved, totals);
    const nextRates = spareRates;
    const nextIds = spareIds;
    nextIds.length = next.count;
    for (let n = 0; n < next.count; n++) nextIds[n] = prevOf[n] >= 0 ? ids[prevOf[n]] : undefined;
    const evented = new Uint8Array(next.count);
    // Rows that stay keep their owner; opened and re-owned rows are overwritten below.
    nextOwners.length = next.count;
    for (let n = 0; n < next.count; n++) {
      const p = prevOf[n];
      nextOwners[n] = p >= 0 ? prevOwners[p] : null;
    }
    const events: ConnectionEvent[] = [];
    for (const i of d.closed) {
      given = ownerOf(prev, prevOwners, i);
      events.push({ type: 'closed', time, connection: materializeRow(prev, i, givenLookup, rates, slots[i]) });
    }
    for (const i of d.opened) {
      given = ownerOf(next, nextOwners, i);
      nextOwners[i] = given;
      const connection = materializeRow(next, i, givenLookup, nextRates, spareSlots[i]);
      nextIds[i] = connection.id;
      evented[i] = 1;
      events.push({ type: 'opened', time, connection });
    }
    for (const { prev: p, next: n } of d.changed) {
      const po = p * ROW_WORDS;
      const pid = prev.words[po + W.PID];
      given = ownerOf(next, nextOwners, n);
      nextOwners[n] = given;
      const connection = materializeRow(next, n, givenLookup, nextRates, spareSlots[n]);
      nextIds[n] = connection.id;
      evented[n] = 1;
      const e: ConnectionEvent = {
        type: 'changed',
        time,
        connection,
        previousState: connection.protocol === 'udp' ? null : (tcpStateName(prev.words[po + W.STATE]) ?? null),
        previousPid: pid === PID_UNKNOWN ? null : pid,
      };
      if (pid !== PID_UNKNOWN && pid !== next.words[n * ROW_WORDS + W.PID]) {
        e.previousProcess = ownerOf(prev, prevOwners, p)?.name ?? null;
      }
      events.push(e);
    }
    given = null;
    return { events, counters: counterUpdates(prev, next, nextIds, evented, movedCount) };
  };

  const poll = async (deliver: boolean): Promise<EventBatch> => {
    const time = now();
    lastStart = time;
    const t0 = performance.now();
    let batch: EventBatch;
    try {
      const next = await source.read();
      const prev = current;
      const full = prev === null;
      const nextOwners = spareOwners;
      const find = full ? memoLookup() : lookup;
      if (full) {
        learnOwners(next, nextOwners, find);
        spareRates = roomFor(spareRates, next.count);
        unknownRates(spareRates, next.count);
        totals.rated = totals.send = totals.receive = 0;
        spareIds.length = 0;
        spareSlots = freshSlots(next, spareSlots.length < next.count ? new Uint32Array(Math.ceil(next.count * 1.25)) : spareSlots);
      }
      const { events, counters } = full ? { events: [], counters: null } : buildEvents(prev, owners, next, nextOwners, time, time - currentTime);
      current = next;
      currentOwned = false;
      spareOwners = owners;
      owners = nextOwners;
      [rates, spareRates] = [spareRates, rates];
      [ids, spareIds] = [spareIds, ids];
      [slots, spareSlots] = [spareSlots, slots];
      status.countersNote = next.counters ? null : (next.countersNote ?? null);
      if (next.counters && next.countersScope) status.countersScope = next.countersScope;
      else delete status.countersScope;
      const notices = source.notices?.() ?? [];
      if (notices.length > 0) status.notices = notices;
      else delete status.notices;
      currentTime = time;
      status.lastError = null;
      status.lastPollMs = performance.now() - t0;
      status.lastPollAt = time;
      batch = { seq: ++seq, time, full, events, status: snapshotStatus() };
      if (counters) batch.counters = counters;
      if (full) batch.connections = materializeTable(next, find, rates, slots);
    } catch (e) {
      // The last good table stays: the next success diffs against it. The source may refill its
      // buffer at that next read (this one counted), so the engine keeps a copy of its own.
      if (current && !currentOwned) {
        current = copyTable(current, owned);
        currentOwned = true;
      }
      status.lastError = e instanceof Error ? e.message : String(e);
      status.lastPollMs = performance.now() - t0;
      status.lastPollAt = time;
      batch = { seq: ++seq, time, full: false, events: [], status: snapshotStatus() };
    }
    if (deliver && running) emit(batch);
    return batch;
  };

  /** Runs one poll after any in-flight one (polls never overlap), then re-arms the timer. */
  const runPoll = (fromTimer: boolean): Promise<EventBatch> => {
    const prior = inFlight;
    const p = (async () => {
      if (prior) await prior.catch(() => undefined);
      return poll(true);
    })();
    const tracked = p.finally(() => {
      if (inFlight === tracked) {
        inFlight = null;
        schedule();
      }
    });
    inFlight = tracked;
    if (fromTimer) void tracked.catch(() => undefined);
    return tracked;
  };

  return {
    start() {
      if (running) return;
      running = true;
      if (!paused) void runPoll(true);
    },
    stop() {
      running = false;
      clearTimer();
    },
    setPaused(p: boolean) {
      if (p === paused) return snapshotStatus();
      paused = p;
      pushStatus();
      if (paused) clearTimer();
      // Resuming polls at once: whoever resumed wants to see the present, not wait an interval.
      else if (running && !inFlight) void runPoll(true);
      return snapshotStatus();
    },
    setIntervalMs(ms: number) {
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`interval must be a positive number of ms, got ${ms}`);
      const changed = ms !== intervalMs;
      intervalMs = ms;
      if (changed) pushStatus();
      if (timer !== null) schedule();
      return snapshotStatus();
    },
    status: snapshotStatus,
    rateTotals: () => ({ ...totals }),
    snapshot(): Snapshot {
      return {
        time: current ? currentTime : now(),
        connections: current ? materializeTable(current, rememberingLookup(current), rates, slots) : [],
        status: snapshotStatus(),
      };
    },
    pollNow() {
      return runPoll(false);
    },
    onBatch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
