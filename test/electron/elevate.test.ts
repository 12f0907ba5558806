import { describe, expect, it, vi } from 'vitest';
import {
  acquireInstanceLock,
  elevatedArgs,
  elevatedFrom,
  elevationErrorReason,
  elevationPolicy,
  quoteWindowsArg,
  restartAsAdmin,
  windowsCommandLine,
  type ElevateDeps,
} from '../../main/electron/elevate';

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

describe('quoting (CommandLineToArgvW rules)', () => {
  it('round-trips awkward arguments through Windows command-line splitting', () => {
    const args = ['plain', '', 'with space', 'C:\\Program Files\\netmon\\', 'say "hi"', 'a\\\\"b', 'tab\there', 'trail\\', '\\\\server\\share\\x y', '"', '\\"', 'ünï cödé'];
    expect(splitWindows(windowsCommandLine(args))).toEqual(args);
    expect(quoteWindowsArg('--flag')).toBe('--flag');
    expect(quoteWindowsArg('')).toBe('""');
    expect(quoteWindowsArg('a b\\')).toBe('"a b\\\\"');
    expect(quoteWindowsArg('x"y')).toBe('"x\\"y"');
    // Backslashes not before a quote stay single.
    expect(quoteWindowsArg('C:\\a b\\c')).toBe('"C:\\a b\\c"');
  });
});

describe('elevatedArgs / elevatedFrom', () => {
  it('adds our PID, drops an older one, and carries NETMON_SOURCE as --source', () => {
    expect(elevatedArgs(['--interval=500', '--elevated-from=9'], 1234, { NETMON_SOURCE: 'demo' })).toEqual(['--interval=500', '--source=demo', '--elevated-from=1234']);
    // An explicit --source wins over the environment.
    expect(elevatedArgs(['--source=windows'], 7, { NETMON_SOURCE: 'demo' })).toEqual(['--source=windows', '--elevated-from=7']);
    expect(elevatedArgs([], 7, {})).toEqual(['--elevated-from=7']);
    // The relaunch carries what it needs as arguments; a token in our environment is not among them
    // (the desktop app has none, and the elevated copy does not inherit our environment).
    expect(elevatedArgs([], 7, { NETMON_SOURCE: 'demo', NETMON_TOKEN: 'tokenFromTheEnvironment_0123456789' })).toEqual(['--source=demo', '--elevated-from=7']);
  });

  it('reads the PID back, refusing anything but a positive integer', () => {
    expect(elevatedFrom(['netmon.exe', '--elevated-from=1234'])).toBe(1234);
    expect(elevatedFrom(['--elevated-from=0'])).toBeNull();
    expect(elevatedFrom(['--elevated-from=12ab'])).toBeNull();
    expect(elevatedFrom(['--elevated-from=-3'])).toBeNull();
    expect(elevatedFrom(['--elevated-from=99999999999'])).toBeNull();
    expect(elevatedFrom(['--other'])).toBeNull();
  });
});

describe('elevationPolicy', () => {
  const roots = ['C:\\Program Files', 'C:\\Program Files (x86)'];
  const packaged = (execPath: string, protectedRoots = roots) => elevationPolicy({ execPath, packaged: true, protectedRoots });

  it('allows a per-machine install under a Program Files folder the OS names', () => {
    expect(packaged('C:\\Program Files\\netmon\\netmon.exe')).toEqual({ allowed: true });
    expect(packaged('c:\\program files (x86)\\netmon\\netmon.exe')).toEqual({ allowed: true });
    expect(packaged('D:\\Apps\\netmon\\netmon.exe', ['D:\\Apps\\'])).toEqual({ allowed: true });
  });

  it('refuses a per-user install, saying why and what to do', () => {
    const r = packaged('C:\\Users\\ann\\AppData\\Local\\Programs\\netmon\\netmon.exe');
    expect(r.allowed).toBe(false);
    expect(!r.allowed && r.reason).toMatch(/C:\\Users\\ann\\AppData\\Local\\Programs\\netmon, a folder programs running as you can change/);
    expect(!r.allowed && r.reason).toMatch(/Install netmon for all users/);
  });

  it('is not fooled by look-alike prefixes, dot-dot segments or network paths', () => {
    expect(packaged('C:\\Program Files Evil\\netmon.exe').allowed).toBe(false);
    expect(packaged('C:\\Program Files\\..\\Users\\ann\\netmon.exe').allowed).toBe(false);
    expect(packaged('C:\\Program Files').allowed).toBe(false);
    expect(packaged('\\\\server\\Program Files\\netmon\\netmon.exe').allowed).toBe(false);
    expect(packaged('\\\\?\\C:\\Users\\x\\netmon.exe').allowed).toBe(false);
  });

  it('refuses when the OS named no Program Files folder, and in a development build', () => {
    expect(packaged('C:\\Program Files\\netmon\\netmon.exe', []).allowed).toBe(false);
    expect(packaged('C:\\Program Files\\netmon\\netmon.exe', ['', '  ']).allowed).toBe(false);
    const dev = elevationPolicy({ execPath: 'C:\\Program Files\\netmon\\netmon.exe', packaged: false, protectedRoots: roots });
    expect(!dev.allowed && dev.reason).toMatch(/development build/);
  });
});

describe('elevationErrorReason', () => {
  it('maps Win32 codes, never message text', () => {
    expect(elevationErrorReason(1223, 'x.exe')).toBe('the administrator prompt was declined');
    expect(elevationErrorReason(2, 'C:\\n.exe')).toBe('Windows could not find C:\\n.exe');
    expect(elevationErrorReason(3, 'C:\\n.exe')).toBe('Windows could not find C:\\n.exe');
    expect(elevationErrorReason(5, 'x')).toMatch(/access denied/);
    expect(elevationErrorReason(1260, 'x')).toMatch(/group policy/);
    expect(elevationErrorReason(11, 'x.exe')).toBe('x.exe is not a valid Windows program');
    expect(elevationErrorReason(31, 'x')).toBe('starting netmon as administrator failed (Windows error 31)');
  });
});

describe('restartAsAdmin', () => {
  const exe = 'C:\\Program Files\\netmon\\netmon.exe';
  function deps(over: Partial<ElevateDeps> = {}) {
    const calls: string[] = [];
    const requests: unknown[] = [];
    const d: ElevateDeps = {
      platform: 'win32',
      execPath: exe,
      args: ['--interval=2000', 'a b'],
      pid: 4321,
      env: { NETMON_SOURCE: 'windows' },
      packaged: true,
      protectedRoots: () => ['C:\\Program Files'],
      shellExecute: vi.fn((req) => (calls.push('shellExecute'), requests.push(req), { ok: true as const })),
      log: (m) => calls.push(`log:${m.split(':')[0]}`),
      quit: () => calls.push('quit'),
      ...over,
    };
    return { d, calls, requests };
  }

  it('refuses off Windows without running anything', async () => {
    const { d, calls } = deps({ platform: 'linux' });
    const r = await restartAsAdmin(d);
    expect(r.ok === false && r.reason).toMatch(/only available on Windows/);
    expect(calls).toEqual([]);
  });

  it('starts the same exe elevated with our PID and the quoted arguments, then quits (the lock goes with us)', async () => {
    const { d, calls, requests } = deps();
    expect(await restartAsAdmin(d)).toEqual({ ok: true });
    expect(requests).toEqual([{ file: exe, parameters: '--interval=2000 "a b" --source=windows --elevated-from=4321', directory: 'C:\\Program Files\\netmon' }]);
    expect(calls).toEqual(['shellExecute', 'log:restart as administrator', 'quit']);
  });

  it('keeps running when the prompt is declined (ERROR_CANCELLED), on any Windows language', async () => {
    const { d, calls } = deps({ shellExecute: () => ({ ok: false, error: 1223 }) });
    expect(await restartAsAdmin(d)).toEqual({ ok: false, reason: 'the administrator prompt was declined' });
    expect(calls).not.toContain('quit');
  });

  it('refuses to elevate a per-user install without calling ShellExecuteExW', async () => {
    const { d, calls } = deps({ execPath: 'C:\\Users\\ann\\AppData\\Local\\Programs\\netmon\\netmon.exe' });
    const r = await restartAsAdmin(d);
    expect(r.ok === false && r.reason).toMatch(/folder programs running as you can change/);
    expect(d.shellExecute).not.toHaveBeenCalled();
    expect(calls).toEqual(['log:restart as administrator refused']);
  });

  it('treats a failing known-folder lookup as "not protected", and a throwing call as a reason', async () => {
    const a = deps({ protectedRoots: () => { throw new Error('no shell32'); } });
    expect((await restartAsAdmin(a.d)).ok).toBe(false);
    expect(a.d.shellExecute).not.toHaveBeenCalled();
    const b = deps({ shellExecute: () => { throw new Error('koffi: cannot load shell32.dll'); } });
    expect(await restartAsAdmin(b.d)).toEqual({ ok: false, reason: 'could not call ShellExecuteExW: koffi: cannot load shell32.dll' });
    expect(b.calls).not.toContain('quit');
  });
});

describe('acquireInstanceLock', () => {
  function clock() {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  }

  it('an ordinary second copy asks once and gives up', async () => {
    const tryLock = vi.fn(() => false);
    expect(await acquireInstanceLock({ tryLock, elevatedFrom: null, ...clock() })).toBe('taken');
    expect(tryLock).toHaveBeenCalledTimes(1);
  });

  it('the elevated copy waits for the old one to let go', async () => {
    let calls = 0;
    const tryLock = () => ++calls >= 4;
    expect(await acquireInstanceLock({ tryLock, elevatedFrom: 4321, ...clock(), retryMs: 200 })).toBe('acquired');
    expect(calls).toBe(4);
  });

  it('the wait is bounded', async () => {
    const tryLock = vi.fn(() => false);
    const c = clock();
    expect(await acquireInstanceLock({ tryLock, elevatedFrom: 4321, ...c, timeoutMs: 1000, retryMs: 200 })).toBe('timeout');
    expect(tryLock).toHaveBeenCalledTimes(6);
    expect(c.now()).toBe(1000);
  });
});
