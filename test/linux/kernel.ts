// What this kernel and this process can do, shown independently of the code under test, so a
// test can demand the outcome the machine supports instead of accepting either outcome.
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';

/** The kernel's build configuration (`/proc/config.gz` or `/boot/config-<release>`), or null where neither exists. */
export function kernelConfig(): string | null {
  try {
    if (existsSync('/proc/config.gz')) return gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
    const boot = `/boot/config-${release()}`;
    if (existsSync(boot)) return readFileSync(boot, 'utf8');
  } catch {
    // unreadable: treated as unknown below
  }
  return null;
}

/**
 * Whether `SOCK_DESTROY` over sock_diag (what `ss -K` uses) must work here: the kernel is built
 * with CONFIG_INET_DIAG_DESTROY and we have CAP_NET_ADMIN (root). `known` is false only when the
 * kernel's configuration cannot be read; then the test expects support when root (the common case).
 */
export function socketDestroySupport(): { supported: boolean; why: string } {
  if (process.getuid?.() !== 0) return { supported: false, why: 'not root (no CAP_NET_ADMIN)' };
  const cfg = kernelConfig();
  if (cfg === null) return { supported: true, why: 'kernel config unreadable; root, so expected to work' };
  const on = /^CONFIG_INET_DIAG_DESTROY=y$/m.test(cfg);
  return { supported: on, why: on ? 'CONFIG_INET_DIAG_DESTROY=y and root' : 'kernel built without CONFIG_INET_DIAG_DESTROY' };
}
