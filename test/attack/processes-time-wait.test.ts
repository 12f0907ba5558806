// The 'TIME-WAIT (no owner)' group holds rows of PID null and PID 0 alike, but carries the PID of
// whichever came first. App.tsx turns a click on a group into the filter `pid:<pid>`: for this group
// that is `pid:0` when a PID-0 TIME-WAIT row came first (Windows), which lists every PID-0 row (the
// ones the commit took out of this group) and none of the PID-null TIME-WAIT rows; with a PID-null
// row first the same group does nothing on click. The group is no process: its pid must not depend on order.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/connection';
import { rollUpProcesses } from '../../shared/processes';

const row = (id: string, pid: number | null, state: Connection['state']): Connection =>
  ({
    id,
    protocol: 'tcp',
    family: 4,
    localAddress: '10.0.0.1',
    localPort: 50000 + Number(id.slice(1)),
    remoteAddress: '10.0.0.2',
    remotePort: 443,
    state,
    pid,
    process: pid === 0 ? 'System Idle Process' : null,
  }) as unknown as Connection;

describe('TIME-WAIT (no owner) group', () => {
  it('has the same pid whichever ownerless TIME-WAIT row comes first, and not one that names other rows', () => {
    const a = rollUpProcesses([row('r1', 0, 'TIME-WAIT'), row('r2', null, 'TIME-WAIT'), row('r3', 0, 'LISTEN')]);
    const b = rollUpProcesses([row('r2', null, 'TIME-WAIT'), row('r1', 0, 'TIME-WAIT'), row('r3', 0, 'LISTEN')]);
    const tw = (rows: ReturnType<typeof rollUpProcesses>) => rows.find((r) => r.name === 'TIME-WAIT (no owner)');
    expect(tw(a)?.connections).toBe(2);
    expect(tw(a)?.pid).toBe(tw(b)?.pid);
    // pid 0 would select (pid:0) the PID-0 listener that is not in this group.
    expect(tw(a)?.pid).not.toBe(0);
  });
});
