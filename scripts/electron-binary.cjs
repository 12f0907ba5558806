// Finds the Electron executable the `electron` npm package would run — without its side effect:
// since Electron 42, require('electron') downloads the binary on first use, which cannot work
// offline. Mirrors that package's lookup (path.txt, ELECTRON_OVERRIDE_DIST_PATH) read-only.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const DEFAULT_NAMES = { win32: 'electron.exe', darwin: 'Electron.app/Contents/MacOS/Electron' };

/**
 * @param {{ electronDir?: string, env?: Record<string, string | undefined>, platform?: string,
 *           exists?: (p: string) => boolean, readText?: (p: string) => string | null }} [opts]
 * @returns {{ found: boolean, path: string }} path: where the binary is, or where it was expected
 */
function locateElectron(opts = {}) {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const exists = opts.exists ?? existsSync;
  const readText =
    opts.readText ??
    ((p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return null;
      }
    });
  const electronDir = opts.electronDir ?? defaultElectronDir();
  const name = (electronDir && readText(path.join(electronDir, 'path.txt'))?.trim()) || DEFAULT_NAMES[platform] || 'electron';
  let binary;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, name);
  else if (electronDir) binary = path.join(electronDir, 'dist', name);
  else return { found: false, path: 'node_modules/electron (package not installed)' };
  return { found: exists(binary), path: binary };
}

function defaultElectronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

module.exports = { locateElectron };
