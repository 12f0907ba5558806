// Renders build/icon.svg to PNGs with headless Chromium and packs them into build/icon.ico
// (Windows: exe, installer, shortcuts) plus build/icon.png (256 px, for the window on Linux).
// Run: node scripts/make-icon.mjs   (needs /usr/bin/chromium or CHROMIUM=path)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packIco, pngSize } from './ico.mjs';

const SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256];
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const svg = readFileSync(path.join(root, 'build', 'icon.svg'), 'utf8');
const work = mkdtempSync(path.join(tmpdir(), 'netmon-icon-'));

try {
  const pngs = SIZES.map((size) => {
    const html = path.join(work, `icon-${size}.html`);
    const out = path.join(work, `icon-${size}.png`);
    writeFileSync(
      html,
      `<!doctype html><html><body style="margin:0;background:transparent">` +
        svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `) +
        `</body></html>`,
    );
    execFileSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
      '--default-background-color=00000000', '--force-device-scale-factor=1',
      `--window-size=${size},${size}`, `--screenshot=${out}`, `file://${html}`,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const png = readFileSync(out);
    const got = pngSize(png);
    if (got.width !== size || got.height !== size) throw new Error(`chromium rendered ${got.width}x${got.height} for ${size}`);
    return png;
  });
  writeFileSync(path.join(root, 'build', 'icon.ico'), packIco(pngs));
  writeFileSync(path.join(root, 'build', 'icon.png'), pngs[pngs.length - 1]);
  console.log(`make-icon: wrote build/icon.ico (${SIZES.join(', ')} px) and build/icon.png`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
