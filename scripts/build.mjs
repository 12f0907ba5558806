// Builds every part of netmon into dist/: Node/Electron bundles with esbuild, the renderer with Vite.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { build as viteBuild } from 'vite';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
// Native / Electron modules stay outside the bundles: koffi loads its per-OS binary package at run time.
// playwright-core drives Chromium in the frame bench (bench/ui-frames.ts): loaded from node_modules.
const external = ['electron', 'koffi', 'ws', 'bufferutil', 'utf-8-validate', 'playwright-core'];

const entries = [
  { in: 'main/cli/index.ts', out: 'dist/cli.cjs' },
  { in: 'main/engine/worker.ts', out: 'dist/main/engine-worker.cjs' },
  { in: 'main/electron/main.ts', out: 'dist/main/index.cjs' },
  { in: 'preload/index.ts', out: 'dist/preload/index.cjs' },
  { in: 'bench/index.ts', out: 'dist/bench/index.cjs' },
];

const strict = process.env.NETMON_BUILD_STRICT !== '0';
for (const e of entries) {
  if (!existsSync(e.in)) {
    if (strict) throw new Error(`build: missing entry ${e.in}`);
    console.warn(`build: skipping missing entry ${e.in}`);
    continue;
  }
  await build({ ...node, entryPoints: [e.in], outfile: e.out, external });
}

if (existsSync('renderer/index.html')) {
  await viteBuild({ configFile: 'renderer/vite.config.mts', logLevel: 'warn' });
} else if (strict) {
  throw new Error('build: missing renderer/index.html');
}
console.log('build: ok');
