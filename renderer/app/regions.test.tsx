// @vitest-environment jsdom
// Keyboard reach between the window's regions: F6 / Shift+F6 (regions.ts), a header row that is one
// Tab stop, and the keys listed where netmon lists them (help panel, README). The same in Chromium:
// e2e/keys.spec.ts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';
import { KEY_LIST, keyListMarkdown, keyListText } from './keyList';
import { regionTarget } from './regions';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

function setup() {
  const bridge = new FakeBridge();
  bridge.snapshot = [
    conn({ localPort: 443, remoteAddress: '10.0.0.9', remotePort: 51000, process: 'nginx', pid: 20 }),
    conn({ localPort: 22, remoteAddress: '10.0.0.10', remotePort: 52000, process: 'sshd', pid: 30 }),
  ];
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
  return bridge;
}

const grid = () => screen.getByRole('grid', { name: 'Connections' });
const bodyRows = () => within(grid()).getAllByRole('row').filter((r) => r.hasAttribute('data-id'));
const f6 = (shift = false) => fireEvent.keyDown(document.activeElement ?? document.body, { key: 'F6', shiftKey: shift });

/** A grid row selected by keyboard with its details pane open, the focus on the grid (as an admin leaves it). */
async function paneFromRow() {
  setup();
  await waitFor(() => expect(bodyRows()).toHaveLength(2));
  grid().focus();
  fireEvent.keyDown(grid(), { key: 'Home' });
  fireEvent.keyDown(grid(), { key: 'Enter' });
  const pane = await screen.findByRole('region', { name: 'Details' });
  expect(document.activeElement).toBe(grid());
  return pane;
}

describe('F6 / Shift+F6 between regions', () => {
  it('from a selected grid row, F6 puts the focus in the details pane; Shift+F6 returns to the grid', async () => {
    const pane = await paneFromRow();
    const e = f6();
    expect(document.activeElement).toBe(pane);
    // The key is taken: a browser would otherwise move to its address bar.
    expect(e).toBe(false);
    f6(true);
    expect(document.activeElement).toBe(grid());
    // The cursor row is still the one the pane shows.
    expect(bodyRows()[0].getAttribute('aria-selected')).toBe('true');
  });

  it('F6 cycles filter box → timeline → table → details pane → filter box, in screen order; Shift+F6 the other way', async () => {
    const pane = await paneFromRow();
    const filter = screen.getByRole('textbox', { name: 'Filter' });
    const timeline = screen.getByRole('region', { name: 'Timeline' });
    f6();
    expect(document.activeElement).toBe(pane);
    f6();
    expect(document.activeElement).toBe(filter);
    f6();
    expect(timeline.contains(document.activeElement)).toBe(true);
    f6();
    expect(document.activeElement).toBe(grid());
    f6(true);
    expect(timeline.contains(document.activeElement)).toBe(true);
    f6(true);
    expect(document.activeElement).toBe(filter);
    f6(true);
    expect(document.activeElement).toBe(pane);
  });

  it('with the pane closed, F6 from the grid skips it; from a toolbar button it goes to the next region on screen', async () => {
    setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    grid().focus();
    f6();
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Filter' }));
    // The Freeze button sits after the filter box and before the timeline.
    const freeze = screen.getByRole('button', { name: 'Freeze view' });
    freeze.focus();
    f6();
    expect(screen.getByRole('region', { name: 'Timeline' }).contains(document.activeElement)).toBe(true);
    freeze.focus();
    f6(true);
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Filter' }));
  });

  it('an open menu or dialog keeps the focus: F6 does not leave it', async () => {
    await paneFromRow();
    fireEvent.keyDown(grid(), { key: 'F10', shiftKey: true });
    const menu = screen.getByRole('menu');
    const inMenu = document.activeElement;
    expect(menu.contains(inMenu)).toBe(true);
    f6();
    expect(document.activeElement).toBe(inMenu);
  });

  it('regionTarget: next / previous with wrap, and from outside every region the nearest in document order', () => {
    document.body.innerHTML = '<div id="a"><input id="ia"></div><button id="between"></button><div id="b"></div><div id="c"></div>';
    const [a, b, c] = ['a', 'b', 'c'].map((id) => document.getElementById(id)!);
    const regions = [a, b, c];
    expect(regionTarget(regions, document.getElementById('ia'), 1)).toBe(1);
    expect(regionTarget(regions, a, -1)).toBe(2);
    expect(regionTarget(regions, c, 1)).toBe(0);
    expect(regionTarget(regions, document.getElementById('between'), 1)).toBe(1);
    expect(regionTarget(regions, document.getElementById('between'), -1)).toBe(0);
    expect(regionTarget(regions, document.body, -1)).toBe(2);
    expect(regionTarget([], a, 1)).toBe(-1);
    document.body.innerHTML = '';
  });
});

describe('Tab from the grid', () => {
  it('the header row is one Tab stop: ← → move along it, and the focused header becomes its stop', async () => {
    await paneFromRow();
    const head = within(grid()).getAllByRole('row')[0];
    // Every element Tab would stop at inside the header row (tabindex ≥ 0, or a button without one).
    const stops = () => [...head.querySelectorAll<HTMLElement>('[tabindex], button')].filter((el) => el.tabIndex >= 0);
    expect(stops()).toHaveLength(1);
    const headers = within(head).getAllByRole('columnheader');
    // The sort column (Process, by default) is the stop.
    expect(stops()[0]).toBe(headers[0]);
    headers[0].focus();
    fireEvent.keyDown(headers[0], { key: 'ArrowRight' });
    expect(document.activeElement).toBe(headers[1]);
    expect(stops()).toEqual([headers[1]]);
    fireEvent.keyDown(headers[1], { key: 'End' });
    const last = stops()[0];
    expect(document.activeElement).toBe(last);
    expect(last).toBe(head.querySelectorAll<HTMLElement>('[role="columnheader"][data-key], .cols-given-way > button')[headers.length - 1 + (head.querySelector('.cols-given-way') ? 1 : 0)]);
    // The resize handles are reached from their header (Ctrl+← →), never by Tab.
    for (const h of within(head).queryAllByRole('separator')) expect(h.tabIndex).toBe(-1);
  });
});

describe('Tab from the filter box', () => {
  it("the top bar's buttons and the quick filters are one Tab stop each; ← → move within them", async () => {
    setup();
    for (const name of ['View, export and recording', 'Quick filters']) {
      const bar = screen.getByRole('toolbar', { name });
      const items = [...bar.querySelectorAll<HTMLElement>('button, select, input')].filter((el) => !el.hidden && el.getAttribute('aria-hidden') !== 'true');
      expect(items.length).toBeGreaterThan(5);
      expect(items.filter((el) => el.tabIndex >= 0)).toEqual([items[0]]);
      items[0].focus();
      fireEvent.keyDown(items[0], { key: 'ArrowRight' });
      expect(document.activeElement).toBe(items[1]);
      expect(items.filter((el) => el.tabIndex >= 0)).toEqual([items[1]]);
    }
  });
});

describe('keys are listed wherever netmon lists them', () => {
  it('the help panel lists every key, F6 among them', async () => {
    setup();
    fireEvent.click(screen.getByRole('button', { name: 'Filter help' }));
    const keys = screen.getByRole('note', { name: 'Keys' }).textContent ?? '';
    for (const k of KEY_LIST) {
      expect(keys).toContain(k.keys);
      expect(keys).toContain(k.what);
    }
    expect(keys).toContain('F6 / Shift+F6');
  });

  it('the panel puts keys in one column; a key too long for it has its words on the next line, under the column', () => {
    expect(keyListText([{ keys: 'Ctrl+F', what: 'the filter box' }])).toBe(`  ${'Ctrl+F'.padEnd(24)}  the filter box`);
    const long = 'Ctrl+Shift+Alt+PgDn on a long place';
    expect(keyListText([{ keys: long, what: 'w' }])).toBe(`  ${long}\n${' '.repeat(28)}w`);
    // Every key of the list fits the column.
    expect(keyListText().split('\n')).toHaveLength(KEY_LIST.length);
  });

  it("the README's Keyboard section holds the same list", () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Keyboard'), readme.indexOf('\n## ', readme.indexOf('## Keyboard') + 1));
    expect(section).toContain(keyListMarkdown());
    expect(section).toContain('F6 / Shift+F6');
  });
});

describe('region marks', () => {
  it('are set through regions.ts (regionProps, REGION_ENTRY_PROPS) in every view, never spelled out', () => {
    // A literal attribute name elsewhere would silently stop marking its region if the name changed.
    const root = path.resolve(__dirname, '..');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && f !== path.join('app', 'regions.ts'));
    expect(files.length).toBeGreaterThan(50);
    const spelled = files.filter((f) => /['"`]data-region|data-region(-entry)?=/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(spelled).toEqual([]);
  });
});
