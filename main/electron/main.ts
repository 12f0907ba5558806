// The Electron main process: one instance, one hardened window showing app://netmon, the engine in
// a utility process, one IPC message per poll. Every decision lives in the small modules beside this
// file (unit-tested); this file only wires them to Electron.
import { mkdirSync, promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, screen, session, shell, utilityProcess } from 'electron';
import { CHANNELS, type ThemeSource } from '../../shared/ipc';
import { dropSecretEnv } from '../child-env';
import { createActionService } from '../actions/service';
import { createResolver } from '../dns/resolver';
import { spawnWorkerThread, startEngineHost, type StartedEngineHost } from '../engine/host';
import { FOLDERID_ProgramFiles, FOLDERID_ProgramFilesX86, knownFolderPath, shellExecuteEx } from '../native/koffi';
import { createRecorder } from '../record/recorder';
import { createAppLog } from './app-log';
import { APP_ENTRY_URL, APP_SCHEME } from './app-url';
import { acquireInstanceLock, elevatedFrom, restartAsAdmin } from './elevate';
import { utilityProcessSpawner, withFallback } from './engine-process';
import { createIpcHandlers, registerIpcHandlers } from './ipc';
import { devToolsAllowed, isDeveloperShortcut, menuTemplate } from './menu';
import { APP_USER_MODEL_ID, appPaths, parseShellArgs, userDataDir } from './options';
import { createAppProtocolHandler } from './protocol';
import { createRecordingController, type RecordingController } from './recording';
import { createRendererCrashPolicy } from './renderer-crash';
import { hardenSession, hardenWebContents } from './security';
import { runSelfTest } from './self-test';
import { windowOptions } from './window';
import { backgroundColor, placeWindow, readWindowStateFile, WINDOW_STATE_FILE, writeWindowStateFile, type WindowState } from './window-state';

// Taskbar grouping and notifications follow this id; set before any window exists (Windows only).
app.setAppUserModelId?.(APP_USER_MODEL_ID);
// Must happen before `ready`: app:// behaves like https (secure context, same-origin rules, fetch).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
// A development build keeps its own profile and lock: it must not meet the installed app's.
app.setPath('userData', userDataDir(app.getPath('appData'), app.isPackaged));

const paths = appPaths(__dirname);
const shellOptions = parseShellArgs(process.argv, process.env);
// The desktop app has no token: a NETMON_TOKEN set for `netmon serve` is not passed to what it starts.
dropSecretEnv();
const allowDevTools = devToolsAllowed(shellOptions.devTools, app.isPackaged);
const appLog = createAppLog({
  dir: path.join(app.getPath('userData'), 'logs'),
  echo: app.isPackaged ? undefined : (line) => process.stderr.write(line),
});
const log = (msg: string) => appLog.write('warn', msg);

let win: BrowserWindow | null = null;
let engine: StartedEngineHost | null = null;
let recording: RecordingController | null = null;
let engineRunsIn: 'utility process' | 'worker thread' = 'utility process';
const stateFile = path.join(app.getPath('userData'), WINDOW_STATE_FILE);
let windowState: WindowState = readWindowState();

function readWindowState(): WindowState {
  const { state, problem } = readWindowStateFile(stateFile);
  if (problem) log(`window state ${stateFile}: ${problem}; using the defaults for it`);
  return state;
}

function saveWindowState(): void {
  try {
    writeWindowStateFile(stateFile, windowState);
  } catch (err) {
    log(`could not save the window state: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function applyTheme(theme: ThemeSource): void {
  nativeTheme.themeSource = theme;
  if (win && !win.isDestroyed()) win.setBackgroundColor(backgroundColor(nativeTheme.shouldUseDarkColors));
}

function openLogFolder(): Promise<string> {
  mkdirSync(appLog.dir, { recursive: true });
  return shell.openPath(appLog.dir);
}

function createWindow(): BrowserWindow {
  const opts = windowOptions(paths.preload, process.platform === 'win32' ? undefined : paths.icon);
  const bounds = placeWindow(windowState.bounds, screen.getAllDisplays().map((d) => d.workArea), {
    width: opts.minWidth ?? 0,
    height: opts.minHeight ?? 0,
  });
  const w = new BrowserWindow({ ...opts, ...(bounds ?? {}), backgroundColor: backgroundColor(nativeTheme.shouldUseDarkColors) });
  // maximize() shows the window at once: wait, like show(), for the first frame.
  w.once('ready-to-show', () => (windowState.maximized ? w.maximize() : w.show()));
  w.on('close', () => {
    windowState = { ...windowState, bounds: w.getNormalBounds(), maximized: w.isMaximized() };
    saveWindowState();
  });
  w.on('closed', () => {
    if (win === w) win = null;
  });
  const contents = w.webContents;
  if (allowDevTools) {
    contents.openDevTools({ mode: 'detach' });
  } else {
    // No menu item or shortcut opens them; anything that still does is closed at once.
    contents.on('devtools-opened', () => contents.closeDevTools());
    contents.on('before-input-event', (event, input) => {
      if (isDeveloperShortcut(input)) event.preventDefault();
    });
  }
  const onCrash = createRendererCrashPolicy({ now: Date.now });
  contents.on('render-process-gone', (_event, details) => {
    const decision = onCrash(details);
    if (decision.action === 'ignore') return;
    appLog.write('error', `window renderer gone (${details.reason}, exit code ${details.exitCode}); ${decision.action}`);
    if (decision.action === 'reload') void w.loadURL(APP_ENTRY_URL);
    void dialog.showMessageBox(w, { type: 'warning', title: 'netmon', message: decision.message, detail: decision.detail });
  });
  void w.loadURL(APP_ENTRY_URL);
  return w;
}

function startEngine(): StartedEngineHost {
  return startEngineHost({
    workerPath: paths.worker,
    source: shellOptions.source,
    intervalMs: shellOptions.intervalMs,
    spawn: withFallback(utilityProcessSpawner(utilityProcess), spawnWorkerThread, {
      onFallback: (why) => {
        engineRunsIn = 'worker thread';
        appLog.write('error', why);
      },
    }),
    onCrash: (message) => appLog.write('error', message),
  });
}

function nativeWindowHandle(): bigint | null {
  if (!win || win.isDestroyed()) return null;
  const h = win.getNativeWindowHandle();
  return h.length >= 8 ? h.readBigUInt64LE(0) : BigInt(h.readUInt32LE(0));
}

async function selfTest(out: string | null): Promise<void> {
  // The same handler the window would use, asked directly: no window is opened.
  const serve = createAppProtocolHandler(paths.rendererRoot);
  engine = startEngine();
  const host = engine;
  const report = await runSelfTest({
    onBatch: (l) => host.onBatch(l),
    checkRenderer: async () => (await serve(new Request(APP_ENTRY_URL))).status,
    versions: { netmon: app.getVersion(), electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
    now: Date.now,
    timeoutMs: shellOptions.selfTestTimeoutMs,
  });
  await host.close();
  const text = `${JSON.stringify({ ...report, engine: engineRunsIn })}\n`;
  try {
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  } catch (err) {
    process.stderr.write(`netmon: --self-test could not write ${out}: ${err instanceof Error ? err.message : String(err)}\n`);
    app.exit(1);
    return;
  }
  app.exit(report.ok ? 0 : 1);
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, { onBlocked: (what, url) => log(`blocked ${what} ${url}`) });
  protocol.handle(APP_SCHEME, createAppProtocolHandler(paths.rendererRoot));
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ openLogFolder: () => void openLogFolder() }, { devTools: allowDevTools })));
  if (shellOptions.devTools && !allowDevTools) log('--devtools is ignored in an installed build');
  nativeTheme.themeSource = windowState.theme;
  nativeTheme.on('updated', () => {
    if (win && !win.isDestroyed()) win.setBackgroundColor(backgroundColor(nativeTheme.shouldUseDarkColors));
  });

  engine = startEngine();
  const host = engine;
  recording = createRecordingController({
    directory: path.join(app.getPath('userData'), 'recordings'),
    mkdir: async (dir) => void (await fs.mkdir(dir, { recursive: true })),
    createRecorder: ({ path: file, format }) => createRecorder({ path: file, format }),
    onError: log,
    // The window shows the engine side's recording, told of every change (a reload asks getRecording).
    onChange: (status) => {
      if (win && !win.isDestroyed()) win.webContents.send(CHANNELS.recording, status);
    },
  });
  const rec = recording;
  // Every process of this app (main, renderers, GPU, the engine's utility process) is netmon's own: its UI must not end them.
  const actions = createActionService({ ownPids: () => new Map(app.getAppMetrics().map((m) => [m.pid, `netmon's ${m.type} process`])) });
  const resolver = createResolver();

  registerIpcHandlers(
    ipcMain,
    createIpcHandlers({
      engine: host,
      actions,
      resolver,
      recording: { set: (active, format) => rec.set(active, format), status: () => rec.status() },
      restartAsAdmin: () =>
        restartAsAdmin({
          platform: process.platform,
          execPath: process.execPath,
          args: process.argv.slice(1),
          pid: process.pid,
          env: process.env,
          packaged: app.isPackaged,
          protectedRoots: () => [FOLDERID_ProgramFiles, FOLDERID_ProgramFilesX86].map(knownFolderPath).filter((p): p is string => p !== null),
          shellExecute: (req) => shellExecuteEx({ verb: 'runas', ...req, hwnd: nativeWindowHandle() }),
          log: (msg) => appLog.write('info', msg),
          quit: () => app.quit(),
        }),
      desktop: {
        setTheme: async (theme) => {
          applyTheme(theme);
          windowState = { ...windowState, theme };
          saveWindowState();
        },
        openLogFolder,
      },
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

function runApp(): void {
  app.on('second-instance', (_event, argv) => {
    // The elevated copy we started asks for the lock while we quit: not a reason to come forward.
    if (elevatedFrom(argv) === process.pid) return;
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
    appLog.close();
  });
  app.whenReady().then(start).catch((err: unknown) => {
    appLog.write('error', `failed to start: ${err instanceof Error ? err.stack : String(err)}`);
    app.exit(1);
  });
}

async function main(): Promise<void> {
  if (shellOptions.selfTest) {
    // No window, no lock: a self-test may run beside an open netmon.
    await app.whenReady();
    await selfTest(shellOptions.selfTest.out);
    return;
  }
  const from = elevatedFrom(process.argv);
  const lock = await acquireInstanceLock({
    tryLock: () => app.requestSingleInstanceLock(),
    elevatedFrom: from,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: Date.now,
  });
  if (from !== null) appLog.write('info', `started as administrator by PID ${from}: lock ${lock}`);
  if (lock !== 'acquired') {
    app.quit();
    return;
  }
  runApp();
}

main().catch((err: unknown) => {
  appLog.write('error', `failed to start: ${err instanceof Error ? err.stack : String(err)}`);
  app.exit(1);
});
