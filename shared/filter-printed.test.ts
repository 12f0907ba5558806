// Every text netmon prints for a row (shared/format.ts: the CLI table, watch lines, CSV cells,
// endpoints with %scope), pasted into the filter as a free word or addr: value, finds that row —
// and an addr: value with a scope finds only that scope (issue 8).
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from './connection';
import { parseFilter } from './filter';
import { CONNECTION_CSV_HEADER, connectionCsvValues, formatEndpoint, hasRemoteSide, localEndpoint, remoteEndpoint, scopedAddress, tableCells } from './format';
import { UNKNOWN_MARK } from './units';

function row(over: Partial<Connection> & Pick<Connection, 'localAddress' | 'localPort'>): Connection {
  const c: Omit<Connection, 'id'> = { protocol: 'tcp', family: over.localAddress.includes(':') ? 6 : 4, remoteAddress: null, remotePort: null, state: 'ESTABLISHED', pid: 4242, process: 'svc.exe', ...over };
  return { id: connectionKey(c), ...c };
}

const ROWS: Connection[] = [
  row({ localAddress: '192.0.2.10', localPort: 51515, remoteAddress: '1.2.3.4', remotePort: 80 }),
  row({ localAddress: 'fe80::1', localPort: 22, localScopeId: 2, remoteAddress: 'fe80::99', remotePort: 52000, remoteScopeId: 2 }),
  row({ localAddress: 'fe80::1', localPort: 22, localScopeId: 3, remoteAddress: 'fe80::99', remotePort: 52000, remoteScopeId: 3 }),
  row({ localAddress: '::1', localPort: 8443, remoteAddress: '::', remotePort: 0, state: 'LISTEN' }),
  row({ localAddress: '0.0.0.0', localPort: 8081, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN' }),
  row({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 5353, state: null }),
  row({ localAddress: '::ffff:10.1.1.1', localPort: 3000, remoteAddress: '::ffff:10.2.2.2', remotePort: 40001 }),
  row({ localAddress: '127.0.0.1', localPort: 40002, remoteAddress: '127.0.0.1', remotePort: 8081, state: 'TIME-WAIT', pid: 0, process: null }),
];

/**
 * The row's CSV cells, but for a listener's remote address and port: the OS's 0.0.0.0:0 / [::]:0
 * placeholder CSV keeps for machines is no remote side a person reads (hasRemoteSide), so a free
 * word does not find a listener by it (`0.0.0.0` finds what is bound to every address).
 */
function csvCellsShown(c: Connection): string[] {
  const skip = hasRemoteSide(c) ? [] : ['remoteAddress', 'remotePort'];
  return connectionCsvValues(c)
    .filter((v, i): v is string | number => v !== null && v !== '' && !skip.includes(CONNECTION_CSV_HEADER[i]))
    .map(String);
}

const asWord = (t: string): string => (/[\s()|"]/.test(t) ? `"${t.replace(/["\\]/g, '\\$&')}"` : t);

function finds(expr: string, c: Connection): boolean {
  const r = parseFilter(expr);
  if (!r.ok) throw new Error(`${expr}: ${r.error.message}`);
  return r.filter.match(c);
}

describe('printed text pasted into the filter finds its row', () => {
  it.each(ROWS.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const endpoints = [localEndpoint(c), remoteEndpoint(c)];
    const texts = [
      ...endpoints,
      `${localEndpoint(c)}→${remoteEndpoint(c)}`,
      ...tableCells(c).filter((t) => t !== UNKNOWN_MARK),
      ...csvCellsShown(c),
    ];
    for (const t of texts) expect(finds(asWord(t), c), `word ${t}`).toBe(true);
    for (const t of [...endpoints, scopedAddress(c.localAddress, c.localScopeId)!]) expect(finds(`addr:${t}`, c), `addr:${t}`).toBe(true);
    if (c.remoteAddress !== null && c.state !== 'LISTEN') expect(finds(`addr:${scopedAddress(c.remoteAddress, c.remoteScopeId)}`, c)).toBe(true);
  });

  it('a scoped address or endpoint finds only its scope', () => {
    const [, s2, s3] = ROWS;
    for (const t of ['fe80::1%2', '[fe80::1%2]:22', formatEndpoint('fe80::99', 52000, 2)]) {
      expect([finds(`addr:${t}`, s2), finds(`addr:${t}`, s3)], t).toEqual([true, false]);
      expect([finds(t, s2), finds(t, s3)], t).toEqual([true, false]);
    }
    expect([finds('addr:fe80::1', s2), finds('addr:fe80::1', s3)]).toEqual([true, true]);
  });
});
