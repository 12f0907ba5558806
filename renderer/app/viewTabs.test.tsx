// @vitest-environment jsdom
// The four view tabs were four Tab stops (found by a new admin). They follow the WAI-ARIA tabs
// pattern: one Tab stop, ←/→ between tabs (wrapping), Home / End.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';
import { tabKeyTarget } from './ViewTabs';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

describe('tabKeyTarget', () => {
  it('arrows move and wrap, Home / End go to the ends, other keys are not the tabs’', () => {
    expect(tabKeyTarget('ArrowRight', 0, 4)).toBe(1);
    expect(tabKeyTarget('ArrowRight', 3, 4)).toBe(0);
    expect(tabKeyTarget('ArrowLeft', 0, 4)).toBe(3);
    expect(tabKeyTarget('ArrowLeft', 2, 4)).toBe(1);
    expect(tabKeyTarget('Home', 2, 4)).toBe(0);
    expect(tabKeyTarget('End', 0, 4)).toBe(3);
    expect(tabKeyTarget('ArrowDown', 0, 4)).toBeNull();
    expect(tabKeyTarget('Enter', 0, 4)).toBeNull();
    expect(tabKeyTarget('ArrowRight', 0, 0)).toBeNull();
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
