// @vitest-environment jsdom
// The quick filters are a WAI-ARIA toolbar: one Tab stop, ← → Home End move among its controls.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ToggleBar } from './Toolbar';
import { DisplaySettings } from '../app/Header';
import { DEFAULT_TOGGLES } from '../store/toggles';

afterEach(cleanup);

function setup() {
  const onToggle = vi.fn();
  render(
    <ToggleBar toggles={{ ...DEFAULT_TOGGLES }} onToggle={onToggle} keepClosed={false} onKeepClosed={vi.fn()} resolveNames={false} onResolveNames={vi.fn()} trafficColumns={false} onTrafficColumns={vi.fn()}>
      <DisplaySettings theme="system" onTheme={vi.fn()} highlightMs={5000} onHighlightMs={vi.fn()} />
    </ToggleBar>,
  );
  const bar = screen.getByRole('toolbar', { name: 'Quick filters' });
  const controls = [...bar.querySelectorAll<HTMLElement>('input, select')];
  const stops = () => controls.filter((c) => c.tabIndex >= 0);
  return { bar, controls, stops, onToggle };
}

describe('ToggleBar keys', () => {
  it('is one Tab stop; ← → Home End move the focus and the stop follows it', () => {
    const { controls, stops } = setup();
    expect(controls.length).toBeGreaterThanOrEqual(11); // 9 boxes, highlight and theme
    expect(stops()).toEqual([controls[0]]);
    controls[0].focus();
    fireEvent.keyDown(controls[0], { key: 'ArrowRight' });
    expect(document.activeElement).toBe(controls[1]);
    expect(stops()).toEqual([controls[1]]);
    fireEvent.keyDown(controls[1], { key: 'End' });
    expect(document.activeElement).toBe(screen.getByRole('combobox', { name: 'Theme' }));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(controls[0]); // wraps, as the view tabs do
    fireEvent.keyDown(controls[0], { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(controls[controls.length - 1]);
    expect(stops()).toEqual([controls[controls.length - 1]]);
  });

  it('Space still ticks the focused box; keys with Alt / Ctrl are left alone', () => {
    const { controls, onToggle } = setup();
    controls[0].focus();
    fireEvent.click(controls[0]); // what Space does on a checkbox
    expect(onToggle).toHaveBeenCalledWith('ipv4', false);
    expect(fireEvent.keyDown(controls[0], { key: 'ArrowRight', altKey: true })).toBe(true);
    expect(document.activeElement).toBe(controls[0]);
  });
});
