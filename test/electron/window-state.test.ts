import { describe, expect, it } from 'vitest';
import { backgroundColor, parseWindowState, placeWindow, serializeWindowState } from '../../main/electron/window-state';

const min = { width: 720, height: 420 };
const primary = { x: 0, y: 0, width: 1920, height: 1040 };
const right = { x: 1920, y: 0, width: 1280, height: 1000 };

describe('parseWindowState', () => {
  it('round-trips what it wrote', () => {
    const s = { bounds: { x: -5, y: 10, width: 1000, height: 700 }, maximized: true, theme: 'dark' as const };
    expect(parseWindowState(serializeWindowState(s))).toEqual(s);
  });

  it('falls back to defaults on anything invalid, never throwing', () => {
    const d = { bounds: null, maximized: false, theme: 'system' };
    for (const text of [null, '', '{', 'null', '[]', '"x"', '{"bounds":{"x":"1","y":0,"width":10,"height":10}}', '{"bounds":{"x":0,"y":0,"width":0,"height":10}}', '{"bounds":{"x":1e9,"y":0,"width":10,"height":10}}', '{"bounds":{"x":0.5,"y":0,"width":10,"height":10}}', '{"theme":"neon","maximized":"yes"}']) {
      expect(parseWindowState(text), String(text)).toEqual(d);
    }
    expect(parseWindowState('{"theme":"light"}').theme).toBe('light');
  });
});

describe('placeWindow', () => {
  it('keeps bounds that are on a screen, the second one included', () => {
    expect(placeWindow({ x: 100, y: 50, width: 1200, height: 800 }, [primary, right], min)).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
    expect(placeWindow({ x: 2000, y: 100, width: 1000, height: 700 }, [primary, right], min)).toEqual({ x: 2000, y: 100, width: 1000, height: 700 });
  });

  it('brings back a window whose screen is gone (monitor unplugged), centred on the primary screen', () => {
    expect(placeWindow({ x: 2000, y: 100, width: 1000, height: 700 }, [primary], min)).toEqual({ x: 460, y: 170, width: 1000, height: 700 });
  });

  it('brings back a window whose title bar cannot be grabbed', () => {
    // Only 40 px of the window's width is on screen, or its title bar is above the top edge.
    expect(placeWindow({ x: -960, y: 100, width: 1000, height: 700 }, [primary], min)).toEqual({ x: 460, y: 170, width: 1000, height: 700 });
    expect(placeWindow({ x: 100, y: -500, width: 1000, height: 700 }, [primary], min)).toEqual({ x: 460, y: 170, width: 1000, height: 700 });
    expect(placeWindow({ x: 100, y: 1030, width: 1000, height: 700 }, [primary], min)).toEqual({ x: 460, y: 170, width: 1000, height: 700 });
  });

  it('clamps the size to the screen and the minimum', () => {
    expect(placeWindow({ x: 0, y: 0, width: 5000, height: 3000 }, [primary], min)).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
    expect(placeWindow({ x: 10, y: 10, width: 300, height: 200 }, [primary], min)).toEqual({ x: 10, y: 10, width: 720, height: 420 });
  });

  it('leaves placement to the OS without saved bounds or screens', () => {
    expect(placeWindow(null, [primary], min)).toBeNull();
    expect(placeWindow({ x: 0, y: 0, width: 800, height: 600 }, [], min)).toBeNull();
  });
});

describe('backgroundColor', () => {
  it('matches the page background of each theme (styles.css --bg)', async () => {
    const { readFileSync } = await import('node:fs');
    const css = readFileSync(new URL('../../renderer/styles.css', import.meta.url), 'utf8');
    const m = /--bg:\s*light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)/i.exec(css)!;
    expect(backgroundColor(false)).toBe(m[1]);
    expect(backgroundColor(true)).toBe(m[2]);
  });
});
