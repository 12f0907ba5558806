// The Windows runner's test set (.github/workflows/windows.yml): the unit tests, minus those bound
// to Linux (procfs, netlink, `ss`, network namespaces) or to Wine, plus test/windows/*.win.ts, the
// native checks of the Windows source that Wine cannot make. Not used on Linux: npm test's config
// (vitest.config.mts) only picks up *.test.ts files, so *.win.ts never runs there.
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['{shared,main,preload,renderer}/**/*.test.{ts,tsx}', 'test/windows/**/*.win.ts'],
    exclude: [
      ...configDefaults.exclude,
      '**/*.linux.test.ts',
      'main/source/linux/**',
      'main/source/index.test.ts',
      'main/source/port-range.test.ts',
      'main/native/netlink*.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
