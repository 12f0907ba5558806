import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,main,preload,renderer,test}/**/*.test.{ts,tsx}'],
    // Wine cold start and live-socket tests need room; unit tests finish far below this.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
