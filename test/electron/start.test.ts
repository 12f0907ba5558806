import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateElectron } from '../../scripts/electron-binary.cjs';

const root = path.resolve(__dirname, '../..');

describe('locateElectron', () => {
  const dir = path.join('/x', 'node_modules', 'electron');

  it('reads path.txt and checks the binary under dist/', () => {
    const seen: string[] = [];
    const r = locateElectron({
      electronDir: dir,
      env: {},
      readText: () => 'electron.exe\n',
      exists: (p) => (seen.push(p), true),
    });
    expect(r).toEqual({ found: true, path: path.join(dir, 'dist', 'electron.exe') });
    expect(seen).toEqual([path.join(dir, 'dist', 'electron.exe')]);
  });

  it('falls back to the platform default name and reports a missing binary', () => {
    const r = locateElectron({ electronDir: dir, env: {}, platform: 'linux', readText: () => null, exists: () => false });
    expect(r).toEqual({ found: false, path: path.join(dir, 'dist', 'electron') });
    const w = locateElectron({ electronDir: dir, env: {}, platform: 'win32', readText: () => null, exists: () => false });
    expect(w.path.endsWith('electron.exe')).toBe(true);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH', () => {
    const r = locateElectron({
      electronDir: dir,
      env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' },
      platform: 'linux',
      readText: () => null,
      exists: (p) => p === path.join('/opt/electron', 'electron'),
    });
    expect(r).toEqual({ found: true, path: path.join('/opt/electron', 'electron') });
  });
});

describe('scripts/start.mjs', () => {
  it('without an Electron binary: exits 1 and points to npm run serve, downloading nothing', () => {
    const r = spawnSync(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: path.join(root, 'no-such-electron-dir') },
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no Electron binary is installed here/);
    expect(r.stderr).toMatch(/npm run serve/);
    // The token lasts the run, as README and `serve --help` say: not "one-time".
    expect(r.stderr).toMatch(/carrying this run's token \(it lasts until serve stops\)/);
    expect(r.stderr).not.toMatch(/one-time/);
    expect(r.stdout + r.stderr).not.toMatch(/Downloading Electron/);
  });
});
