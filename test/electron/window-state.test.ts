import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  backgroundColor,
  decodeWindowState,
  MAX_WINDOW_STATE_BYTES,
  parseWindowState,
  placeWindow,
  readWindowStateFile,
  serializeWindowState,
  writeWindowStateFile,
} from '../../main/electron/window-state';

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

describe('readWindowStateFile: the file is read with suspicion', () => {
  const d = { bounds: null, maximized: false, theme: 'system' };
  const dir = () => mkdtempSync(path.join(os.tmpdir(), 'netmon-winstate-'));
  /**
   * Runs `call` (a call of readWindowStateFile / writeWindowStateFile with `file`) in a child process
   * and returns what it printed as JSON, so that a call that blocks fails the test (10 s) instead of
   * hanging it.
   */
  const inChild = async (call: string, file: string): Promise<unknown> => {
    const outfile = path.join(dir(), 'run.cjs');
    await build({
      stdin: {
        contents: `import { readWindowStateFile, writeWindowStateFile } from './main/electron/window-state';\nconst file = process.argv[2];\nprocess.stdout.write(JSON.stringify(${call}) ?? 'null');`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'cjs', logLevel: 'error', outfile,
    });
    return JSON.parse(execFileSync(process.execPath, [outfile, file], { timeout: 10_000, encoding: 'utf8' }));
  };
  const readInChild = (file: string) => inChild('readWindowStateFile(file)', file);

  it('reads a valid file whole, with no problem', () => {
    const f = path.join(dir(), 'window-state.json');
    const s = { bounds: { x: 10, y: 20, width: 900, height: 600 }, maximized: false, theme: 'light' as const };
    writeFileSync(f, serializeWindowState(s));
    expect(readWindowStateFile(f)).toEqual({ state: s, problem: null });
  });

  it('a missing file is the first start: defaults, nothing to say', () => {
    expect(readWindowStateFile(path.join(dir(), 'none.json'))).toEqual({ state: d, problem: null });
  });

  it('a FIFO is not read (it would block the start for ever): defaults, "not a regular file"', async () => {
    const f = path.join(dir(), 'window-state.json');
    execFileSync('mkfifo', [f]);
    expect(await readInChild(f)).toEqual({ state: d, problem: 'not a regular file' });
  }, 20_000);

  it('saving over a FIFO does not block: the FIFO is replaced by the file, written whole', async () => {
    const f = path.join(dir(), 'window-state.json');
    execFileSync('mkfifo', [f]);
    const s = { bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: true, theme: 'dark' as const };
    await inChild(`writeWindowStateFile(file, ${JSON.stringify(s)})`, f);
    expect(statSync(f).isFile()).toBe(true);
    expect(readWindowStateFile(f)).toEqual({ state: s, problem: null });
    expect(readdirSync(path.dirname(f))).toEqual(['window-state.json']);
  }, 20_000);

  it('saving makes the directory and leaves no temporary file behind', () => {
    const f = path.join(dir(), 'new', 'window-state.json');
    writeWindowStateFile(f, { bounds: null, maximized: false, theme: 'light' });
    expect(readdirSync(path.dirname(f))).toEqual(['window-state.json']);
    expect(readWindowStateFile(f).state.theme).toBe('light');
  });

  it('an oversized file (2 GB, sparse) is not read: defaults, its size said', () => {
    const f = path.join(dir(), 'window-state.json');
    writeFileSync(f, '');
    truncateSync(f, 2 ** 31);
    expect(readWindowStateFile(f)).toEqual({ state: d, problem: `2147483648 bytes, more than the ${MAX_WINDOW_STATE_BYTES} a window state can be` });
    truncateSync(f, MAX_WINDOW_STATE_BYTES + 1);
    expect(readWindowStateFile(f).problem).toBe(`${MAX_WINDOW_STATE_BYTES + 1} bytes, more than the ${MAX_WINDOW_STATE_BYTES} a window state can be`);
  });

  it('a directory or a device is not read', () => {
    const f = path.join(dir(), 'window-state.json');
    mkdirSync(f);
    expect(readWindowStateFile(f)).toEqual({ state: d, problem: 'not a regular file' });
    expect(readWindowStateFile('/dev/zero')).toEqual({ state: d, problem: 'not a regular file' });
  });

  it('garbage, truncated or mistyped JSON: defaults for what is wrong, and why', () => {
    const f = path.join(dir(), 'window-state.json');
    const cases: Array<[string, string]> = [
      ['\u0000\u00ff garbage', 'not JSON'],
      ['{"bounds":{"x":1', 'not JSON'],
      ['[1,2]', 'not a JSON object'],
      ['null', 'not a JSON object'],
      ['{"bounds":{"x":"1","y":0,"width":10,"height":10}}', 'bounds ignored (not whole numbers within ±100000, sizes above 0)'],
      ['{"theme":"neon","maximized":"yes"}', 'maximized ignored (not true or false); theme ignored (not system, light or dark)'],
    ];
    for (const [text, problem] of cases) {
      writeFileSync(f, text);
      expect(readWindowStateFile(f), text).toEqual({ state: d, problem });
    }
    // What is valid is kept beside what is not; a byte-order mark is no fault.
    writeFileSync(f, '\ufeff{"theme":"dark","bounds":{"x":0}}');
    expect(readWindowStateFile(f)).toEqual({ state: { ...d, theme: 'dark' }, problem: 'bounds ignored (not whole numbers within ±100000, sizes above 0)' });
    expect(decodeWindowState('{"maximized":true}')).toEqual({ state: { ...d, maximized: true }, problem: null });
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
