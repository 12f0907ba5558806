// ShellExecuteExW("runas") for real under Wine, through the binding "Restart as administrator" uses.
// Wine has no UAC: the probe records what its ShellExecuteExW does with the verb, whether the
// command line survives quoting, and what SHGetKnownFolderPath names as Program Files.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleForWindows, prepareWine, runWindowsNode, winPath, RUNTIME_DIR } from './wine-env';
import { ECHO_ARGS } from './shell-execute-args';

interface Probe {
  fatal?: string;
  /** The last step begun (a native fault leaves an earlier one here). */
  step: string;
  layout: { size: number; offsets: Record<string, number> };
  programFiles: string | null;
  programFilesX86: string | null;
  bogusFolder: string | null;
  runas: { ok: true } | { ok: false; error: number };
  runasMs: number;
  echo: { args: string[]; env: string | null; pid: number } | null;
  missing: { ok: true } | { ok: false; error: number };
  missingDir: { ok: true } | { ok: false; error: number };
  badVerb: { ok: true } | { ok: false; error: number };
}

let probe: Probe;

beforeAll(async () => {
  const w = prepareWine();
  await bundleForWindows(join(__dirname, 'shell-execute-echo.ts'), 'shell-execute-echo.cjs');
  const script = await bundleForWindows(join(__dirname, 'shell-execute-probe.ts'), 'shell-execute-probe.cjs');
  const outFile = join(RUNTIME_DIR, `shell-execute-${process.pid}.json`);
  rmSync(outFile, { force: true });
  const r = runWindowsNode(w, script, [winPath(outFile)], 240_000);
  if (!existsSync(outFile)) throw new Error(`the probe wrote no result (exit ${r.status}).\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  probe = JSON.parse(readFileSync(outFile, 'utf8')) as Probe;
  rmSync(outFile, { force: true });
  console.log(`[wine] ShellExecuteExW runas: ${JSON.stringify(probe.runas)} in ${probe.runasMs} ms; echo ${JSON.stringify(probe.echo)}; missing ${JSON.stringify(probe.missing)}; bad verb ${JSON.stringify(probe.badVerb)}; Program Files ${probe.programFiles} / ${probe.programFilesX86}`);
});

describe('ShellExecuteExW under Wine', () => {
  it('ran to the end without a fatal error or a native fault', () => {
    expect(probe.fatal).toBeUndefined();
    expect(probe.step).toBe('done');
  });

  it('SHELLEXECUTEINFOW has the documented x64 layout in the Windows koffi too', () => {
    expect(probe.layout.size).toBe(112);
    expect(probe.layout.offsets).toMatchObject({ hwnd: 8, lpVerb: 16, lpParameters: 32, nShow: 48, hInstApp: 56, hProcess: 104 });
  });

  it('SHGetKnownFolderPath names the Program Files folders (what elevationPolicy trusts)', () => {
    expect(probe.programFiles).toBe('C:\\Program Files');
    expect(probe.programFilesX86).toBe('C:\\Program Files (x86)');
    expect(probe.bogusFolder).toBeNull();
  });

  it('"runas" starts the program with every argument intact (Wine: no UAC prompt, environment inherited)', () => {
    expect(probe.runas).toEqual({ ok: true });
    expect(probe.echo).not.toBeNull();
    expect(probe.echo!.args).toEqual(ECHO_ARGS);
    // Wine starts it like CreateProcess would. Windows starts an elevated copy through the consent
    // service without our environment: that is why NETMON_SOURCE travels as --source.
    expect(probe.echo!.env).toBe('carried');
  });

  it('a missing program fails with ERROR_FILE_NOT_FOUND (2) / ERROR_PATH_NOT_FOUND (3), no dialog', () => {
    expect(probe.missing).toEqual({ ok: false, error: 2 });
    expect(probe.missingDir).toEqual({ ok: false, error: 3 });
  });

  it('Wine runs an unknown verb as the default one (a Wine trait, noted; netmon only uses "runas")', () => {
    expect(probe.badVerb).toEqual({ ok: true });
  });
});
