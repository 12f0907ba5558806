import { describe, expect, it } from 'vitest';
import { eventsToCsv, exportFileName, rowsToCsv, rowsToJson, rowsToTsv } from './exporter';
import { columnsFor } from './columns';
import type { Row } from './rows';
import { conn } from '../test/fixtures';
import { CONNECTION_JSON_FIELDS } from '../../shared/connection';

const r = (c: ReturnType<typeof conn>, p: Partial<Row> = {}): Row => ({ id: c.id, seq: 0, c, firstSeen: Date.UTC(2024, 0, 2, 3, 4, 5), preexisting: false, lastChange: Date.UTC(2024, 0, 2, 3, 4, 6), status: 'new', statusAt: 0, ...p });

describe('export', () => {
  const rows = [r(conn({ localPort: 80, process: 'we,ird "name"', pid: 7 })), r(conn({ protocol: 'udp', family: 6, localAddress: '::1', localPort: 53 }))];

  it('CSV has every CLI field first (store times where the engine set none), then the row status, quoted per RFC 4180', () => {
    const lines = rowsToCsv(rows).split('\r\n');
    expect(lines[0]).toBe([...CONNECTION_JSON_FIELDS, 'status'].join(','));
    const times = '2024-01-02T03:04:05.000Z,2024-01-02T03:04:06.000Z,false';
    expect(lines[1]).toBe(`tcp,4,127.0.0.1,80,,127.0.0.1,50000,,ESTABLISHED,7,"we,ird ""name""",,,,${times}${','.repeat(11)},new`);
    expect(lines[2]).toBe(`udp,6,::1,53,,,,,,100,node,,,,${times}${','.repeat(11)},new`);
    expect(lines[3]).toBe('');
  });

  it('JSON is an array of objects with the same fields', () => {
    const parsed = JSON.parse(rowsToJson(rows)) as Record<string, unknown>[];
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ protocol: 'tcp', localPort: 80, process: 'we,ird "name"', firstSeenAt: '2024-01-02T03:04:05.000Z', status: 'new' });
    expect(Object.keys(parsed[0])).toEqual([...CONNECTION_JSON_FIELDS, 'status']);
    expect(parsed[1]).toMatchObject({ protocol: 'udp', remoteAddress: null, state: null });
  });

  it('copy is tab-separated with a header, tabs in values flattened', () => {
    const tsv = rowsToTsv([r(conn({ localPort: 1, process: 'a\tb' }))], columnsFor(false).slice(0, 5));
    expect(tsv).toBe('Process\tPID\tProto\tLocal Address\tLocal Port\na b\t100\tTCP\t127.0.0.1\t1\n');
  });

  it('events CSV and file names', () => {
    const c = conn({ localPort: 5 });
    const csv = eventsToCsv([{ type: 'opened', time: Date.UTC(2024, 0, 1), connection: c, seq: 1 }]);
    expect(csv.split('\r\n')[1]).toMatch(/^2024-01-01T00:00:00.000Z,opened,tcp,4,127.0.0.1,5,/);
    expect(exportFileName('connections', 'csv', Date.UTC(2024, 4, 1, 12, 30, 5))).toBe('netmon-connections-2024-05-01T12-30-05.csv');
  });
});
