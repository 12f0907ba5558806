#!/usr/bin/env node
// Entry point of the `netmon` command; the CLI itself is bundled into dist/cli.cjs by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(cli)) {
  console.error('netmon: not built yet; run `npm run build` first');
  process.exit(2);
}
require(cli);
