// Why the Events view shows nothing: one decision for every case, so the view never says "No events
// yet." over a run of hundreds of events that a filter or a timeline span hides (found by a new
// admin), and says when the span asked for is older than what the window keeps.
import { formatTime } from '../../store/columns';
import { spanText } from '../timeline/spanLabel';

export interface EventsEmptyInput {
  /** Events the view draws from before any filter or span: the live log's, or the recording's. */
  held: number;
  /** Time of the oldest of them (epoch ms); null when none. */
  oldestHeldAt: number | null;
  /** The run's events not held (EventLog.dropped); 0 for a recording, which holds all of its own. */
  dropped: number;
  /** The window's capacity in events (EventLog.capacity), said when older ones were not kept. */
  capacity: number;
  /** Held events inside `span` (filters aside); ignored without a span. */
  heldInSpan: number;
  /** The timeline span selected (epoch ms, inclusive), or null. */
  span: readonly [number, number] | null;
  /** What hides events besides the span, as said to the user (e.g. "the filter"); null: nothing. */
  hiddenBy: string | null;
  /** The recording's name when one is shown, else null (live). */
  recording: string | null;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The sentence the Events view shows when it lists nothing, naming the reason: nothing happened
 * yet, a recording with no events, a span older than the kept events (with how many are not kept),
 * a span with no event, or a filter that matches none of the events held.
 */
export function eventsEmptyText(i: EventsEmptyInput): string {
  const hidden = i.hiddenBy ?? 'the filter';
  if (i.held === 0 && i.dropped === 0) return i.recording !== null ? `The recording ${i.recording} holds no events.` : 'No events yet.';
  const notKept = `this window keeps the newest ${count(i.capacity, 'event')} of the run, and ${i.dropped.toLocaleString('en-US')} older ones are not kept (Record keeps every event to a file).`;
  if (i.span) {
    const [from, to] = i.span;
    // Named as the timeline's label names it (spanText): one span, one name.
    const span = spanText(from, to);
    if (i.heldInSpan === 1) return `The one event ${span} does not match ${hidden}.`;
    if (i.heldInSpan > 0) return `None of the ${count(i.heldInSpan, 'event')} ${span} match ${hidden}.`;
    if (i.dropped > 0 && (i.oldestHeldAt === null || from < i.oldestHeldAt)) {
      const kept = i.oldestHeldAt === null ? 'none is kept' : `the oldest kept is from ${formatTime(i.oldestHeldAt)}`;
      return to < (i.oldestHeldAt ?? Infinity)
        ? `The events ${span} are older than the kept ones (${kept}): ${notKept}`
        : `No kept event ${span}: those before ${formatTime(i.oldestHeldAt as number)} are older than the kept ones; ${notKept}`;
    }
    return `No events ${span}${i.recording !== null ? ' in the recording' : ''}.`;
  }
  if (i.held === 0) return `No event is kept: ${notKept}`;
  if (i.held === 1) return `The ${i.recording !== null ? 'recording’s one event' : 'one event kept'} does not match ${hidden}.`;
  const what = i.recording !== null ? `the recording’s ${count(i.held, 'event')}` : `the ${count(i.held, 'event')} kept`;
  return `None of ${what} match ${hidden}.`;
}

/** `held`, `oldestHeldAt` and `heldInSpan` of EventsEmptyInput, from the events held (oldest first). */
export function heldFacts(events: readonly { time: number }[], span: readonly [number, number] | null): Pick<EventsEmptyInput, 'held' | 'oldestHeldAt' | 'heldInSpan'> {
  let heldInSpan = 0;
  let oldest = Infinity;
  for (const e of events) {
    if (e.time < oldest) oldest = e.time;
    if (span && e.time >= span[0] && e.time <= span[1]) heldInSpan++;
  }
  return { held: events.length, oldestHeldAt: events.length === 0 ? null : oldest, heldInSpan };
}

/** What hides events besides the span, as EventsEmptyInput.hiddenBy says it; null when nothing does. */
export function hiddenByText(filtered: boolean, toggled: boolean, baselineOnly: boolean): string | null {
  const parts = [filtered && 'the filter', toggled && 'the quick toggles', baselineOnly && '“Only not in baseline”'].filter((p): p is string => typeof p === 'string');
  return parts.length === 0 ? null : parts.join(' and ');
}
