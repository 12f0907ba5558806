// Windows processes that must never be ended from netmon: ending any of them stops or reboots the
// machine (bug check CRITICAL_PROCESS_DIED). They are recognised by image path under
// %SystemRoot%\System32, not by name alone: any program may call itself lsass.exe.

/**
 * Why `pid` names no process that can be ended on `platform`, or null. Windows: PID 0 is the System
 * Idle Process and PID 4 the System process (the kernel); Linux: PID 0 is no process at all (the
 * kernel's own sockets) and PID 1 is init. Decided from the number alone, before any lookup: the
 * OS reports these PIDs as if no process held them, which would read as "it has exited".
 */
export function systemPidReason(pid: number, platform: NodeJS.Platform): string | null {
  if (platform === 'win32') {
    if (pid === 0) return 'PID 0 is the System Idle Process, not a process that can be ended';
    if (pid === 4) return 'PID 4 is the System process (the Windows kernel), not a process that can be ended';
  } else if (platform === 'linux') {
    if (pid === 0) return 'PID 0 is the kernel (sockets no process owns), not a process that can be ended';
    if (pid === 1) return 'PID 1 is init: ending it would bring the system down, so netmon refuses';
  }
  return null;
}

/** Image names of the critical system processes (Windows Internals: smss, csrss, wininit, winlogon, services, lsass). */
export const CRITICAL_WINDOWS_IMAGES = ['csrss.exe', 'wininit.exe', 'smss.exe', 'lsass.exe', 'services.exe', 'winlogon.exe'] as const;

/** A Win32 path in one comparable spelling: backslashes, no `\\?\` prefix, lower case. */
function canonical(p: string): string {
  return p.replace(/\//g, '\\').replace(/^\\\\\?\\/, '').replace(/\\+$/, '').toLowerCase();
}

/**
 * Why the process at image `path` must not be ended, or null when it may. `systemRoot` is
 * %SystemRoot% (e.g. `C:\Windows`). A null path (the OS would not say) is not critical by this rule.
 */
export function criticalWindowsProcess(path: string | null, systemRoot: string): string | null {
  if (!path) return null;
  const p = canonical(path);
  const dir = `${canonical(systemRoot)}\\system32\\`;
  if (!p.startsWith(dir)) return null;
  const image = p.slice(dir.length);
  if (!(CRITICAL_WINDOWS_IMAGES as readonly string[]).includes(image)) return null;
  return `${path} is a critical Windows process: ending it stops the machine, so netmon refuses`;
}
