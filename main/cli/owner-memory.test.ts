import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import { createOwnerMemory } from './owner-memory';

function conn(port: number, pid: number | null, process: string | null): Connection {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: port, remoteAddress: '127.0.0.1', remotePort: 80,
    state: 'ESTABLISHED', pid, process,
  };
  return { id: connectionKey(c), ...c };
}
const ev = (type: ConnectionEvent['type'], connection: Connection): ConnectionEvent => ({ type, time: 1, connection });

describe('createOwnerMemory', () => {
  it('names the owner of a closed connection from the table or an earlier event', () => {
    const m = createOwnerMemory();
    m.reset([conn(1, 10, 'alpha')]);
    const [a, b] = m.apply([ev('opened', conn(2, 20, 'beta')), ev('closed', conn(1, 10, null))]);
    expect(a.connection.process).toBe('beta');
    expect(b.connection.process).toBe('alpha');
    expect(m.apply([ev('closed', conn(2, 20, null))])[0].connection.process).toBe('beta');
  });

  it('does not name a different owner, and forgets closed connections', () => {
    const m = createOwnerMemory();
    m.reset([conn(1, 10, 'alpha')]);
    expect(m.apply([ev('closed', conn(1, 0, null))])[0].connection.process).toBeNull();
    expect(m.apply([ev('closed', conn(1, 10, null))])[0].connection.process).toBeNull();
    m.reset([conn(3, 30, 'gamma')]);
    m.reset([]);
    expect(m.apply([ev('closed', conn(3, 30, null))])[0].connection.process).toBeNull();
  });
});
