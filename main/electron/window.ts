// The BrowserWindow settings, kept as data so the security flags are asserted by a unit test.
import type { BrowserWindowConstructorOptions } from 'electron';

export function windowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 860,
    minWidth: 720,
    minHeight: 420,
    title: 'netmon',
    // Shown once the first frame is painted, so the user never sees an empty white window.
    show: false,
    backgroundColor: '#1e1e1e',
    autoHideMenuBar: true,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}
