// "Restart as administrator": start this same executable elevated (UAC prompt via PowerShell's
// Start-Process -Verb RunAs), then quit. The single-instance lock is let go first, or the elevated
// copy would see us still running and exit; if the user declines, we take it back and carry on.
import type { ActionResult } from '../../shared/ipc';

export interface RunResult {
  code: number | null;
  stderr: string;
}

export interface ElevateDeps {
  platform: NodeJS.Platform;
  execPath: string;
  /** Arguments for the new instance (process.argv.slice(1)). */
  args: string[];
  /** %SystemRoot%, to call PowerShell by full path rather than through PATH. */
  systemRoot?: string;
  run(file: string, args: string[]): Promise<RunResult>;
  releaseLock(): void;
  reacquireLock(): void;
  quit(): void;
}

/** Quotes one argument the way CommandLineToArgvW splits it back. */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      slashes++;
      continue;
    }
    if (ch === '"') out += '\\'.repeat(slashes * 2 + 1) + '"';
    else out += '\\'.repeat(slashes) + ch;
    slashes = 0;
  }
  return out + '\\'.repeat(slashes * 2) + '"';
}

/** A PowerShell single-quoted string literal: only `'` needs escaping (doubled). */
export function psLiteral(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

export function elevationCommand(execPath: string, args: string[], systemRoot = 'C:\\Windows'): { file: string; args: string[] } {
  // -ArgumentList joins array items without quoting them, so hand it one pre-quoted command line.
  let script = `Start-Process -FilePath ${psLiteral(execPath)} -Verb RunAs`;
  if (args.length > 0) script += ` -ArgumentList ${psLiteral(args.map(quoteWindowsArg).join(' '))}`;
  return {
    file: `${systemRoot}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`,
    args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', script],
  };
}

export async function restartAsAdmin(deps: ElevateDeps): Promise<ActionResult> {
  if (deps.platform !== 'win32') {
    return { ok: false, reason: `restarting as administrator is only available on Windows (this is ${deps.platform}); run netmon with sudo instead` };
  }
  const cmd = elevationCommand(deps.execPath, deps.args, deps.systemRoot);
  deps.releaseLock();
  let result: RunResult;
  try {
    result = await deps.run(cmd.file, cmd.args);
  } catch (err) {
    deps.reacquireLock();
    return { ok: false, reason: `could not start PowerShell: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (result.code !== 0) {
    deps.reacquireLock();
    const detail = result.stderr.trim().split(/\r?\n/)[0] ?? '';
    // Start-Process reports a declined UAC prompt as "The operation was canceled by the user."
    const reason = /cancel/i.test(detail) ? 'the administrator prompt was declined' : detail || `PowerShell exited with code ${result.code}`;
    return { ok: false, reason };
  }
  deps.quit();
  return { ok: true };
}
