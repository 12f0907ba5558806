// Why the Connections table shows nothing, decided in one place as the Events view's is
// (views/events/emptyEvents.ts): "No connections match." said over an empty table before the first
// poll, or over a recording's moment with none open, blamed a filter that hid nothing.
import { formatTime } from '../../store/columns';

export interface ConnectionsEmptyInput {
  /** Rows the table draws from before the filter: the live table's, or the recording's at its moment. */
  held: number;
  /** What hides rows, as said to the user (EventsEmptyInput.hiddenBy); null: nothing. */
  hiddenBy: string | null;
  /** The recording on screen and the moment its table shows (epoch ms), or null (live). */
  recording: { name: string; at: number | null } | null;
  /** Live: whether the engine has completed a poll (its table is known). */
  polled: boolean;
}

/** The sentence the Connections table shows when it lists no row. */
export function connectionsEmptyText(i: ConnectionsEmptyInput): string {
  const hidden = i.hiddenBy ?? 'the filter';
  if (i.held === 1) return `The one connection does not match ${hidden}.`;
  if (i.held > 0) return `None of the ${i.held.toLocaleString('en-US')} connections match ${hidden}.`;
  if (i.recording) return i.recording.at === null ? `The recording ${i.recording.name} holds no connection.` : `No connection of the recording is open at ${formatTime(i.recording.at)}.`;
  return i.polled ? 'No connections are open.' : 'No connections yet: waiting for the first poll.';
}
