// The static check must catch a genuinely insecure app, not just pass ours.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCEPTED, classify, scan } from '../../scripts/check-electron.mjs';

function fixture(main: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-eg-fixture-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture', main: 'main.js', devDependencies: { electron: '45.0.0' } }));
  writeFileSync(path.join(dir, 'main.js'), main);
  return dir;
}

const BASICS = [
  'CONTEXT_ISOLATION_JS_CHECK',
  'SANDBOX_JS_CHECK',
  'WEB_SECURITY_JS_CHECK',
  'HTTP_RESOURCES_JS_CHECK',
  'LIMIT_NAVIGATION_GLOBAL_CHECK',
  'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
];

describe('check:electron', () => {
  it('fails an app with node integration, no sandbox and no navigation limits', async () => {
    const dir = fixture(`
      const { app, BrowserWindow } = require('electron');
      app.whenReady().then(() => {
        const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });
        w.loadURL('http://example.org/');
      });
    `);
    const result = await scan(dir);
    const { real } = classify(result.issues);
    expect(real.map((i) => i.id)).toEqual(expect.arrayContaining(BASICS));
  });

  it('accepts nothing that guards the basics', () => {
    for (const id of [...BASICS, 'NODE_INTEGRATION_JS_CHECK']) {
      expect(ACCEPTED[id], id).toBeUndefined();
    }
    for (const reason of Object.values(ACCEPTED)) expect(reason.length).toBeGreaterThan(20);
  });

  it('raises none of those for a window set up the way netmon sets its window up', async () => {
    const dir = fixture(`
      const { app, BrowserWindow, session } = require('electron');
      app.whenReady().then(() => {
        session.defaultSession.setPermissionRequestHandler((c, p, cb) => cb(false));
        const w = new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, preload: __dirname + '/preload.js' } });
        w.webContents.on('will-navigate', (e) => e.preventDefault());
        w.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
        w.loadURL('app://netmon/index.html');
      });
    `);
    const { real } = classify((await scan(dir)).issues);
    const ids = real.map((i) => i.id);
    for (const id of BASICS) expect(ids).not.toContain(id);
  });
});
