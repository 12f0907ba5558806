// The real services behind `netmon serve`, resolved relative to the bundle (dist/cli.cjs):
// the engine worker at dist/main/engine-worker.cjs, the renderer at dist/renderer.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createResolver } from '../dns/resolver';
import { startEngineHost } from '../engine/host';
import { createActionService } from '../actions/service';
import type { ServeDeps } from './cli';

/** The platform's "open this URL" command; the URL is one argument, never parsed by a shell. */
export function openCommand(url: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  if (platform === 'darwin') return ['open', [url]];
  return ['xdg-open', [url]];
}

function openUrl(url: string): void {
  const [cmd, args] = openCommand(url);
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', (e) => process.stderr.write(`netmon: could not open a browser (${e.message}); open the URL above\n`));
  child.unref();
}

export function defaultServeDeps(bundleDir: string = __dirname): ServeDeps {
  return {
    staticDir: path.join(bundleDir, 'renderer'),
    startEngine: async ({ source, intervalMs }) =>
      startEngineHost({ workerPath: path.join(bundleDir, 'main', 'engine-worker.cjs'), source, intervalMs }),
    // The service picks the OS implementation and refuses to end netmon's own process.
    createActions: () => createActionService(),
    createResolver: () => createResolver(),
    openUrl,
  };
}
