// @vitest-environment jsdom
// Which body cells may draw without an overflow clip (`fits`, see Column.fits): geometry is checked
// in Chromium (e2e/cell-fit.spec.ts); here, what the cell holds besides the column's own text.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { columnsFor, type Column } from '../store/columns';
import { EMPTY_SELECTION } from '../store/selection';
import type { Row } from '../store/rows';
import { conn } from '../test/fixtures';
import { LISTEN_NO_REMOTE, NOT_YET, NOTHING_SENT } from '../store/unknownReasons';
import { fakeLayout } from '../test/dom';
import { ConnectionsTable } from './ConnectionsTable';

afterEach(cleanup);
beforeAll(() => fakeLayout());

const noop = () => undefined;
const row = (localPort: number, seq: number): Row => {
  const c = conn({ localPort, pid: 1234567 });
  return { id: c.id, seq, c, firstSeen: 1000, preexisting: false, lastChange: 1000, status: '', statusAt: 0 };
};

function cellsOf(columns: Column[], departure: ((c: Row['c']) => 'new process' | null) | null, rows = [row(5001, 1), row(5002, 2)]) {
  const { container } = render(
    <ConnectionsTable
      rows={rows}
      columns={columns}
      sort={{ key: 'localPort', dir: 'asc' }}
      onSort={noop}
      selection={EMPTY_SELECTION}
      onClickRow={noop}
      onMove={noop}
      onSelectAll={noop}
      onActivate={noop}
      onContextMenu={noop}
      departure={departure}
    />,
  );
  return [...container.querySelectorAll<HTMLElement>('.grid-body .grid-row')].map((r) => [...r.querySelectorAll<HTMLElement>('[role="gridcell"]')]);
}

describe('ConnectionsTable cells drawn without a clip', () => {
  it('a cell that also holds the baseline badge (the first column, whichever it is) keeps its clip', () => {
    // The user moved PID to the front: its 7-digit PID fits 70 px alone, not beside a "NEW" badge.
    const all = columnsFor(false);
    const columns = [all.find((c) => c.key === 'pid')!, ...all.filter((c) => c.key !== 'pid')];
    const rows = cellsOf(columns, (c) => (c.localPort === 5001 ? 'new process' : null));
    expect(rows.length).toBe(2);
    const [badged, plain] = rows;
    expect(badged[0].querySelector('.baseline-badge')).not.toBeNull();
    expect(badged[0].classList.contains('col-pid')).toBe(true);
    expect(badged[0].classList.contains('fits')).toBe(false);
    // The row without a badge, and the badged row's other cells, still draw unclipped.
    expect(plain[0].querySelector('.baseline-badge')).toBeNull();
    expect(plain[0].classList.contains('fits')).toBe(true);
    expect(badged.find((c) => c.classList.contains('col-localPort'))!.classList.contains('fits')).toBe(true);
  });
});

describe('ConnectionsTable Limited by', () => {
  it('"—" saying nothing was sent on an idle or receiving connection with known rates; blank "not known yet" only on its first poll', () => {
    const at = (localPort: number, seq: number, p: Partial<Row['c']>): Row => {
      const c = conn({ localPort, bytesSent: 100, bytesReceived: 5000, ...p });
      return { id: c.id, seq, c, firstSeen: 1000, preexisting: false, lastChange: 1000, status: '', statusAt: 0 };
    };
    const rows = [
      at(47001, 1, { sendRate: 0, receiveRate: 0, limitedBy: null }),
      at(47002, 2, { sendRate: 0, receiveRate: 80_000, limitedBy: null }),
      at(47003, 3, { sendRate: null, receiveRate: null, limitedBy: null }),
      at(47004, 4, { sendRate: 9000, receiveRate: 0, limitedBy: 'network' }),
    ];
    const limited = cellsOf(columnsFor(false, true), null, rows).map((cells) => cells.find((c) => c.classList.contains('col-limitedBy'))!);
    for (const cell of limited.slice(0, 2)) {
      expect(cell.textContent).toBe('—');
      expect(cell.querySelector('[title]')!.getAttribute('title')).toBe(NOTHING_SENT);
    }
    expect(limited[2].textContent).toBe('');
    expect(limited[2].querySelector('[title]')!.getAttribute('title')).toBe(NOT_YET);
    expect(limited[3].textContent).toBe('network');
  });
});

describe('ConnectionsTable remote endpoint of a listener', () => {
  it('"—" with why for a LISTEN row (the OS reports 0.0.0.0 / :: and port 0); a connection shows its peer', () => {
    const at = (seq: number, p: Parameters<typeof conn>[0]): Row => {
      const c = conn(p);
      return { id: c.id, seq, c, firstSeen: 1000, preexisting: false, lastChange: 1000, status: '', statusAt: 0 };
    };
    const rows = [
      at(1, { localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN' }),
      at(2, { localPort: 8080, family: 6, localAddress: '::', remoteAddress: '::', remotePort: 0, state: 'LISTEN' }),
      at(3, { localPort: 8080, remoteAddress: '10.0.0.7', remotePort: 51000 }),
    ];
    const cells = cellsOf(columnsFor(false), null, rows).map((r) => ['col-remoteAddress', 'col-remotePort'].map((k) => r.find((c) => c.classList.contains(k))!));
    for (const listener of cells.slice(0, 2)) {
      for (const cell of listener) {
        expect(cell.textContent).toBe('—');
        expect(cell.querySelector('[title]')!.getAttribute('title')).toBe(LISTEN_NO_REMOTE);
      }
    }
    expect(cells[2].map((c) => c.textContent)).toEqual(['10.0.0.7', '51000']);
  });
});
