// Remembers the process name of every live connection, so that a `closed` event still names its
// owner: by the time a connection is seen gone, its process has often exited and can no longer be
// asked for its name.
import type { Connection, ConnectionEvent } from '../../shared/connection';

export interface OwnerMemory {
  /** Forgets everything and learns a whole table (a full batch). */
  reset(connections: readonly Connection[]): void;
  /** Learns from events and returns them with missing owner names filled in where known. */
  apply(events: readonly ConnectionEvent[]): ConnectionEvent[];
}

export function createOwnerMemory(): OwnerMemory {
  const names = new Map<string, { pid: number | null; process: string }>();
  const learn = (c: Connection): void => {
    if (c.process !== null) names.set(c.id, { pid: c.pid, process: c.process });
  };
  return {
    reset(connections) {
      names.clear();
      for (const c of connections) learn(c);
    },
    apply(events) {
      return events.map((e) => {
        const known = names.get(e.connection.id);
        if (e.type === 'closed') names.delete(e.connection.id);
        if (e.connection.process === null && known && known.pid === e.connection.pid) {
          return { ...e, connection: { ...e.connection, process: known.process } };
        }
        if (e.type !== 'closed') learn(e.connection);
        return e;
      });
    },
  };
}
