import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths, parseShellArgs } from '../../main/electron/options';

describe('appPaths', () => {
  it('finds preload, renderer, worker and icon next to the main bundle, packed or not', () => {
    const packed = path.join('C:', 'netmon', 'resources', 'app.asar', 'dist', 'main');
    const p = appPaths(packed);
    const app = path.join('C:', 'netmon', 'resources', 'app.asar');
    expect(p).toEqual({
      preload: path.join(app, 'dist', 'preload', 'index.cjs'),
      rendererRoot: path.join(app, 'dist', 'renderer'),
      worker: path.join(app, 'dist', 'main', 'engine-worker.cjs'),
      icon: path.join(app, 'build', 'icon.png'),
    });
  });

  it('matches what scripts/build.mjs writes', () => {
    const root = path.resolve(__dirname, '../..');
    const p = appPaths(path.join(root, 'dist', 'main'));
    expect(path.relative(root, p.preload)).toBe(path.join('dist', 'preload', 'index.cjs'));
    expect(path.relative(root, p.worker)).toBe(path.join('dist', 'main', 'engine-worker.cjs'));
    expect(path.relative(root, p.rendererRoot)).toBe(path.join('dist', 'renderer'));
  });
});

describe('parseShellArgs', () => {
  it('defaults to the platform source', () => {
    expect(parseShellArgs(['C:\\netmon\\netmon.exe'])).toEqual({ source: 'auto', devTools: false });
  });
  it('reads --source, --interval, --devtools and NETMON_SOURCE; ignores junk', () => {
    expect(parseShellArgs(['x', '--source=demo', '--interval=2000', '--devtools', '--no-sandbox'])).toEqual({
      source: 'demo',
      intervalMs: 2000,
      devTools: true,
    });
    expect(parseShellArgs(['--source=evil', '--interval=5', '--interval=abc'])).toEqual({ source: 'auto', devTools: false });
    expect(parseShellArgs([], { NETMON_SOURCE: 'scripted' }).source).toBe('scripted');
    expect(parseShellArgs(['--source=linux'], { NETMON_SOURCE: 'demo' }).source).toBe('linux');
  });
});
