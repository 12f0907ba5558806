// The address a listening socket binds for a configured host (`netmon serve --host`, the agent's
// metrics listener): resolved once, so the loopback check judges the address that is bound, and a
// name that does not resolve is said to be that — not mistaken for a non-loopback address.
import { lookup as dnsLookup } from 'node:dns/promises';

/** Name (or address literal) → the address to bind; dns.lookup by default (getaddrinfo, hosts file included). */
export type AddressLookup = (host: string) => Promise<string>;

export const defaultLookup: AddressLookup = async (host) => (await dnsLookup(host)).address;

/** A host that does not resolve; `code` is the resolver's (ENOTFOUND, EAI_AGAIN, …) where it gave one. */
export class UnresolvedHostError extends Error {
  override name = 'UnresolvedHostError';
  constructor(
    readonly host: string,
    readonly code: string | null,
    /** Why, where the resolver gave no code. */
    readonly detail: string,
  ) {
    super(`cannot resolve ${JSON.stringify(host)}: ${code ?? detail}`);
  }

  /**
   * Whether the resolver could not answer for now (EAI_AGAIN: no reachable DNS server, as at boot
   * before the network is up): a failure while working, not a name refused as given.
   */
  get transient(): boolean {
    return this.code === 'EAI_AGAIN';
  }

  /** The resolver's code, else the reason: what a caller puts in its own message. */
  get reason(): string {
    return this.code ?? this.detail;
  }
}

/**
 * Resolves `host` to the address to bind (an address literal comes back as it is).
 * @throws UnresolvedHostError naming the host and the resolver's error code (e.g. ENOTFOUND)
 */
export async function resolveBindAddress(host: string, lookup: AddressLookup = defaultLookup): Promise<string> {
  // dns.lookup('') answers a null address, which listen() would take for "every interface".
  if (host.trim() === '') throw new UnresolvedHostError(host, null, 'an empty name is no host');
  let address: unknown;
  try {
    address = await lookup(host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | null)?.code;
    throw new UnresolvedHostError(host, typeof code === 'string' ? code : null, e instanceof Error ? e.message : String(e));
  }
  if (typeof address !== 'string' || address === '') throw new UnresolvedHostError(host, null, 'the resolver gave no address');
  return address;
}
