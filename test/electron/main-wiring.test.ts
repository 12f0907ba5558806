// The bundled main process run under Node with a stand-in `electron` module: proves the glue in
// main/electron/main.ts wires what the unit tests cover (privileged scheme, sandbox, hardened
// window, menu, IPC table, engine utility process → one webContents.send per poll, crash recovery,
// --self-test) without an Electron binary.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, cpSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { alreadyRecording, CHANNELS, type RecordingStatus } from '../../shared/ipc';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

const root = path.resolve(__dirname, '../..');
const fake = path.join(__dirname, 'fixtures', 'fake-electron.cjs');
let dist: string;

interface Result {
  log: { what: string; detail?: unknown }[];
  channels: string[];
  navigationPrevented: { modern: boolean; modernInApp: boolean; legacy: boolean };
  devShortcutPrevented: boolean;
  logFolder: string;
  seqs: number[];
  crash: { seq: number; lastError: string | null };
  forks: number;
  windows: number;
  windowAlive: boolean;
  windowOpen: unknown;
  statusSource: string;
  badArg: string | null;
  badSender: string | null;
  page: { status: number; csp: string | null };
  traversal: number;
  batches: number;
  recording: { started: RecordingStatus; asked: RecordingStatus; second: string | null; pushes: RecordingStatus[] };
}

function runMain(env: Record<string, string> = {}, args = ['--source=demo', '--interval=100'], prepare?: (appData: string) => void) {
  const appData = mkdtempSync(path.join(tmpdir(), 'netmon-appdata-'));
  prepare?.(appData);
  const r = spawnSync(process.execPath, ['-r', fake, path.join(dist, 'main', 'index.cjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FAKE_APPDATA: appData, ...env },
    timeout: 60_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  const line = r.stdout.split('\n').find((l) => l.startsWith('FAKE-ELECTRON-RESULT '));
  return { result: line ? (JSON.parse(line.slice('FAKE-ELECTRON-RESULT '.length)) as Result) : null, out, appData, r };
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
  it('wires scheme, sandbox, window, menu, IPC and the engine process; survives an engine and a renderer crash', () => {
    // A token set for `netmon serve` in the user's environment: the app starts nothing that inherits it.
    const { result, out, appData } = runMain({ NETMON_TOKEN: 'tokenFromTheEnvironment_0123456789' });
    expect(result, out).not.toBeNull();
    const r = result!;
    const whats = r.log.map((l) => l.what);
    expect(whats.slice(0, 5)).toEqual(['setAppUserModelId', 'registerSchemesAsPrivileged', 'enableSandbox', 'setPath', 'requestSingleInstanceLock']);
    expect(r.log[0].detail).toBe('io.netmon.app');
    expect(r.log[1].detail).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    // An unpackaged build keeps its own profile (and with it its own single-instance lock).
    expect(r.log[3].detail).toEqual({ name: 'userData', value: path.join(appData, 'netmon-dev') });
    for (const w of ['setPermissionRequestHandler', 'setPermissionCheckHandler', 'onBeforeRequest', 'protocol.handle']) expect(whats).toContain(w);
    const win = r.log.find((l) => l.what === 'BrowserWindow')!.detail as Record<string, unknown>;
    expect(win).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false });
    expect(win.preload).toBe(path.join(dist, 'preload', 'index.cjs'));
    expect(r.log.find((l) => l.what === 'loadURL')!.detail).toBe('app://netmon/index.html');
    // The stand-in's OS prefers dark: the window starts on the dark background, then follows the app's theme.
    expect(r.log.find((l) => l.what === 'BrowserWindow.options')!.detail).toMatchObject({ backgroundColor: '#0f1217' });
    expect(r.log.filter((l) => l.what === 'nativeTheme.themeSource').map((l) => l.detail)).toEqual(['system', 'light']);
    expect(r.log.find((l) => l.what === 'setBackgroundColor')!.detail).toBe('#f6f7f9');
    // Closing the window keeps its normal bounds and maximised state beside the theme.
    expect(JSON.parse(readFileSync(path.join(appData, 'netmon-dev', 'window-state.json'), 'utf8'))).toEqual({
      bounds: { x: 10, y: 20, width: 1000, height: 700 },
      maximized: false,
      theme: 'light',
    });

    // The menu: no Reload / Force Reload / DevTools, and no DevTools opened without --devtools.
    const menu = JSON.stringify(r.log.find((l) => l.what === 'setApplicationMenu')!.detail);
    expect(menu).toContain('Open &log folder');
    expect(menu).not.toMatch(/reload|toggleDevTools/i);
    expect(whats).not.toContain('openDevTools');
    expect(r.devShortcutPrevented).toBe(true);

    // The engine runs in a utility process, started with its configuration.
    const fork = r.log.find((l) => l.what === 'utilityProcess.fork')!.detail as { modulePath: string; args: string[]; options: { env: Record<string, string> } };
    expect(fork).toEqual({
      modulePath: path.join(dist, 'main', 'engine-worker.cjs'),
      args: ['--engine-config'],
      options: { serviceName: 'netmon engine', stdio: 'inherit', env: expect.objectContaining({ PATH: process.env.PATH }) },
    });
    expect(fork.options.env.NETMON_TOKEN).toBeUndefined();

    const invoke = Object.values(CHANNELS).filter((c) => c !== CHANNELS.batch && c !== CHANNELS.recording).sort();
    expect(r.channels).toEqual(invoke);
    expect(r.navigationPrevented).toEqual({ modern: true, modernInApp: false, legacy: true });
    expect(r.windowOpen).toEqual({ action: 'deny' });
    expect(r.statusSource).toBe('demo');
    expect(r.badArg).toMatch(/interval must be an integer/);
    // The recording is main's, one for the app: a reloaded window asks for it, a second start is refused, each change is pushed.
    expect(r.recording.started).toMatchObject({ active: true, format: 'ndjson', error: null });
    expect(r.recording.started.path).toMatch(/recordings[\\/]netmon-.+\.ndjson$/);
    expect(r.recording.asked).toEqual(r.recording.started);
    expect(r.recording.second).toBe(alreadyRecording(r.recording.started.path));
    expect(r.recording.pushes).toEqual([r.recording.started, { active: false, path: null, format: 'ndjson', error: null }]);
    expect(r.badSender).toMatch(/refused/);
    expect(r.page).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY });
    expect(r.traversal).toBe(403);
    expect(r.logFolder).toBe('');
    expect(r.log.find((l) => l.what === 'openPath')!.detail).toBe(path.join(appData, 'netmon-dev', 'logs'));
    // Batches reach the window as JSON strings, one message per poll, in order.
    const sends = r.log.filter((l) => l.what === 'send').map((l) => l.detail as { channel: string; type: string; seq: number });
    expect(sends.map((s) => s.channel)).toEqual([CHANNELS.batch, CHANNELS.batch, CHANNELS.batch]);
    expect(sends.every((s) => s.type === 'string')).toBe(true);

    // A fault that kills the engine process: reported in the stream, a new engine process continues
    // the numbering, and the same window lives on.
    expect(r.crash.lastError).toBe('engine worker crashed (exit code 139); restarting');
    expect(r.forks).toBe(2);
    expect(r.windows).toBe(1);
    expect(r.windowAlive).toBe(true);
    expect(r.seqs).toEqual(r.seqs.map((_, i) => r.seqs[0] + i));
    // A renderer crash reloads the page and says so.
    const gone = whats.lastIndexOf('showMessageBox');
    expect(r.log[gone].detail).toBe('The netmon window crashed and was reloaded.');
    expect(r.log.filter((l) => l.what === 'loadURL')).toHaveLength(2);

    // The app log holds the engine crash.
    const logText = readFileSync(path.join(appData, 'netmon-dev', 'logs', 'netmon.log'), 'utf8');
    expect(logText).toMatch(/ERROR engine worker crashed \(exit code 139\); restarting/);
    expect(logText).toMatch(/ERROR window renderer gone \(crashed, exit code 11\); reload/);
  });

  it('a packaged build ignores --devtools; an unpackaged one opens them and offers the developer menu', () => {
    const packaged = runMain({ FAKE_PACKAGED: '1' }, ['--source=demo', '--interval=100', '--devtools']);
    expect(packaged.result, packaged.out).not.toBeNull();
    const p = packaged.result!;
    expect(p.log.map((l) => l.what)).not.toContain('openDevTools');
    expect(JSON.stringify(p.log.find((l) => l.what === 'setApplicationMenu')!.detail)).not.toMatch(/toggleDevTools/);
    expect(p.devShortcutPrevented).toBe(true);
    expect(p.log.find((l) => l.what === 'setPath')!.detail).toEqual({ name: 'userData', value: path.join(packaged.appData, 'netmon') });
    expect(readFileSync(path.join(packaged.appData, 'netmon', 'logs', 'netmon.log'), 'utf8')).toMatch(/--devtools is ignored in an installed build/);

    const dev = runMain({}, ['--source=demo', '--interval=100', '--devtools']);
    expect(dev.result, dev.out).not.toBeNull();
    expect(dev.result!.log.map((l) => l.what)).toContain('openDevTools');
    expect(JSON.stringify(dev.result!.log.find((l) => l.what === 'setApplicationMenu')!.detail)).toMatch(/toggleDevTools/);
    expect(dev.result!.devShortcutPrevented).toBe(false);
  });

  it('--self-test=FILE reports the first poll from the source, the renderer and the versions, exit 0', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-selftest-'));
    const file = path.join(dir, 'report.json');
    const { r, out } = runMain({}, ['--source=demo', `--self-test=${file}`]);
    expect(r.status, out).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({ ok: true, source: 'demo', lastError: null, renderer: 200, engine: 'utility process' });
    expect(report.rows).toBeGreaterThan(0);
    expect(report.versions).toMatchObject({ netmon: '0.0.0-fake', node: process.versions.node });
    // No window, no lock: a self-test runs beside an open netmon.
    expect(out).not.toMatch(/"what":"BrowserWindow"/);
    expect(out).not.toMatch(/requestSingleInstanceLock/);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('--self-test exits 1 with the reason when the source cannot run (stdout form)', () => {
    // The Windows source cannot run here: its first poll fails, and the report says why.
    const { r, out } = runMain({}, ['--source=windows', '--self-test', '--self-test-timeout=3000']);
    expect(r.status, out).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'))!;
    const report = JSON.parse(line) as Record<string, unknown>;
    expect(report.ok).toBe(false);
    expect(report.rows).toBeNull();
    expect(String(report.lastError)).toMatch(/Windows|win32|iphlpapi/i);
  });

  it('restores the saved theme and maximised state, bringing an off-screen window back', () => {
    const { result, out } = runMain({}, undefined, (appData) => {
      mkdirSync(path.join(appData, 'netmon-dev'), { recursive: true });
      const state = { bounds: { x: 5000, y: 100, width: 1000, height: 700 }, maximized: true, theme: 'dark' };
      writeFileSync(path.join(appData, 'netmon-dev', 'window-state.json'), JSON.stringify(state));
    });
    expect(result, out).not.toBeNull();
    const log = result!.log;
    // The stand-in screen is 1920×1040: the window is centred on it, at its saved size.
    expect(log.find((l) => l.what === 'BrowserWindow.options')!.detail).toEqual({ backgroundColor: '#0f1217', width: 1000, height: 700, x: 460, y: 170 });
    expect(log.find((l) => l.what === 'nativeTheme.themeSource')!.detail).toBe('dark');
    expect(log.map((l) => l.what)).toContain('maximize');
  });

  it('a window-state file that is not a small regular file is not read: default window, the reason in the log', () => {
    const { result, out, appData } = runMain({}, undefined, (dir) => {
      mkdirSync(path.join(dir, 'netmon-dev', 'window-state.json'), { recursive: true });
    });
    expect(result, out).not.toBeNull();
    expect(result!.log.find((l) => l.what === 'BrowserWindow.options')!.detail).not.toHaveProperty('x');
    const file = path.join(appData, 'netmon-dev', 'window-state.json');
    expect(readFileSync(path.join(appData, 'netmon-dev', 'logs', 'netmon.log'), 'utf8')).toContain(`WARN window state ${file}: not a regular file; using the defaults for it`);
  });

  it('a FIFO in place of the window-state file neither blocks the start nor the close: the state is saved as a regular file', () => {
    const { result, out, appData, r } = runMain({}, undefined, (dir) => {
      mkdirSync(path.join(dir, 'netmon-dev'), { recursive: true });
      expect(spawnSync('mkfifo', [path.join(dir, 'netmon-dev', 'window-state.json')]).status).toBe(0);
    });
    // Opening a FIFO to write waits for a reader that never comes: the close must not do that.
    expect(r.signal, out).toBeNull();
    expect(result, out).not.toBeNull();
    const file = path.join(appData, 'netmon-dev', 'window-state.json');
    expect(statSync(file).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ maximized: false, theme: 'light' });
  });

  it('an engine process that cannot start at all falls back to a worker thread and says so in the log', () => {
    const { out, appData, r } = runMain({ FAKE_UTILITY_BROKEN: '1' }, ['--source=demo', '--self-test', '--self-test-timeout=20000']);
    expect(r.status, out).toBe(0);
    const report = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{'))!) as Record<string, unknown>;
    expect(report).toMatchObject({ ok: true, source: 'demo', lastError: null, engine: 'worker thread' });
    expect(readFileSync(path.join(appData, 'netmon-dev', 'logs', 'netmon.log'), 'utf8')).toMatch(/ERROR the engine process ended 2 times before its first message .* the engine now runs in a worker thread/);
  });

  it('the copy "Restart as administrator" starts waits for the old copy to let go of the lock', () => {
    const { result, out, appData } = runMain({ FAKE_LOCK: 'free-after-3' }, ['--source=demo', '--interval=100', '--elevated-from=4321']);
    expect(result, out).not.toBeNull();
    const whats = result!.log.map((l) => l.what);
    expect(whats.filter((w) => w === 'requestSingleInstanceLock')).toHaveLength(4);
    expect(whats).toContain('BrowserWindow');
    expect(readFileSync(path.join(appData, 'netmon-dev', 'logs', 'netmon.log'), 'utf8')).toMatch(/INFO started as administrator by PID 4321: lock acquired/);
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
    expect(log.map((l) => l.what)).toEqual(['setAppUserModelId', 'registerSchemesAsPrivileged', 'enableSandbox', 'setPath', 'requestSingleInstanceLock', 'quit']);
  });
});
