// TIME-WAIT rows have no owner: every text output and the UI say so instead of "unknown" / "System Idle Process".
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from './connection';
import { parseFilter } from './filter';
import { formatEventText, formatTable, NO_OWNER_TIME_WAIT, ownerLabel, processShareText, shownProcessName } from './format';
import { isPortUsageSample } from './port-usage';
import { portUsageReport } from './ports';
import { processGroupKey, rollUpProcesses } from './processes';
import { formatPortsReport } from '../main/cli/ports';

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

const ranges = { tcp: { low: 49152, high: 65535 }, udp: { low: 49152, high: 65535 } };
/** `n` client sockets from 10.0.0.1 in the dynamic range, all `over`. */
const clients = (n: number, over: Partial<Connection>, from = 50000): Connection[] =>
  Array.from({ length: n }, (_, i) => conn({ ...base, localPort: from + i, remotePort: 443, state: 'ESTABLISHED', pid: null, process: null, ...over }));

describe('one owner rule for the Ports report (netmon ports, the Ports tab)', () => {
  it('names ownerless TIME-WAIT sockets as every other view does, not (unknown), on Linux and Windows alike', () => {
    // 38 TIME-WAIT sockets: Linux lists them with no PID, Windows under PID 0 (System Idle Process).
    const rows = [...clients(30, { state: 'TIME-WAIT' }), ...clients(8, { state: 'TIME-WAIT', pid: 0, process: 'System Idle Process' }, 51000)];
    const [a] = portUsageReport(rows, { ranges }).addresses;
    expect(a.topProcesses).toEqual([{ process: null, pid: null, ownerless: 'TIME-WAIT', sockets: 38 }]);
    expect(a.topProcesses.map(processShareText)).toEqual(['TIME-WAIT (no owner) 38']);
    expect(formatPortsReport(portUsageReport(rows, { ranges }), 'test', null)).toMatch(/processes: +TIME-WAIT \(no owner\) 38\n/);
  });

  it('keeps real owners, unknown owners and ownerless sockets apart', () => {
    const rows = [
      ...clients(3, { pid: 7, process: 'curl' }),
      ...clients(2, {}, 50100), // another user's sockets, seen without root
      ...clients(4, { state: 'TIME-WAIT' }, 50200),
      ...clients(1, { state: 'TIME-WAIT', pid: 7, process: 'curl' }, 50300), // still held (Windows, briefly)
    ];
    const shares = portUsageReport(rows, { ranges }).addresses[0].topProcesses.map(processShareText);
    expect(shares.sort()).toEqual(['(unknown) 2', 'TIME-WAIT (no owner) 4', 'curl (7) 4'].sort());
  });

  it('crosses a process boundary as a valid sample, and a malformed ownerless is refused', () => {
    const [a] = portUsageReport(clients(2, { state: 'TIME-WAIT' }), { ranges }).addresses;
    const sample = { time: 1, omitted: 0, ranges: { ranges, origin: 'test', known: true }, addresses: [a] };
    expect(isPortUsageSample(JSON.parse(JSON.stringify(sample)))).toBe(true);
    const bad = { ...sample, addresses: [{ ...a, topProcesses: [{ process: null, pid: null, ownerless: 'ASLEEP', sockets: 2 }] }] };
    expect(isPortUsageSample(bad)).toBe(false);
  });
});

describe('orphaned closing sockets (the process closed its end)', () => {
  it('are named as having no owner where the OS says so (PID 0), in every view', () => {
    const orphan = conn({ ...base, state: 'FIN-WAIT-2', pid: 0, process: 'System Idle Process' });
    expect(ownerLabel(orphan)).toBe('FIN-WAIT-2 (no owner)');
    expect(ownerLabel({ state: 'LAST-ACK', pid: 0, process: null })).toBe('LAST-ACK (no owner)');
    expect(formatTable([orphan]).split('\n')[1]).toMatch(/ 0 +FIN-WAIT-2 \(no owner\)$/);
    const [p] = rollUpProcesses([orphan]);
    expect(p).toMatchObject({ key: 'no-owner:FIN-WAIT-2', pid: null, name: 'FIN-WAIT-2 (no owner)' });
    expect(processGroupKey(orphan)).not.toBe(processGroupKey({ ...orphan, state: 'TIME-WAIT' }));
    const [a] = portUsageReport(clients(3, { state: 'FIN-WAIT-2', pid: 0, process: 'System Idle Process' }), { ranges }).addresses;
    expect(a.topProcesses.map(processShareText)).toEqual(['FIN-WAIT-2 (no owner) 3']);
  });

  it('stay (unknown) with no PID at all: the row cannot tell an orphan from an owner netmon may not read', () => {
    expect(ownerLabel({ state: 'FIN-WAIT-2', pid: null, process: null })).toBeNull();
    expect(ownerLabel({ state: 'FIN-WAIT-2', pid: 42, process: 'node' })).toBe('node'); // shutdown(SHUT_WR), still open
    expect(ownerLabel({ state: 'ESTABLISHED', pid: 0, process: 'System Idle Process' })).toBe('System Idle Process');
  });

  it('the Linux source\'s socket with no file (PID 0, no name) has no owner in any TCP state; no PID stays (unknown)', () => {
    // netlink / procfs inode 0: an orphan after close(), or a connection still in a listener's accept queue.
    const orphan = conn({ ...base, state: 'FIN-WAIT-2', pid: 0, process: null });
    const backlog = conn({ ...base, localPort: 446, state: 'ESTABLISHED', pid: 0, process: null });
    const hidden = conn({ ...base, localPort: 447, state: 'FIN-WAIT-2', pid: null, process: null }); // another user's, without root
    expect([orphan, backlog, hidden].map(ownerLabel)).toEqual(['FIN-WAIT-2 (no owner)', 'ESTABLISHED (no owner)', null]);
    const [, a, b, c] = formatTable([orphan, backlog, hidden]).split('\n');
    expect(a).toMatch(/ 0 +FIN-WAIT-2 \(no owner\)$/);
    expect(b).toMatch(/ 0 +ESTABLISHED \(no owner\)$/);
    expect(c).toMatch(/ — +\(unknown\)$/);
    expect(ownerLabel({ state: null, pid: 0, process: null })).toBeNull(); // UDP has no state to name it by
    const match = (expr: string) => {
      const r = parseFilter(expr);
      if (!r.ok) throw new Error(r.error.message);
      return [orphan, backlog, hidden].map((x) => r.filter.match(x));
    };
    expect(match('owner:none')).toEqual([true, true, false]);
    expect(match('owner:unknown')).toEqual([false, false, true]);
    expect(match('"(unknown)"')).toEqual([false, false, true]);
    expect(match('"no owner"')).toEqual([true, true, false]);
    const [r] = portUsageReport(clients(2, { state: 'FIN-WAIT-2', pid: 0, process: null }), { ranges }).addresses;
    expect(r.topProcesses).toEqual([{ process: null, pid: null, ownerless: 'FIN-WAIT-2', sockets: 2 }]);
  });

  it('owner: takes none or unknown, with a pointed error otherwise', () => {
    const r = parseFilter('owner:nginx');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/bad owner "nginx": expected none .* or unknown/);
    expect(parseFilter('owner:NONE').ok).toBe(true);
  });

  it('a process named like a no-owner term is quoted', () => {
    expect(shownProcessName('FIN-WAIT-2 (no owner)')).toBe('"FIN-WAIT-2 (no owner)"');
    expect(shownProcessName('x (no owner)')).toBe('x (no owner)');
  });
});
