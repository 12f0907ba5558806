// The real services behind `netmon serve`, resolved relative to the bundle (dist/cli.cjs):
// the engine worker at dist/main/engine-worker.cjs, the renderer at dist/renderer.
import path from 'node:path';
import { createResolver } from '../dns/resolver';
import { startEngineHost } from '../engine/host';
import { createActionService } from '../actions/service';
import type { ServeDeps } from './cli';
import { openInBrowser } from './opener';

export function defaultServeDeps(bundleDir: string = __dirname): ServeDeps {
  return {
    staticDir: path.join(bundleDir, 'renderer'),
    startEngine: async ({ source, intervalMs, demo, tables }) =>
      startEngineHost({ workerPath: path.join(bundleDir, 'main', 'engine-worker.cjs'), source, intervalMs, connections: demo?.connections, churn: demo?.churn, traffic: demo?.traffic, tables }),
    // The service picks the OS implementation and refuses to end netmon's own process.
    createActions: () => createActionService(),
    createResolver: () => createResolver(),
    openUrl: (url) => openInBrowser(url),
  };
}
