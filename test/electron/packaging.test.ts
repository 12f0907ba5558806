// The installer cannot be built on Linux CI (electron-builder downloads Electron and NSIS), so the
// config is checked here: schema-valid for the installed electron-builder and every security
// setting as intended. Also checks that the icon is a real multi-size .ico.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packIco, pngSize, readIco } from '../../scripts/ico.mjs';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const root = path.resolve(__dirname, '../..');
type Config = Record<string, unknown> & {
  win: Record<string, unknown>;
  nsis: Record<string, unknown>;
  electronFuses: Record<string, unknown>;
  files: string[];
  asarUnpack: string[];
};
const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Config;

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, nsis: { oneClik: false } }, { isEnabled: false, add() {} })).rejects.toThrow();
  });

  it('names the app and targets a Windows x64 NSIS installer running asInvoker', () => {
    expect(config.appId).toBe('io.netmon.app');
    expect(config.productName).toBe('netmon');
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.win.requestedExecutionLevel).toBe('asInvoker');
    // koffi.node sits outside the asar integrity check: it is signed with the executable.
    expect(config.win.signExts).toEqual(['.node']);
    expect(config.win.icon).toBe('build/icon.ico');
  });

  it('sets every Electron fuse as intended', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships built output only and unpacks koffi’s native packages', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/koffi/**', 'node_modules/@koromix/**']));
    expect(config.files).toContain('package.json');
    for (const f of config.files) {
      if (f.startsWith('!')) continue;
      expect(f === 'package.json' || f.startsWith('dist/') || f.startsWith('build/'), f).toBe(true);
    }
    expect(config.files).toContain('!**/*.map');
  });

  it('gives a per-machine assisted installer (Program Files: only administrators can change what elevation runs) with shortcuts', () => {
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: true,
      allowToChangeInstallationDirectory: true,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
      installerIcon: 'build/icon.ico',
    });
  });

  it('agrees with package.json about the entry point', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/index.cjs');
  });
});

describe('build/icon.ico', () => {
  it('is a multi-size icon of square PNGs from 16 to 256 px', () => {
    const entries = readIco(readFileSync(path.join(root, 'build', 'icon.ico')));
    const sizes = entries.map((e) => e.width);
    expect(sizes).toEqual(expect.arrayContaining([16, 24, 32, 48, 64, 128, 256]));
    for (const e of entries) {
      expect(e.height).toBe(e.width);
      expect(e.bitCount).toBe(32);
      expect(pngSize(e.data)).toEqual({ width: e.width, height: e.width });
    }
    expect(existsSync(path.join(root, 'build', 'icon.png'))).toBe(true);
  });

  it('packIco writes what readIco reads, and refuses non-square images', () => {
    const png = (w: number, h: number) => {
      const b = Buffer.alloc(33);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
      b.writeUInt32BE(13, 8);
      b.write('IHDR', 12, 'latin1');
      b.writeUInt32BE(w, 16);
      b.writeUInt32BE(h, 20);
      return b;
    };
    const ico = packIco([png(256, 256), png(16, 16)]);
    const back = readIco(ico);
    expect(back.map((e) => e.width)).toEqual([16, 256]);
    expect(ico.readUInt8(6 + 16)).toBe(0); // 256 is stored as 0
    expect(back[1].data.equals(png(256, 256))).toBe(true);
    expect(() => packIco([png(16, 32)])).toThrow(/square/);
    expect(() => pngSize(Buffer.from('GIF89a................'))).toThrow(/not a PNG/);
  });
});
