// Browser-mode e2e: the real engine (`netmon serve --source linux`) and the real renderer in
// Debian's Chromium. The Electron shell has its own config (playwright.electron.config.ts).
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

export default defineConfig({
  testDir: __dirname,
  testMatch: /.*\.spec\.ts$/,
  testIgnore: /electron\.spec\.ts$/,
  globalSetup: require.resolve('./global-setup'),
  outputDir: '../test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    colorScheme: 'light',
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
});
