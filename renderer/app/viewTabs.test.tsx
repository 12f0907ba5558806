// @vitest-environment jsdom
// The four view tabs were four Tab stops (found by a new admin). They follow the WAI-ARIA tabs
// pattern: one Tab stop, ←/→ between tabs (wrapping), Home / End.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';
import { rovingTarget } from '../components/roving';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

describe('rovingTarget (tabs and toolbars)', () => {
  it('arrows move and wrap, Home / End go to the ends, other keys are not the tabs’', () => {
    expect(rovingTarget('ArrowRight', 0, 4)).toBe(1);
    expect(rovingTarget('ArrowRight', 3, 4)).toBe(0);
    expect(rovingTarget('ArrowLeft', 0, 4)).toBe(3);
    expect(rovingTarget('ArrowLeft', 2, 4)).toBe(1);
    expect(rovingTarget('Home', 2, 4)).toBe(0);
    expect(rovingTarget('End', 0, 4)).toBe(3);
    expect(rovingTarget('ArrowDown', 0, 4)).toBeNull();
    expect(rovingTarget('Enter', 0, 4)).toBeNull();
    expect(rovingTarget('ArrowRight', 0, 0)).toBeNull();
  });
});

describe('the view tabs in the app', () => {
  it('one Tab stop (the selected tab); arrows, Home and End select and focus', () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 443, process: 'nginx', pid: 20 })];
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.textContent?.replace(/[\d,]+$/, '').trim())).toEqual(['Connections', 'Events', 'Processes', 'Ports']);
    const stops = () => screen.getAllByRole('tab').filter((t) => t.tabIndex === 0);
    const selected = () => screen.getAllByRole('tab').find((t) => t.getAttribute('aria-selected') === 'true');
    expect(stops()).toEqual([tabs[0]]);
    tabs[0].focus();
    fireEvent.keyDown(tabs[0], { key: 'ArrowRight' });
    expect(selected()?.id).toBe('tab-events');
    expect(document.activeElement?.id).toBe('tab-events');
    expect(stops().map((t) => t.id)).toEqual(['tab-events']);
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe('tab-events');
    fireEvent.keyDown(document.activeElement as Element, { key: 'End' });
    expect(document.activeElement?.id).toBe('tab-ports');
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowRight' });
    expect(document.activeElement?.id).toBe('tab-connections');
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowLeft' });
    expect(selected()?.id).toBe('tab-ports');
    fireEvent.keyDown(document.activeElement as Element, { key: 'Home' });
    expect(selected()?.id).toBe('tab-connections');
    expect(stops().map((t) => t.id)).toEqual(['tab-connections']);
  });
});

describe('the timeline’s time spans: one choice, one Tab stop', () => {
  it('only the chosen span is a Tab stop; arrows move the focus, Enter / click choose', () => {
    const bridge = new FakeBridge();
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    const bar = screen.getByRole('toolbar', { name: 'Time span' });
    const buttons = [...bar.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['5 min', '1 hour', 'Whole run']);
    expect(buttons.filter((b) => b.tabIndex === 0).map((b) => b.textContent)).toEqual(['1 hour']);
    buttons[1].focus();
    fireEvent.keyDown(buttons[1], { key: 'ArrowRight' });
    expect(document.activeElement).toBe(buttons[2]);
    fireEvent.keyDown(buttons[2], { key: 'ArrowRight' });
    expect(document.activeElement).toBe(buttons[0]);
    fireEvent.keyDown(buttons[0], { key: 'End' });
    expect(document.activeElement).toBe(buttons[2]);
    fireEvent.click(buttons[2]);
    expect(buttons[2].getAttribute('aria-pressed')).toBe('true');
    expect(buttons.filter((b) => b.tabIndex === 0).map((b) => b.textContent)).toEqual(['Whole run']);
  });
});
