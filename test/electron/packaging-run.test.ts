// Packs the app for real with electron-builder (the `dir` target, no installer) against a stand-in
// Electron binary that carries the fuse wire: a broken `files` / `asarUnpack` glob, a bundle left
// out, a fuse not flipped, all fail here rather than on a user's machine. Linux `dir` is used
// because it needs no Wine or NSIS; the globs are the same for every platform.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const asar = require('@electron/asar') as { listPackage(archive: string): string[] };
const builder = require('electron-builder') as {
  build(o: { projectDir: string; targets: unknown; config: string }): Promise<string[]>;
  Platform: { LINUX: { createTarget(type: string, ...archs: number[]): unknown } };
  Arch: { x64: number };
};

const root = path.resolve(__dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's own defaults, in @electron/fuses' V1 order: RunAsNode, EnableCookieEncryption,
// EnableNodeOptionsEnvironmentVariable, EnableNodeCliInspectArguments,
// EnableEmbeddedAsarIntegrityValidation, OnlyLoadAppFromAsar, LoadBrowserProcessSpecificV8Snapshot,
// GrantFileProtocolExtraPrivileges.
const DEFAULT_WIRE = '10110001';
const workDirs: string[] = [];
afterAll(() => {
  for (const d of workDirs) rmSync(d, { recursive: true, force: true });
});

/** A directory that looks like an unpacked Electron to electron-builder: an executable with the fuse wire. */
function standInElectron(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const exe = path.join(dir, 'electron');
  writeFileSync(exe, Buffer.concat([Buffer.from('#!/bin/sh\necho stand-in electron\nexit 0\n'), Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE)]));
  chmodSync(exe, 0o755);
  writeFileSync(path.join(dir, 'version'), '45.4.1');
  return dir;
}

function fuseWire(exe: string): string {
  const b = readFileSync(exe);
  const at = b.indexOf(SENTINEL) + SENTINEL.length;
  return b.subarray(at + 2, at + 2 + b[at + 1]).toString('latin1');
}

async function pack(name: string, override: Record<string, unknown> = {}): Promise<{ appDir: string; asarFiles: Set<string>; unpacked: string }> {
  const work = mkdtempSync(path.join(tmpdir(), `netmon-pack-${name}-`));
  workDirs.push(work);
  const config = {
    ...(yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>),
    electronDist: standInElectron(path.join(work, 'electron')),
    electronVersion: '45.4.1',
    npmRebuild: false,
    directories: { output: path.join(work, 'out'), buildResources: 'build' },
    linux: { target: 'dir', executableName: 'netmon' },
    ...override,
  };
  // Handed over as a file: a config object would be merged into electron-builder.yml, arrays concatenated.
  const configFile = path.join(work, 'electron-builder.json');
  writeFileSync(configFile, JSON.stringify(config));
  await builder.build({ projectDir: root, targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64), config: configFile });
  const appDir = path.join(work, 'out', 'linux-unpacked');
  const resources = path.join(appDir, 'resources');
  return { appDir, asarFiles: new Set(asar.listPackage(path.join(resources, 'app.asar')).map((f) => f.replace(/\\/g, '/'))), unpacked: path.join(resources, 'app.asar.unpacked') };
}

/** What a packaged netmon needs to start, and what must not be in it; empty when all is well. */
function layoutProblems(p: { asarFiles: Set<string>; unpacked: string }): string[] {
  const problems: string[] = [];
  for (const f of ['/package.json', '/dist/main/index.cjs', '/dist/main/engine-worker.cjs', '/dist/preload/index.cjs', '/dist/renderer/index.html', '/dist/cli.cjs', '/node_modules/ws/package.json']) {
    if (!p.asarFiles.has(f)) problems.push(`missing in app.asar: ${f}`);
  }
  const native = path.join(p.unpacked, 'node_modules', '@koromix', `koffi-linux-x64`, 'linux_x64', 'koffi.node');
  if (!existsSync(native)) problems.push('koffi.node is not unpacked beside app.asar');
  if (!existsSync(path.join(p.unpacked, 'node_modules', 'koffi', 'package.json'))) problems.push('koffi is not unpacked beside app.asar');
  for (const f of p.asarFiles) {
    if (f.endsWith('.map') || /\.tsx?$/.test(f) && !f.endsWith('.d.ts')) problems.push(`source file packed: ${f}`);
    if (/^\/node_modules\/(react|react-dom|scheduler|@tanstack)\//.test(f)) problems.push(`bundled module packed again: ${f}`);
    if (/^\/(test|bench|e2e|main|renderer|shared|preload)\//.test(f)) problems.push(`non-built folder packed: ${f}`);
  }
  return problems;
}

beforeAll(() => {
  // The packaging run packs the built app: build it when this checkout has not been built yet.
  if (!existsSync(path.join(root, 'dist/main/index.cjs')) || !existsSync(path.join(root, 'dist/renderer/index.html'))) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8', timeout: 240_000 });
    if (r.status !== 0) throw new Error(`node scripts/build.mjs failed: ${r.stderr}`);
  }
});

describe('electron-builder packaging run (stand-in Electron)', () => {
  it('packs the built app, unpacks koffi and flips every fuse as configured', async () => {
    const p = await pack('ok');
    expect(layoutProblems(p)).toEqual([]);
    // runAsNode 0, cookie encryption 1, NODE_OPTIONS 0, --inspect 0, asar integrity 1, only asar 1, V8 snapshot 0, file:// privileges 0
    expect(fuseWire(path.join(p.appDir, 'netmon'))).toBe('01001100');
  }, 180_000);

  it('fails on a broken asarUnpack or files glob (the check can fail)', async () => {
    // electron-builder also unpacks packages holding a .node file by itself (smartUnpack), which
    // hides a wrong asarUnpack glob; without that safety net the check must catch it.
    const brokenUnpack = await pack('unpack', { asarUnpack: ['node_modules/koffi-typo/**'], asar: { smartUnpack: false } });
    expect(layoutProblems(brokenUnpack)).toEqual(expect.arrayContaining(['koffi.node is not unpacked beside app.asar', 'koffi is not unpacked beside app.asar']));
    const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { files: string[] };
    const brokenFiles = await pack('files', { files: config.files.map((f) => (f === 'dist/preload/**' ? 'dist/prelaod/**' : f)) });
    expect(layoutProblems(brokenFiles)).toEqual(['missing in app.asar: /dist/preload/index.cjs']);
    const noNative = await pack('native', { files: [...config.files, '!**/*.node'] });
    expect(layoutProblems(noNative)).toContain('koffi.node is not unpacked beside app.asar');
  }, 300_000);
});
