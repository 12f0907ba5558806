import { configDefaults, defineConfig } from 'vitest/config';

const TESTS = '{shared,main,preload,renderer,test}/**/*.test.{ts,tsx}';

export default defineConfig({
  test: {
    // Wine cold start and live-socket tests need room; unit tests finish far below this.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    setupFiles: ['test/setup/dom-waits.ts'],
    // Wine looks up the owner of every row by scanning /proc/*/fd (milliseconds a row): the Wine
    // tests run after the others, not beside the tests that hold thousands of sockets.
    projects: [
      { extends: true, test: { name: 'main', include: [TESTS], exclude: [...configDefaults.exclude, 'test/wine/**'] } },
      // One file at a time: the files share one wineserver per prefix, and the table tests restart it
      // inside a network namespace of their own (test/wine/wine-env.ts, isolateNetwork).
      { extends: true, test: { name: 'wine', include: ['test/wine/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
