// A name that does not resolve *for now* (EAI_AGAIN: the resolver could not be reached, as at boot
// before the network is up) is a failure while working, not bad usage: the exit codes say 2 is "a
// setting refused as given", and a service manager or script that treats 2 as "fix the config"
// must not be told so for a transient DNS outage.
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:dns/promises', async (orig) => {
  const real = await orig<typeof import('node:dns/promises')>();
  const lookup = async (host: string, ...rest: unknown[]) => {
    if (host === 'netmon-host.example') throw Object.assign(new Error(`getaddrinfo EAI_AGAIN ${host}`), { code: 'EAI_AGAIN' });
    return (real.lookup as (...a: unknown[]) => unknown)(host, ...rest);
  };
  return { ...real, default: { ...real, lookup }, lookup };
});

const { runServeWith } = await import('../../main/server/cli');
const { fakeEngine } = await import('../server/helpers');
const { runAgent } = await import('../../main/agent/cli');

describe('serve exit code for a transient resolver failure', () => {
  it('exits 1 (failed while working), not 2 (bad usage), when --host cannot be resolved for now', async () => {
    const errs: string[] = [];
    const code = await runServeWith(['--host', 'netmon-host.example'], {
      startEngine: async () => fakeEngine(),
      staticDir: '.',
      out: () => {},
      err: (l) => errs.push(l),
    });
    expect(errs.join('\n')).toMatch(/EAI_AGAIN/);
    expect(code).toBe(1);
  });
  it('agent: exits 1, not 2, when --metrics names a host that cannot be resolved for now', async () => {
    const errs: string[] = [];
    const stop = new AbortController();
    const code = await runAgent(['--source', 'demo', '--metrics', 'netmon-host.example:0', '--metrics-token-file', '/t'], {
      stdout: () => {},
      stderr: (t) => errs.push(t),
      stop: stop.signal,
      readFile: () => 'fixed-token-for-test-1234\n',
    });
    stop.abort();
    expect(errs.join('')).toMatch(/EAI_AGAIN/);
    expect(code).toBe(1);
  });
});
