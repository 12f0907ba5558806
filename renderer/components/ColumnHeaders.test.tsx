// @vitest-environment jsdom
// The header row's keyboard moves and its "hidden for width" button (drag and drop is checked in
// Chromium: e2e/header-layout.spec.ts, jsdom has no layout).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { columnsFor } from '../store/columns';
import { ColumnHeaders } from './ColumnHeaders';

afterEach(cleanup);
const all = columnsFor(false);
const keys = all.map((c) => c.key);

function setup(givenWay = 0) {
  const onMove = vi.fn();
  const onSort = vi.fn();
  const columns = all.slice(0, all.length - givenWay);
  render(<ColumnHeaders columns={columns} givenWay={all.slice(all.length - givenWay)} sort={{ key: 'process', dir: 'asc' }} onSort={onSort} onMove={onMove} />);
  return { onMove, onSort, shown: columns.map((c) => c.key) };
}

const headerOf = (label: string) => screen.getAllByRole('columnheader').find((h) => h.textContent?.replace(/[▲▼]/gu, '') === label)!;

describe('ColumnHeaders', () => {
  it('Alt+Right / Alt+Left on a focused header move it one place, never past either end; Enter sorts', () => {
    const { onMove, onSort, shown } = setup();
    const pid = headerOf('PID');
    fireEvent.keyDown(pid, { key: 'ArrowRight', altKey: true });
    expect(onMove).toHaveBeenLastCalledWith('pid', shown.indexOf('pid') + 1, shown);
    fireEvent.keyDown(pid, { key: 'ArrowLeft', altKey: true });
    expect(onMove).toHaveBeenLastCalledWith('pid', shown.indexOf('pid') - 1, shown);
    expect(screen.getByRole('status').textContent).toBe(`PID moved to position ${shown.indexOf('pid')} of ${shown.length}`);
    onMove.mockClear();
    fireEvent.keyDown(headerOf('Process'), { key: 'ArrowLeft', altKey: true });
    fireEvent.keyDown(headerOf(all[all.length - 1].label), { key: 'ArrowRight', altKey: true });
    expect(onMove).not.toHaveBeenCalled();
    // Without Alt, arrows are not moves (the grid's keys stay the grid's).
    fireEvent.keyDown(pid, { key: 'ArrowRight' });
    expect(onMove).not.toHaveBeenCalled();
    // Space is left to the window (it freezes the view, wherever the focus is in the table).
    expect(fireEvent.keyDown(pid, { key: ' ' })).toBe(true);
    expect(onSort).not.toHaveBeenCalled();
    fireEvent.keyDown(pid, { key: 'Enter' });
    expect(onSort).toHaveBeenCalledWith('pid');
  });

  it('Ctrl+Right / Ctrl+Left on a focused header resize its column (Shift: five steps); plain arrows move the focus', () => {
    const onResize = vi.fn();
    const columns = all.slice(0, 4);
    render(<ColumnHeaders columns={columns} givenWay={[]} sort={{ key: 'process', dir: 'asc' }} onSort={vi.fn()} onResize={onResize} />);
    const pid = headerOf('PID');
    // jsdom has no layout: the cell is 0 px wide, so the new width is the step itself.
    fireEvent.keyDown(pid, { key: 'ArrowRight', ctrlKey: true });
    expect(onResize).toHaveBeenLastCalledWith('pid', 10);
    fireEvent.keyDown(pid, { key: 'ArrowRight', ctrlKey: true, shiftKey: true });
    expect(onResize).toHaveBeenLastCalledWith('pid', 50);
    fireEvent.keyDown(pid, { key: 'ArrowLeft', ctrlKey: true });
    expect(onResize).toHaveBeenLastCalledWith('pid', -10);
    expect(onResize).toHaveBeenCalledTimes(3);
    pid.focus();
    fireEvent.keyDown(pid, { key: 'ArrowRight' });
    expect(onResize).toHaveBeenCalledTimes(3);
    expect(document.activeElement).toBe(headerOf(columns[2].label));
  });

  it('says how many columns gave way for width, and lists them on demand', () => {
    setup(3);
    const button = screen.getByRole('button', { name: '3 columns hidden for width' });
    expect(button.textContent).toBe('+3');
    expect(button.getAttribute('title')).toContain(all.slice(-3).map((c) => c.label).join(', '));
    expect(screen.queryByRole('list')).toBeNull();
    fireEvent.click(button);
    const list = screen.getByRole('list', { name: 'Columns hidden for width' });
    for (const c of all.slice(-3)) expect(list.textContent).toContain(c.label);
    fireEvent.keyDown(button, { key: 'Escape' });
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('shows no such button when every column fits', () => {
    setup(0);
    expect(screen.queryByRole('button', { name: /hidden for width/ })).toBeNull();
    expect(keys.length).toBe(screen.getAllByRole('columnheader').length);
  });
});
