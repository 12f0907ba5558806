// Why the Connections table shows nothing, decided in one place as the Events view's is
// (views/events/emptyEvents.ts): "No connections match." said over an empty table before the first
// poll, or over a recording's moment with none open, blamed a filter that hid nothing.
import { formatTime } from '../../store/columns';
import type { LinkState } from '../../app/useLiveData';

export interface ConnectionsEmptyInput {
  /** Rows the table draws from before the filter: the live table's, or the recording's at its moment. */
  held: number;
  /** What hides rows, as said to the user (EventsEmptyInput.hiddenBy); null: nothing. */
  hiddenBy: string | null;
  /** The recording on screen and the moment its table shows (epoch ms), or null (live). */
  recording: { name: string; at: number | null } | null;
  /** Live: whether the engine has completed a poll (its table is known). */
  polled: boolean;
  /** Browser mode: the link to netmon (LiveData.connState); null or absent in the desktop app. */
  link?: LinkState | null;
}

/** The sentence the Connections table shows when it lists no row. */
export function connectionsEmptyText(i: ConnectionsEmptyInput): string {
  const hidden = i.hiddenBy ?? 'the filter';
  if (i.held === 1) return `The one connection does not match ${hidden}.`;
  if (i.held > 0) return `None of the ${i.held.toLocaleString('en-US')} connections match ${hidden}.`;
  if (i.recording) return i.recording.at === null ? `The recording ${i.recording.name} holds no connection.` : `No connection of the recording is open at ${formatTime(i.recording.at)}.`;
  if (i.polled) return 'No connections are open.';
  // Before the first table: what the tab waits for, as its status bar says it (not a poll that is not coming).
  if (i.link === 'busy') return 'No connections yet: too many netmon tabs are open; this one gets in when another closes.';
  if (i.link === 'closed') return 'No connections yet: not connected to netmon, retrying…';
  return 'No connections yet: waiting for the first poll.';
}
