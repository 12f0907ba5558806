// Reverse DNS for remote addresses: cached, concurrency-limited and rate-limited so that turning
// the names on for a table of thousands of connections neither floods the DNS server nor piles
// up work in libuv's small thread pool.
//
// Decision on addresses over the rate: `resolve` WAITS for them. Every answer it gives is final
// (a name, or null = this address has no usable name), so the caller never has to tell "pending"
// from "none"; queued lookups are answered as tokens become available, never dropped. Calls
// overlapping in time share in-flight lookups, so asking again for the same address costs
// nothing. The UI asks for the addresses it shows, in batches, and fills names in as each call
// returns; the table never waits on this.
import { promises as dnsPromises } from 'node:dns';
import { addressKind, formatIPv4Number, mappedIPv4 } from '../../shared/ip';

export type ReverseLookup = (address: string) => Promise<string[]>;

export interface ResolverOptions {
  /** PTR lookup; default dns.promises.reverse. */
  lookup?: ReverseLookup;
  /** How long a found name is kept (ms). */
  ttlMs?: number;
  /** How long "no name" (NXDOMAIN, timeout, error) is kept (ms). */
  negativeTtlMs?: number;
  /** Lookups in flight at once. */
  maxConcurrent?: number;
  /** Lookups started per second (token bucket; the burst equals one second's worth). */
  ratePerSecond?: number;
  /** Cache entries kept (least recently used go first). */
  maxEntries?: number;
  /** A lookup slower than this counts as "no name" (ms). */
  timeoutMs?: number;
  /** Answer loopback addresses with `localhost` without asking DNS (default true). */
  shortcutLoopback?: boolean;
  /** Clock (epoch ms); injectable for tests. */
  now?: () => number;
}

export interface ResolverStats {
  cached: number;
  inFlight: number;
  queued: number;
  lookups: number;
  timeouts: number;
}

export interface Resolver {
  /** Name (or null) for every address asked; resolves once each has a final answer. */
  resolve(addresses: readonly string[]): Promise<Record<string, string | null>>;
  stats(): ResolverStats;
  clear(): void;
}

interface Entry {
  name: string | null;
  expires: number;
}

interface Job {
  /** What is sent to DNS (IPv4-mapped IPv6 is looked up as its IPv4 address). */
  query: string;
  promise: Promise<string | null>;
  settle: (name: string | null) => void;
}

export function createResolver(opts: ResolverOptions = {}): Resolver {
  const lookup = opts.lookup ?? ((a: string) => dnsPromises.reverse(a));
  const ttlMs = opts.ttlMs ?? 10 * 60_000;
  const negativeTtlMs = opts.negativeTtlMs ?? 60_000;
  const maxConcurrent = Math.max(1, opts.maxConcurrent ?? 4);
  const rate = Math.max(0.001, opts.ratePerSecond ?? 20);
  const burst = Math.max(1, rate);
  const maxEntries = Math.max(1, opts.maxEntries ?? 10_000);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const shortcutLoopback = opts.shortcutLoopback ?? true;
  const now = opts.now ?? (() => Date.now());

  /** Keyed by the query text; Map order is recency (oldest first). */
  const cache = new Map<string, Entry>();
  const jobs = new Map<string, Job>();
  const queue: Job[] = [];
  let inFlight = 0;
  let tokens = burst;
  let refilledAt = now();
  let wakeTimer: ReturnType<typeof setTimeout> | null = null;
  let lookups = 0;
  let timeouts = 0;

  function cached(query: string): Entry | undefined {
    const e = cache.get(query);
    if (!e) return undefined;
    cache.delete(query);
    if (e.expires <= now()) return undefined;
    cache.set(query, e); // move to most recent
    return e;
  }

  function remember(query: string, name: string | null): void {
    cache.delete(query);
    cache.set(query, { name, expires: now() + (name === null ? negativeTtlMs : ttlMs) });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  }

  function refill(): void {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - refilledAt) / 1000) * rate);
    refilledAt = t;
  }

  function pump(): void {
    refill();
    while (queue.length > 0 && inFlight < maxConcurrent && tokens >= 1) {
      tokens -= 1;
      start(queue.shift()!);
    }
    if (queue.length > 0 && inFlight < maxConcurrent && wakeTimer === null) {
      // Out of tokens: come back when the next one is due.
      const wait = Math.max(1, Math.ceil(((1 - tokens) / rate) * 1000));
      wakeTimer = setTimeout(() => {
        wakeTimer = null;
        pump();
      }, wait);
    }
  }

  function start(job: Job): void {
    inFlight++;
    lookups++;
    let done = false;
    const finish = (name: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      inFlight--;
      remember(job.query, name);
      jobs.delete(job.query);
      job.settle(name);
      pump();
    };
    // A timed-out lookup frees its slot; the OS call itself cannot be cancelled and its late
    // answer is ignored.
    const timer = setTimeout(() => {
      timeouts++;
      finish(null);
    }, timeoutMs);
    let pending: Promise<string[]>;
    try {
      pending = lookup(job.query);
    } catch {
      finish(null);
      return;
    }
    pending.then(
      (names) => finish(pickName(names, job.query)),
      () => finish(null),
    );
  }

  function enqueue(query: string): Promise<string | null> {
    const existing = jobs.get(query);
    if (existing) return existing.promise;
    let settle!: (name: string | null) => void;
    const promise = new Promise<string | null>((r) => (settle = r));
    const job: Job = { query, promise, settle };
    jobs.set(query, job);
    queue.push(job);
    return promise;
  }

  async function resolve(addresses: readonly string[]): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = Object.create(null);
    const waits: Promise<void>[] = [];
    for (const address of addresses) {
      if (address in out) continue;
      const kind = addressKind(address);
      if (kind === null || kind === 'unspecified') {
        out[address] = null;
        continue;
      }
      if (kind === 'loopback' && shortcutLoopback) {
        out[address] = 'localhost';
        continue;
      }
      const v4 = mappedIPv4(address);
      const query = v4 === null ? address : formatIPv4Number(v4);
      const hit = cached(query);
      if (hit) {
        out[address] = hit.name;
        continue;
      }
      out[address] = null;
      waits.push(enqueue(query).then((name) => void (out[address] = name)));
    }
    if (waits.length > 0) {
      pump();
      await Promise.all(waits);
    }
    // A plain object for callers (structured clone / JSON keep it either way).
    return { ...out };
  }

  return {
    resolve,
    stats: () => ({ cached: cache.size, inFlight, queued: queue.length, lookups, timeouts }),
    clear: () => cache.clear(),
  };
}

/** First answer that is a real host name (not empty, not the address echoed back). */
function pickName(names: string[], query: string): string | null {
  for (const n of names) {
    if (typeof n === 'string' && n.length > 0 && n !== query) return n.replace(/\.$/, '');
  }
  return null;
}
