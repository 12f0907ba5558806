import { describe, expect, it, vi } from 'vitest';
import { elevationCommand, psLiteral, quoteWindowsArg, restartAsAdmin, type ElevateDeps } from '../../main/electron/elevate';

// Splits a command line the way CommandLineToArgvW does (arguments after the program name).
function splitWindows(cmd: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < cmd.length) {
    while (cmd[i] === ' ' || cmd[i] === '\t') i++;
    if (i >= cmd.length) break;
    let arg = '';
    let quoted = false;
    for (; i < cmd.length; i++) {
      const c = cmd[i];
      if (c === '\\') {
        let n = 0;
        while (cmd[i] === '\\') {
          n++;
          i++;
        }
        if (cmd[i] === '"') {
          arg += '\\'.repeat(n >> 1);
          if (n % 2 === 1) arg += '"';
          else quoted = !quoted;
        } else {
          arg += '\\'.repeat(n);
          i--;
        }
      } else if (c === '"') quoted = !quoted;
      else if ((c === ' ' || c === '\t') && !quoted) break;
      else arg += c;
    }
    out.push(arg);
  }
  return out;
}

describe('quoting', () => {
  it('round-trips awkward arguments through Windows command-line splitting', () => {
    const args = ['plain', '', 'with space', 'C:\\Program Files\\netmon\\', 'say "hi"', 'a\\\\"b', 'tab\there', 'trail\\'];
    const line = args.map(quoteWindowsArg).join(' ');
    expect(splitWindows(line)).toEqual(args);
    expect(quoteWindowsArg('--flag')).toBe('--flag');
  });

  it('makes PowerShell literals', () => {
    expect(psLiteral("it's")).toBe("'it''s'");
    expect(psLiteral('$(calc)')).toBe("'$(calc)'");
  });

  it('builds the Start-Process call by full path', () => {
    const c = elevationCommand('C:\\Users\\O\'Neil\\netmon.exe', ['--x', 'a b']);
    expect(c.file).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    const script = c.args[c.args.length - 1];
    expect(script).toBe("Start-Process -FilePath 'C:\\Users\\O''Neil\\netmon.exe' -Verb RunAs -ArgumentList '--x \"a b\"'");
    expect(elevationCommand('n.exe', []).args.at(-1)).toBe("Start-Process -FilePath 'n.exe' -Verb RunAs");
  });
});

describe('restartAsAdmin', () => {
  function deps(over: Partial<ElevateDeps> = {}) {
    const calls: string[] = [];
    const d: ElevateDeps = {
      platform: 'win32',
      execPath: 'C:\\netmon\\netmon.exe',
      args: [],
      run: vi.fn(async () => (calls.push('run'), { code: 0, stderr: '' })),
      releaseLock: () => calls.push('release'),
      reacquireLock: () => calls.push('reacquire'),
      quit: () => calls.push('quit'),
      ...over,
    };
    return { d, calls };
  }

  it('refuses off Windows without running anything', async () => {
    const { d, calls } = deps({ platform: 'linux' });
    const r = await restartAsAdmin(d);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toMatch(/only available on Windows/);
    expect(calls).toEqual([]);
  });

  it('releases the lock, launches elevated, then quits', async () => {
    const { d, calls } = deps();
    expect(await restartAsAdmin(d)).toEqual({ ok: true });
    expect(calls).toEqual(['release', 'run', 'quit']);
  });

  it('keeps running when the prompt is declined, with the reason', async () => {
    const { d, calls } = deps({
      run: async () => ({ code: 1, stderr: 'Start-Process : This command cannot be run due to the error: The operation was canceled by the user.\r\nAt line:1' }),
    });
    expect(await restartAsAdmin(d)).toEqual({ ok: false, reason: 'the administrator prompt was declined' });
    expect(calls).toEqual(['release', 'reacquire']);
  });

  it('reports a failure to start PowerShell', async () => {
    const { d, calls } = deps({ run: async () => Promise.reject(new Error('spawn ENOENT')) });
    const r = await restartAsAdmin(d);
    expect(r).toEqual({ ok: false, reason: 'could not start PowerShell: spawn ENOENT' });
    expect(calls).toEqual(['release', 'reacquire']);
  });
});
