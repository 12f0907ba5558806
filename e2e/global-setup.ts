// Fails early, with the fix, when what the browser e2e needs is missing.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM_PATH } from './chromium';

export default function globalSetup(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `e2e: Chromium not found at ${CHROMIUM_PATH}. Install Debian's Chromium: sudo apt-get install -y chromium ` +
        `(Playwright's own browser download is not used).`,
    );
  }
  const root = path.resolve(__dirname, '..');
  for (const f of ['dist/cli.cjs', 'dist/main/engine-worker.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(path.join(root, f))) {
      throw new Error(`e2e: ${f} is missing; run \`npm run build\` first (\`npm test\` does).`);
    }
  }
}
