// The Electron main process: one instance, one hardened window showing app://netmon, the engine in
// a worker thread, one IPC message per poll. Every decision lives in the small modules beside this
// file (unit-tested); this file only wires them to Electron.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { CHANNELS } from '../../shared/ipc';
import { createActionService } from '../actions/service';
import { createResolver } from '../dns/resolver';
import { startEngineHost, type StartedEngineHost } from '../engine/host';
import { createRecorder } from '../record/recorder';
import { APP_ENTRY_URL, APP_SCHEME } from './app-url';
import { restartAsAdmin, type RunResult } from './elevate';
import { createIpcHandlers, registerIpcHandlers } from './ipc';
import { appPaths, parseShellArgs } from './options';
import { createAppProtocolHandler } from './protocol';
import { createRecordingController, type RecordingController } from './recording';
import { hardenSession, hardenWebContents } from './security';
import { windowOptions } from './window';

// Must happen before `ready`: app:// behaves like https (secure context, same-origin rules, fetch).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

const paths = appPaths(__dirname);
const shellOptions = parseShellArgs(process.argv, process.env);
const log = (msg: string) => console.warn(`netmon: ${msg}`);

let win: BrowserWindow | null = null;
let engine: StartedEngineHost | null = null;
let recording: RecordingController | null = null;

function createWindow(): BrowserWindow {
  const w = new BrowserWindow(windowOptions(paths.preload, process.platform === 'win32' ? undefined : paths.icon));
  w.once('ready-to-show', () => w.show());
  w.on('closed', () => {
    if (win === w) win = null;
  });
  if (shellOptions.devTools) w.webContents.openDevTools({ mode: 'detach' });
  void w.loadURL(APP_ENTRY_URL);
  return w;
}

function runHidden(file: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { windowsHide: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, { onBlocked: (what, url) => log(`blocked ${what} ${url}`) });
  protocol.handle(APP_SCHEME, createAppProtocolHandler(paths.rendererRoot));

  engine = startEngineHost({ workerPath: paths.worker, source: shellOptions.source, intervalMs: shellOptions.intervalMs });
  const host = engine;
  recording = createRecordingController({
    directory: path.join(app.getPath('userData'), 'recordings'),
    mkdir: async (dir) => void (await fs.mkdir(dir, { recursive: true })),
    createRecorder: ({ path: file, format }) => createRecorder({ path: file, format }),
    onError: log,
  });
  const rec = recording;
  const actions = createActionService();
  const resolver = createResolver();

  registerIpcHandlers(
    ipcMain,
    createIpcHandlers({
      engine: host,
      actions,
      resolver,
      recording: { set: (active, format) => rec.set(active, format) },
      restartAsAdmin: () =>
        restartAsAdmin({
          platform: process.platform,
          execPath: process.execPath,
          args: process.argv.slice(1),
          systemRoot: process.env.SystemRoot,
          run: runHidden,
          releaseLock: () => app.releaseSingleInstanceLock(),
          reacquireLock: () => void app.requestSingleInstanceLock(),
          quit: () => app.quit(),
        }),
      mainFrame: () => (win && !win.isDestroyed() ? win.webContents.mainFrame : null),
    }),
  );

  // One message per poll: the engine's batch JSON goes to the window as it is.
  host.onBatch((json) => {
    rec.onBatch(json);
    if (win && !win.isDestroyed()) win.webContents.send(CHANNELS.batch, json);
  });

  win = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  // Applies to every WebContents ever created, the main window's included.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, {
      openExternal: (url) => void shell.openExternal(url),
      onBlocked: (what, url) => log(`blocked ${what} ${url}`),
    });
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (app.isReady() && !win && engine) win = createWindow();
  });
  app.on('will-quit', () => {
    recording?.close();
    void engine?.close();
  });
  app.whenReady().then(start).catch((err: unknown) => {
    log(`failed to start: ${err instanceof Error ? err.stack : String(err)}`);
    app.exit(1);
  });
}
