// @vitest-environment jsdom
// The timeline chart by keyboard (jsdom draws no chart, but the control and its keys are the
// same): arrows move a cursor, Shift+arrows extend a span, Enter applies it as a drag over the
// same samples does (e2e/keys.spec.ts compares the two in Chromium), Escape clears.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { TimelineSample } from '../../../shared/timeline';
import { fakeLayout } from '../../test/dom';
import { TimelineView } from './TimelineView';
import { clockTime } from './spanLabel';

beforeAll(() => fakeLayout());
afterEach(cleanup);

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const samples: TimelineSample[] = Array.from({ length: 6 }, (_, i) => ({
  time: T0 + i * 1000,
  spanMs: i === 0 ? 0 : 1000,
  counts: [10 + i, 1, 0, 0, 0, 0],
  opened: 1,
  closed: 0,
  sendRate: null,
  receiveRate: null,
}));

function setup() {
  const onRange = vi.fn();
  function Host() {
    const [range, setRange] = useState<[number, number] | null>(null);
    return (
      <TimelineView
        samples={samples}
        theme="light"
        range={range}
        onRange={(r) => {
          onRange(r);
          setRange(r);
        }}
        source="live"
      />
    );
  }
  render(<Host />);
  const chart = screen.getByRole('slider', { name: /Timeline cursor/ });
  return { onRange, chart, key: (key: string, shift = false) => fireEvent.keyDown(chart, { key, shiftKey: shift }) };
}

describe('timeline chart keys', () => {
  it('is one Tab stop, a slider over the samples that reads the newest before any key', () => {
    const { chart } = setup();
    expect(chart.tabIndex).toBe(0);
    expect(chart.getAttribute('aria-valuemax')).toBe('5');
    expect(chart.getAttribute('aria-valuenow')).toBe('5');
    expect(chart.getAttribute('aria-valuetext')).toContain('ESTABLISHED 15,');
  });

  it('the first ← after the chart takes the focus (F6, Tab) moves the cursor one sample, as every later one', () => {
    const { chart, key } = setup();
    chart.focus();
    key('ArrowLeft');
    expect(chart.getAttribute('aria-valuenow')).toBe('4');
    expect(chart.getAttribute('aria-valuetext')).toContain('ESTABLISHED 14,');
    key('ArrowLeft');
    expect(chart.getAttribute('aria-valuenow')).toBe('3');
  });

  it('End, Shift+← ×2, Enter applies the last three samples; the span is said and shown', () => {
    const { chart, key, onRange } = setup();
    chart.focus();
    key('End');
    key('ArrowLeft', true);
    key('ArrowLeft', true);
    expect(chart.getAttribute('aria-valuenow')).toBe('3');
    expect(chart.getAttribute('aria-valuetext')).toMatch(/^\d\d:\d\d:\d\d: ESTABLISHED 13,.*Span of 3 samples, .*Enter shows its events$/);
    expect(onRange).not.toHaveBeenCalled();
    const ends = (text: string | null | undefined) => /(\d\d:\d\d:\d\d) to (\d\d:\d\d:\d\d)/.exec(text ?? '')?.slice(1);
    const chosen = ends(chart.getAttribute('aria-valuetext'));
    key('Enter');
    // Samples 3..5: from just after sample 2's poll to sample 5's.
    expect(onRange).toHaveBeenLastCalledWith([T0 + 2001, T0 + 5000]);
    // Named alike while chosen and once applied: from where sample 3's interval starts (T0 + 2 s), not its poll.
    expect(ends(document.querySelector('.timeline-range')?.textContent)).toEqual(chosen);
    expect(chosen).toEqual([clockTime(T0 + 2000), clockTime(T0 + 5000)]);
    expect(screen.getByRole('status').textContent).toMatch(/^Events from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d: shown$/);
    expect(document.querySelector('.timeline-range')?.textContent).toMatch(/^Events from /);
    expect(document.activeElement).toBe(chart);
  });

  it('Enter on the cursor alone applies its one sample; Escape collapses a span, then clears the applied one', () => {
    const { chart, key, onRange } = setup();
    chart.focus();
    key('Home');
    key('ArrowRight');
    key('Enter');
    expect(onRange).toHaveBeenLastCalledWith([T0 + 1, T0 + 1000]);
    key('ArrowRight', true);
    const e1 = fireEvent.keyDown(chart, { key: 'Escape' });
    expect(e1).toBe(false); // taken: the window's Escape (details pane, focus to the grid) does not run
    expect(chart.getAttribute('aria-valuetext')).not.toContain('Span of');
    expect(onRange).toHaveBeenCalledTimes(1);
    key('Escape');
    expect(onRange).toHaveBeenLastCalledWith(null);
    expect(screen.getByRole('status').textContent).toBe('Time span cleared');
    // Nothing left to clear: the key goes on to the window.
    expect(fireEvent.keyDown(chart, { key: 'Escape' })).toBe(true);
    expect(document.activeElement).toBe(chart);
  });

  it('the mouse takes over: a move over the chart lets the keys\' cursor go', () => {
    const { chart, key } = setup();
    key('Home');
    key('ArrowRight', true);
    expect(chart.getAttribute('aria-valuenow')).toBe('1');
    fireEvent.mouseMove(chart);
    expect(chart.getAttribute('aria-valuenow')).toBe('5');
    expect(chart.getAttribute('aria-valuetext')).not.toContain('Span of');
  });

  it('leaves keys with Ctrl / Alt and other keys to the window', () => {
    const { chart, onRange } = setup();
    expect(fireEvent.keyDown(chart, { key: 'ArrowLeft', ctrlKey: true })).toBe(true);
    expect(fireEvent.keyDown(chart, { key: ' ' })).toBe(true);
    expect(fireEvent.keyDown(chart, { key: 'Enter' })).toBe(true); // no cursor yet: nothing to apply
    expect(onRange).not.toHaveBeenCalled();
  });
});
