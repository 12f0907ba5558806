// The renderer's view of one connection: the engine's Connection plus what only the UI tracks.
import type { Connection, ConnectionEvent } from '../../shared/connection';

/** Highlight of a row: new = green, changed = yellow, closed = red (lingers, then leaves). */
export type RowStatus = 'new' | 'changed' | 'closed' | '';

export interface Row {
  id: string;
  /**
   * Order in which the store first saw the row, unique per store and kept for the row's life (a
   * reopened connection starts a new life): sorts break ties with it, a number compare instead of
   * an id string compare.
   */
  seq: number;
  c: Connection;
  /** Epoch ms of the poll in which netmon first saw the connection. */
  firstSeen: number;
  /** True for rows of netmon's first snapshot: they were open before netmon started watching. */
  preexisting: boolean;
  /** Epoch ms of the last opened/changed/closed event (firstSeen until one arrives). */
  lastChange: number;
  status: RowStatus;
  /** Local clock (ms) when `status` was set; drives fading and removal. */
  statusAt: number;
  /**
   * Bumped each time the store writes the row's traffic values in place (counter updates keep the
   * Row and its Connection: see ConnectionStore); absent means 0. Memoized cells compare it with
   * the Row. Every other change makes a new Row.
   */
  rev?: number;
}

/** An event as kept in the log: numbered so views can append incrementally. */
export interface LoggedEvent extends ConnectionEvent {
  seq: number;
}

/** Key of the per-state counters: the TCP state name, or `UDP` for UDP endpoints. */
export function stateKey(c: Connection): string {
  return c.protocol === 'udp' ? 'UDP' : (c.state ?? 'UNKNOWN');
}
