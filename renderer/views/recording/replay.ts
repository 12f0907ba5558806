// The table as a recording says it stood at a moment: its events replayed, up to that time, into a
// store of its own (never the live one), closed connections gone.
import type { EngineStatus } from '../../../shared/ipc';
import { ConnectionStore } from '../../store/store';
import type { LoggedEvent } from '../../store/rows';

/**
 * Why a replayed row's rate is "—": an event carries the rates of its own poll (one interval), and
 * a recording holds no counters between events. Its bytes and packets are as of its last event.
 */
export const REPLAY_RATES_NOTE = "rates are known only at a connection's own events: a recording holds no counters between them";

const REPLAY_STATUS: EngineStatus = { paused: true, intervalMs: 1000, source: 'recording', lastPollAt: null, lastPollMs: null, lastError: null, countersNote: REPLAY_RATES_NOTE };

/** `e` without its rates and limitedBy (they were its poll's), as a new event; `e` itself when it carries none. */
function withoutRates(e: LoggedEvent): LoggedEvent {
  const c = e.connection;
  if (c.sendRate == null && c.receiveRate == null && c.limitedBy == null) return e;
  return { ...e, connection: { ...c, sendRate: null, receiveRate: null, limitedBy: null } };
}

/**
 * A store holding the connections open at `until` (epoch ms) according to `events` (oldest first).
 * A recording starts mid-run, so only connections it saw open (or change) appear.
 */
export function replayUntil(events: readonly LoggedEvent[], until: number): ConnectionStore {
  const store = new ConnectionStore({ lingerMs: 0, highlightMs: 0, now: () => 0 });
  const first = events[0]?.time ?? until;
  store.applyBatch({ seq: 0, time: first, full: true, connections: [], events: [], status: REPLAY_STATUS });
  const upto = events.filter((e) => e.time <= until);
  // The picture is of the last poll the recording holds at `until`: rates of that poll's events
  // stand; a row whose last event is older shows none (its rate then is not in the recording).
  let lastPoll = -Infinity;
  for (const e of upto) if (e.time > lastPoll) lastPoll = e.time;
  const applied = upto.map((e) => (e.time === lastPoll ? e : withoutRates(e)));
  store.applyBatch({ seq: 1, time: until, full: false, events: applied, status: { ...REPLAY_STATUS, lastPollAt: until } });
  store.sweep(); // closed rows leave, highlights end: this is a still picture
  store.dispose();
  return store;
}

/** First and last event time of a recording (null when it holds none). */
export function recordingSpan(events: readonly LoggedEvent[]): { from: number; to: number } | null {
  if (events.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const e of events) {
    if (e.time < from) from = e.time;
    if (e.time > to) to = e.time;
  }
  return { from, to };
}
