// TIME-WAIT rows have no owner: every text output and the UI say so instead of "unknown" / "System Idle Process".
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from './connection';
import { formatEventText, formatTable, NO_OWNER_TIME_WAIT, ownerLabel } from './format';

const conn = (c: Omit<Connection, 'id'>): Connection => ({ id: connectionKey(c), ...c });
const base = { protocol: 'tcp', family: 4, localAddress: '10.0.0.1', localPort: 445, remoteAddress: '10.0.0.2', remotePort: 50000 } as const;
// Windows lists a TIME-WAIT connection under PID 0, which its name table calls System Idle Process.
const windowsTw = conn({ ...base, state: 'TIME-WAIT', pid: 0, process: 'System Idle Process' });
// Linux: a TIME-WAIT socket has no inode, so no owner at all.
const linuxTw = conn({ ...base, state: 'TIME-WAIT', pid: null, process: null });

describe('ownerLabel', () => {
  it('labels TIME-WAIT rows without an owner as such, on Windows (PID 0) and Linux (none)', () => {
    expect(NO_OWNER_TIME_WAIT).toBe('TIME-WAIT (no owner)');
    expect(ownerLabel(windowsTw)).toBe('TIME-WAIT (no owner)');
    expect(ownerLabel(linuxTw)).toBe('TIME-WAIT (no owner)');
  });

  it('leaves owned rows and unknown owners of other states alone', () => {
    expect(ownerLabel({ state: 'ESTABLISHED', pid: 42, process: 'node' })).toBe('node');
    expect(ownerLabel({ state: 'ESTABLISHED', pid: null, process: null })).toBeNull();
    expect(ownerLabel({ state: 'TIME-WAIT', pid: 42, process: 'node' })).toBe('node'); // still held (Windows, briefly)
    expect(ownerLabel({ state: null, pid: 0, process: 'System Idle Process' })).toBe('System Idle Process');
  });

  it('is what the text table and watch lines print', () => {
    expect(formatTable([windowsTw, linuxTw]).split('\n').slice(1, 3).map((l) => l.trimEnd().split(/\s{2,}/).pop())).toEqual([
      'TIME-WAIT (no owner)',
      'TIME-WAIT (no owner)',
    ]);
    expect(formatEventText({ type: 'changed', time: 0, connection: windowsTw, previousState: 'ESTABLISHED', previousPid: 4 }, { utc: true })).toMatch(
      / pid 4→0 TIME-WAIT \(no owner\)\n$/,
    );
  });
});
