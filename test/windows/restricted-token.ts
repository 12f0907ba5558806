// Runs a function as an unelevated caller would: the calling thread impersonates a restricted copy
// of the process token with the Administrators group deny-only and every privilege but
// SeChangeNotify removed (what UAC's filtered token does), then reverts. Access checks of
// SetTcpEntry and OpenProcess use the thread's token, so an elevated test process can exercise
// the "needs administrator" paths in-process. Win32: CreateWellKnownSid, OpenProcessToken,
// CreateRestrictedToken(DISABLE_MAX_PRIVILEGE), ImpersonateLoggedOnUser, RevertToSelf.
import * as k from '../../main/native/koffi';

const TOKEN_ASSIGN_PRIMARY = 0x0001;
const TOKEN_DUPLICATE = 0x0002;
const TOKEN_IMPERSONATE = 0x0004;
const TOKEN_QUERY = 0x0008;
const DISABLE_MAX_PRIVILEGE = 0x1;
const WinBuiltinAdministratorsSid = 26;
const SECURITY_MAX_SID_SIZE = 68;
/** GetCurrentProcess()'s pseudo handle. */
const CURRENT_PROCESS = 0xffffffffffffffffn;

/** What each step returned, for the test's log (and to say which step failed). */
export interface RestrictedRun<T> {
  steps: Record<string, number>;
  result: T | null;
  /** True when the thread was impersonating while `fn` ran. */
  impersonated: boolean;
}

export function withRestrictedToken<T>(fn: () => T): RestrictedRun<T> {
  const bind = (dll: string, name: string, result: string, args: string[]) => {
    const f = k.bindWin32(dll, name, result, args);
    if (!f) throw new Error(`${dll} has no ${name}`);
    return f;
  };
  const CreateWellKnownSid = bind('advapi32.dll', 'CreateWellKnownSid', 'int', ['int', 'void *', 'void *', 'void *']);
  const OpenProcessToken = bind('advapi32.dll', 'OpenProcessToken', 'int', ['void *', 'uint32', 'void *']);
  const CreateRestrictedToken = bind('advapi32.dll', 'CreateRestrictedToken', 'int', [
    'void *', 'uint32', 'uint32', 'void *', 'uint32', 'void *', 'uint32', 'void *', 'void *',
  ]);
  const ImpersonateLoggedOnUser = bind('advapi32.dll', 'ImpersonateLoggedOnUser', 'int', ['void *']);
  const RevertToSelf = bind('advapi32.dll', 'RevertToSelf', 'int', []);
  const CloseHandle = bind('kernel32.dll', 'CloseHandle', 'int', ['void *']);
  const lastError = () => k.kernel32().lastError();
  const steps: Record<string, number> = {};
  const step = (name: string, ok: unknown): boolean => {
    steps[name] = ok ? 0 : lastError() || -1;
    return Boolean(ok);
  };

  const sid = Buffer.alloc(SECURITY_MAX_SID_SIZE);
  const sidSize = Buffer.alloc(4);
  sidSize.writeUInt32LE(sid.length, 0);
  if (!step('CreateWellKnownSid', CreateWellKnownSid(WinBuiltinAdministratorsSid, null, sid, sidSize))) return { steps, result: null, impersonated: false };
  const tokenOut = Buffer.alloc(8);
  if (!step('OpenProcessToken', OpenProcessToken(CURRENT_PROCESS, TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY | TOKEN_IMPERSONATE, tokenOut))) {
    return { steps, result: null, impersonated: false };
  }
  const token = tokenOut.readBigUInt64LE(0);
  // SID_AND_ATTRIBUTES { PSID Sid; DWORD Attributes } (16 bytes on x64), pointing at `sid`.
  const disable = Buffer.alloc(16);
  disable.writeBigUInt64LE(k.bufferAddress(sid), 0);
  const restrictedOut = Buffer.alloc(8);
  try {
    if (!step('CreateRestrictedToken', CreateRestrictedToken(token, DISABLE_MAX_PRIVILEGE, 1, disable, 0, null, 0, null, restrictedOut))) {
      return { steps, result: null, impersonated: false };
    }
    const restricted = restrictedOut.readBigUInt64LE(0);
    try {
      if (!step('ImpersonateLoggedOnUser', ImpersonateLoggedOnUser(restricted))) return { steps, result: null, impersonated: false };
      try {
        return { steps, result: fn(), impersonated: true };
      } finally {
        step('RevertToSelf', RevertToSelf());
      }
    } finally {
      CloseHandle(restricted);
    }
  } finally {
    CloseHandle(token);
  }
}
