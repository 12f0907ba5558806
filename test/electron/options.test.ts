import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID, appPaths, parseShellArgs, userDataDir } from '../../main/electron/options';

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
    expect(parseShellArgs(['C:\\netmon\\netmon.exe'])).toEqual({ source: 'auto', devTools: false, selfTest: null });
  });
  it('reads --source, --interval, --devtools and NETMON_SOURCE; ignores junk', () => {
    expect(parseShellArgs(['x', '--source=demo', '--interval=2000', '--devtools', '--no-sandbox'])).toEqual({
      source: 'demo',
      intervalMs: 2000,
      devTools: true,
      selfTest: null,
    });
    expect(parseShellArgs(['--source=evil', '--interval=5', '--interval=abc'])).toEqual({ source: 'auto', devTools: false, selfTest: null });
    expect(parseShellArgs([], { NETMON_SOURCE: 'scripted' }).source).toBe('scripted');
    expect(parseShellArgs(['--source=linux'], { NETMON_SOURCE: 'demo' }).source).toBe('linux');
  });
});

describe('--self-test', () => {
  it('reads --self-test (stdout), --self-test=FILE and a bounded --self-test-timeout', () => {
    expect(parseShellArgs(['--self-test']).selfTest).toEqual({ out: null });
    expect(parseShellArgs(['--self-test=C:\\ci\\report.json']).selfTest).toEqual({ out: 'C:\\ci\\report.json' });
    expect(parseShellArgs(['--self-test=']).selfTest).toBeNull();
    expect(parseShellArgs(['--self-testing']).selfTest).toBeNull();
    expect(parseShellArgs(['--self-test-timeout=5000']).selfTestTimeoutMs).toBe(5000);
    for (const bad of ['999', '120001', '1500.5', 'x', '']) expect(parseShellArgs([`--self-test-timeout=${bad}`]).selfTestTimeoutMs).toBeUndefined();
  });
});

describe('profile', () => {
  it('a development build and the installed app use different profiles (and locks)', () => {
    const appData = path.join('C:', 'Users', 'ann', 'AppData', 'Roaming');
    expect(userDataDir(appData, true)).toBe(path.join(appData, 'netmon'));
    expect(userDataDir(appData, false)).toBe(path.join(appData, 'netmon-dev'));
  });

  it('the AppUserModelID is the installer’s appId', async () => {
    const { readFileSync } = await import('node:fs');
    const yml = readFileSync(path.resolve(__dirname, '../../electron-builder.yml'), 'utf8');
    expect(yml).toMatch(new RegExp(`^appId: ${APP_USER_MODEL_ID.replace(/\./g, '\\.')}$`, 'm'));
  });
});
