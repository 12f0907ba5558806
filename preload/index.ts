// Preload of the netmon window (sandboxed: only contextBridge and ipcRenderer are available here;
// esbuild bundles the shared contract in). Exposes window.netmon and window.netmonDesktop, nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge, createDesktopBridge } from './bridge';

contextBridge.exposeInMainWorld('netmon', createBridge(ipcRenderer));
contextBridge.exposeInMainWorld('netmonDesktop', createDesktopBridge(ipcRenderer));
