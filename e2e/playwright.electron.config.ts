// Playwright config for the Electron shell spec only (the browser-mode specs have their own config).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: ['electron.spec.ts'],
  outputDir: 'artifacts/electron-results',
  timeout: 60_000,
  workers: 1,
  // The list reporter prints each skipped test's reason, so a run without Electron says why.
  reporter: [['list', { printSteps: false }]],
});
