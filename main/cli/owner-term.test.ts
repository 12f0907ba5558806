// A socket netmon cannot name an owner for is named one way in every CLI output that names owners:
// the snapshot table, watch / replay lines, top --processes and ports (shared/format UNKNOWN_OWNER).
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from '../../shared/connection';
import { parseFilter } from '../../shared/filter';
import { formatEventText, formatTable, processShareText } from '../../shared/format';
import { portUsageReport } from '../../shared/ports';
import { rollUpProcesses } from '../../shared/processes';
import { formatPortsReport } from './ports';
import { formatProcessTrafficTable, formatTrafficTable } from './traffic-table';

function row(over: Partial<Connection>): Connection {
  const c: Omit<Connection, 'id'> = { protocol: 'tcp', family: 4, localAddress: '10.0.0.1', localPort: 50001, remoteAddress: '10.0.0.9', remotePort: 443, state: 'ESTABLISHED', pid: null, process: null, ...over };
  return { id: connectionKey(c), ...c };
}
/** Another user's socket seen without root (no PID), and one whose process could not be read. */
const NO_PID = row({});
const NO_NAME = row({ localPort: 50002, pid: 4321 });

describe('an owner netmon cannot name', () => {
  it('reads (unknown) in the snapshot tables', () => {
    for (const text of [formatTable([NO_PID, NO_NAME]), formatTrafficTable([NO_PID, NO_NAME])]) {
      const [, a, b] = text.split('\n');
      expect(a).toMatch(/ — +\(unknown\)$/);
      expect(b).toMatch(/ 4321 +\(unknown\)$/);
    }
  });

  it('reads (unknown) in watch and replay lines', () => {
    expect(formatEventText({ type: 'opened', time: 0, connection: NO_PID }, { utc: true })).toBe('00:00:00.000Z OPENED  tcp 10.0.0.1:50001→10.0.0.9:443 ESTABLISHED pid — (unknown)\n');
  });

  it('reads (unknown) in top --processes and ports', () => {
    const [, first] = formatProcessTrafficTable(rollUpProcesses([NO_PID])).split('\n');
    expect(first).toMatch(/\(unknown\)$/);
    const ports = formatPortsReport(portUsageReport([NO_PID, NO_NAME], { ranges: { tcp: { low: 49152, high: 65535 }, udp: { low: 49152, high: 65535 } } }), 'test', null);
    expect(ports).toMatch(/processes: +\(unknown\) 1, \(unknown\) \(4321\) 1\n/);
  });

  it('the filter finds it by the word it is shown with', () => {
    const r = parseFilter('"(unknown)"');
    if (!r.ok) throw new Error(r.error.message);
    const named = row({ localPort: 50003, pid: 7, process: 'curl' });
    expect([NO_PID, NO_NAME, named].map((c) => r.filter.match(c))).toEqual([true, true, false]);
  });

  // A Linux process can name itself anything up to 15 characters (prctl PR_SET_NAME, or a file
  // named so), Windows runs a file of any name: a process called (unknown) must not pass as one
  // netmon cannot name, nor one called TIME-WAIT (no owner) as the ownerless TIME-WAIT rows.
  it('a process really named (unknown) or TIME-WAIT (no owner) reads apart from it, quoted', () => {
    const named = row({ localPort: 50004, pid: 666, process: '(unknown)' });
    const waitNamed = row({ localPort: 50005, pid: 667, process: 'TIME-WAIT (no owner)' });
    const [, a, b, c] = formatTable([NO_NAME, named, waitNamed]).split('\n');
    expect(a).toMatch(/ 4321 +\(unknown\)$/);
    expect(b).toMatch(/ 666 +"\(unknown\)"$/);
    expect(c).toMatch(/ 667 +"TIME-WAIT \(no owner\)"$/);
    expect(formatEventText({ type: 'opened', time: 0, connection: named }, { utc: true })).toMatch(/pid 666 "\(unknown\)"\n$/);
    const [, first] = formatProcessTrafficTable(rollUpProcesses([named])).split('\n');
    expect(first).toMatch(/"\(unknown\)"$/);
    expect(processShareText({ process: '(unknown)', pid: 666, sockets: 1 })).toBe('"(unknown)" (666) 1');
    // and the Processes roll-up keeps such a process a process, not the ownerless TIME-WAIT group
    expect(rollUpProcesses([waitNamed])[0]).toMatchObject({ key: '667', pid: 667, name: '"TIME-WAIT (no owner)"' });
    // proc: reads the process name as the OS gives it, so it tells them apart.
    const r = parseFilter('proc:"(unknown)"');
    if (!r.ok) throw new Error(r.error.message);
    expect([NO_PID, NO_NAME, named].map((c) => r.filter.match(c))).toEqual([false, false, true]);
  });

  it('the ownerless TIME-WAIT rows keep their term, unquoted', () => {
    const tw = row({ localPort: 50006, state: 'TIME-WAIT', pid: 0, process: 'System Idle Process' });
    expect(formatTable([tw]).split('\n')[1]).toMatch(/ 0 +TIME-WAIT \(no owner\)$/);
  });
});
