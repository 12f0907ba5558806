// A listen host that does not resolve is reported as unresolvable (with the resolver's code), by
// `netmon serve` and by the agent's metrics listener alike — never as "not a loopback address".
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from '../export/metrics-server';
import { resolveBindAddress, UnresolvedHostError } from './bind-address';

const fails = (code: string | undefined) => async (h: string) => {
  throw Object.assign(new Error(`getaddrinfo ${code ?? 'failure'} ${h}`), code ? { code } : {});
};

describe('resolveBindAddress', () => {
  it('gives the address the lookup gives', async () => {
    expect(await resolveBindAddress('myhost', async () => '127.0.1.1')).toBe('127.0.1.1');
    // The real resolver: an address literal is itself, without asking any server.
    expect(await resolveBindAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(await resolveBindAddress('::1')).toBe('::1');
  });

  it('names the host and the resolver code when the name does not resolve; the message when there is no code', async () => {
    const e = await resolveBindAddress('nosuch.invalid', fails('ENOTFOUND')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnresolvedHostError);
    expect([(e as UnresolvedHostError).code, (e as Error).message]).toEqual(['ENOTFOUND', 'cannot resolve "nosuch.invalid": ENOTFOUND']);
    await expect(resolveBindAddress('x', fails(undefined))).rejects.toThrow('cannot resolve "x": getaddrinfo failure x');
  });

  it('refuses an empty name and a lookup that gives no address (listen() would take either for every interface)', async () => {
    let asked = 0;
    const count = async () => (asked++, '127.0.0.1');
    await expect(resolveBindAddress('', count)).rejects.toThrow('cannot resolve "": an empty name is no host');
    await expect(resolveBindAddress('  ', count)).rejects.toThrow(UnresolvedHostError);
    expect(asked).toBe(0);
    await expect(resolveBindAddress('x', async () => null as unknown as string)).rejects.toThrow('cannot resolve "x": the resolver gave no address');
  });
});

describe('metrics listener', () => {
  it('an unresolvable host is refused as unresolvable, with the code, with or without allowRemote', async () => {
    for (const allowRemote of [false, true]) {
      await expect(
        startMetricsServer({ host: 'nosuch.invalid', port: 0, token: 't'.repeat(32), registry: new Registry(), allowRemote, lookup: fails('ENOTFOUND') }),
      ).rejects.toThrow(/^cannot serve metrics on nosuch\.invalid: the name could not be resolved \(ENOTFOUND\)$/);
    }
  });
});
