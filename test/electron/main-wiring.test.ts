// The bundled main process run under Node with a stand-in `electron` module: proves the glue in
// main/electron/main.ts wires what the unit tests cover (privileged scheme, sandbox, hardened
// window, IPC table, engine worker → one webContents.send per poll) without an Electron binary.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, cpSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/ipc';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

const root = path.resolve(__dirname, '../..');
const fake = path.join(__dirname, 'fixtures', 'fake-electron.cjs');
let dist: string;

interface Result {
  log: { what: string; detail?: unknown }[];
  channels: string[];
  navigationPrevented: boolean;
  windowOpen: unknown;
  statusSource: string;
  badArg: string | null;
  badSender: string | null;
  page: { status: number; csp: string | null };
  traversal: number;
  batches: number;
}

function runMain(env: Record<string, string> = {}): { result: Result | null; out: string } {
  const r = spawnSync(process.execPath, ['-r', fake, path.join(dist, 'main', 'index.cjs'), '--source=demo', '--interval=100'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  const line = r.stdout.split('\n').find((l) => l.startsWith('FAKE-ELECTRON-RESULT '));
  return { result: line ? (JSON.parse(line.slice('FAKE-ELECTRON-RESULT '.length)) as Result) : null, out };
}

beforeAll(async () => {
  // Bundle exactly as scripts/build.mjs does, into a private dist with a stand-in renderer.
  dist = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-main-')), 'dist');
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron', 'koffi', 'ws'], logLevel: 'silent' };
  await build({ ...common, entryPoints: [path.join(root, 'main/electron/main.ts')], outfile: path.join(dist, 'main', 'index.cjs') });
  await build({ ...common, entryPoints: [path.join(root, 'main/engine/worker.ts')], outfile: path.join(dist, 'main', 'engine-worker.cjs') });
  cpSync(path.join(__dirname, 'fixtures', 'renderer'), path.join(dist, 'renderer'), { recursive: true });
  // As in the packaged app, node_modules sits beside dist/ so the externals (koffi, ws) resolve.
  symlinkSync(path.join(root, 'node_modules'), path.join(path.dirname(dist), 'node_modules'), 'dir');
});

describe('bundled main process (stand-in electron)', () => {
  it('wires scheme, sandbox, window, IPC and the engine worker', () => {
    const { result, out } = runMain();
    expect(result, out).not.toBeNull();
    const r = result!;
    const whats = r.log.map((l) => l.what);
    expect(whats.slice(0, 3)).toEqual(['registerSchemesAsPrivileged', 'enableSandbox', 'requestSingleInstanceLock']);
    expect(r.log[0].detail).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    for (const w of ['setPermissionRequestHandler', 'setPermissionCheckHandler', 'onBeforeRequest', 'protocol.handle']) expect(whats).toContain(w);
    const win = r.log.find((l) => l.what === 'BrowserWindow')!.detail as Record<string, unknown>;
    expect(win).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false });
    expect(win.preload).toBe(path.join(dist, 'preload', 'index.cjs'));
    expect(r.log.find((l) => l.what === 'loadURL')!.detail).toBe('app://netmon/index.html');

    const invoke = Object.values(CHANNELS).filter((c) => c !== CHANNELS.batch).sort();
    expect(r.channels).toEqual(invoke);
    expect(r.navigationPrevented).toBe(true);
    expect(r.windowOpen).toEqual({ action: 'deny' });
    expect(r.statusSource).toBe('demo');
    expect(r.badArg).toMatch(/interval must be an integer/);
    expect(r.badSender).toMatch(/refused/);
    expect(r.page).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY });
    expect(r.traversal).toBe(403);
    // Batches reach the window as JSON strings, one message per poll, in order.
    const sends = r.log.filter((l) => l.what === 'send').map((l) => l.detail as { channel: string; type: string; seq: number });
    expect(sends.map((s) => s.channel)).toEqual([CHANNELS.batch, CHANNELS.batch, CHANNELS.batch]);
    expect(sends.every((s) => s.type === 'string')).toBe(true);
    expect(sends.map((s) => s.seq)).toEqual([...sends.map((s) => s.seq)].sort((a, b) => a - b));
  });

  it('a second instance quits at once without opening a window', () => {
    const r = spawnSync(process.execPath, ['-r', fake, path.join(dist, 'main', 'index.cjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FAKE_LOCK: 'taken' },
      timeout: 30_000,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('FAKE-ELECTRON-QUIT '));
    expect(line, r.stdout + r.stderr).toBeDefined();
    const log = JSON.parse(line!.slice('FAKE-ELECTRON-QUIT '.length)) as { what: string }[];
    expect(log.map((l) => l.what)).toEqual(['registerSchemesAsPrivileged', 'enableSandbox', 'requestSingleInstanceLock', 'quit']);
  });
});
