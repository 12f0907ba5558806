// Bundles `netmon serve` as scripts/build.mjs does, into a scratch dist with a stand-in renderer,
// for tests that run the real command (and the real engine worker) in a child process.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', external: ['electron', 'koffi', 'ws'] };

/**
 * Returns the scratch dist directory: cli.cjs, main/engine-worker.cjs, renderer/index.html, and
 * each extra entry (TypeScript source resolved from the repository root) as `<name>.cjs`.
 */
export async function bundleServe(extra: Record<string, string> = {}): Promise<string> {
  const dist = mkdtempSync(path.join(os.tmpdir(), 'netmon-serve-dist-'));
  await build({ ...common, entryPoints: ['main/cli/index.ts'], outfile: path.join(dist, 'cli.cjs') });
  await build({ ...common, entryPoints: ['main/engine/worker.ts'], outfile: path.join(dist, 'main', 'engine-worker.cjs') });
  for (const [name, contents] of Object.entries(extra)) {
    await build({ ...common, stdin: { contents, resolveDir: process.cwd(), loader: 'ts' }, outfile: path.join(dist, `${name}.cjs`) });
  }
  mkdirSync(path.join(dist, 'renderer'));
  writeFileSync(path.join(dist, 'renderer', 'index.html'), '<!doctype html><title>netmon</title>');
  return dist;
}
