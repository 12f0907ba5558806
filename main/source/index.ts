// Picks the connection source for this machine. The OS sources load lazily (dynamic import on the
// first read), so a Linux process never evaluates the Windows module and its koffi bindings, and
// the other way round.
import type { RowTable } from '../model/rows';
import { createDemoSource, createScriptedSource, type DemoOptions } from './scripted';
import { SourceError, type ConnectionSource, type ProcessInfo } from './types';
import { defaultDynamicRanges, type DynamicRanges } from './port-range';
import type { LinuxSourceOptions } from './linux';

export type SourceKind = 'auto' | 'windows' | 'linux' | 'scripted' | 'demo';
export const SOURCE_KINDS: readonly SourceKind[] = ['auto', 'windows', 'linux', 'scripted', 'demo'];
/**
 * The sources offered to users (every --help, error message and document lists these). `scripted`
 * — a fixed four-step loop on loopback for the test suite's smoke tests — is accepted but not offered.
 */
export const USER_SOURCE_KINDS: readonly SourceKind[] = ['auto', 'linux', 'windows', 'demo'];

export function isSourceKind(x: unknown): x is SourceKind {
  return typeof x === 'string' && (SOURCE_KINDS as readonly string[]).includes(x);
}

export interface PlatformSourceOptions extends DemoOptions {
  /** Seed of the demo source. Default 1. */
  seed?: number;
  /** Defaults to process.platform; injectable for tests. */
  platform?: NodeJS.Platform;
  /** Options of the linux source (e.g. `tables: 'procfs'`); the other sources ignore them. */
  linux?: Pick<LinuxSourceOptions, 'tables'>;
}

/** Where the linux source reads its tables (LinuxSourceOptions.tables). */
export type LinuxTables = NonNullable<LinuxSourceOptions['tables']>;
export const LINUX_TABLES: readonly LinuxTables[] = ['auto', 'netlink', 'procfs'];

/** `auto` → the OS source of this platform; throws SourceError where there is none. */
export function resolveSourceKind(kind: SourceKind, platform: NodeJS.Platform = process.platform): Exclude<SourceKind, 'auto'> {
  // The kind can arrive from outside (worker data, a config file): an unknown one is an error, never a silent fallback.
  if (!isSourceKind(kind)) throw new SourceError(`unknown source ${JSON.stringify(kind)}; expected one of ${USER_SOURCE_KINDS.join(', ')}`);
  if (kind !== 'auto') return kind;
  if (platform === 'win32') return 'windows';
  if (platform === 'linux') return 'linux';
  throw new SourceError(
    `netmon has no connection source for the platform "${platform}" (it supports Windows and Linux); use the demo source to try the UI`,
  );
}

/** Loads and creates the concrete source (the dynamic import happens here). */
export async function loadPlatformSource(kind: SourceKind = 'auto', opts: PlatformSourceOptions = {}): Promise<ConnectionSource> {
  const k = resolveSourceKind(kind, opts.platform);
  if (k === 'windows') return (await import('./windows')).createWindowsSource();
  if (k === 'linux') return (await import('./linux')).createLinuxSource(opts.linux);
  return createSimulatedSource(k, opts);
}

/**
 * The dynamic port ranges of the simulated machines: both stand for a Windows machine with the
 * default range (49152–65535, `netsh int ipv4 show dynamicport`), whatever the host's is.
 */
export function simulatedDynamicRanges(kind: 'scripted' | 'demo'): DynamicRanges {
  const range = { low: 49152, high: 65535 };
  return { ranges: { tcp: { ...range }, udp: { ...range } }, origin: `the ${kind} source (a simulated Windows machine's default range)` };
}

/** The ranges a source says it has; a source that cannot say gets the default and that reason. */
export async function sourceDynamicRanges(source: ConnectionSource): Promise<DynamicRanges> {
  try {
    if (source.dynamicRanges) return await source.dynamicRanges();
  } catch (e) {
    return defaultDynamicRanges(`the ${source.name} source could not say: ${e instanceof Error ? e.message : String(e)}`);
  }
  return defaultDynamicRanges(`the ${source.name} source does not say`);
}

function createSimulatedSource(kind: 'scripted' | 'demo', opts: PlatformSourceOptions): ConnectionSource & Pick<LazySource, 'dynamicRanges'> {
  const source = createSimulatedTable(kind, opts);
  return Object.assign(source, { dynamicRanges: () => Promise.resolve(simulatedDynamicRanges(kind)) });
}

function createSimulatedTable(kind: 'scripted' | 'demo', opts: PlatformSourceOptions): ConnectionSource {
  if (kind === 'demo') return createDemoSource(opts.seed ?? 1, opts);
  // A fixed four-step cycle on loopback: enough for a smoke test of every layer without an OS table.
  const base = [
    { local: '127.0.0.1', localPort: 8080, state: 'LISTEN' as const, pid: 1000 },
    { protocol: 'udp' as const, local: '0.0.0.0', localPort: 5353, pid: 1001 },
    { local: '::1', localPort: 8443, state: 'LISTEN' as const, pid: 1000 },
  ];
  const client = { local: '127.0.0.1', localPort: 50000, remote: '127.0.0.1', remotePort: 8080, pid: 1002 };
  return createScriptedSource(
    [
      base,
      [...base, { ...client, state: 'SYN-SENT' }],
      [...base, { ...client, state: 'ESTABLISHED' }],
      [...base, { ...client, state: 'TIME-WAIT', pid: 0 }],
    ],
    { atEnd: 'loop', processes: { 0: 'System Idle Process', 1000: 'server', 1001: 'mdns', 1002: 'client' } },
  );
}

export interface LazySource extends ConnectionSource {
  /** The concrete source, loaded on first use. */
  load(): Promise<ConnectionSource>;
  dynamicRanges(): Promise<DynamicRanges>;
}

/**
 * The source for `kind`, synchronously: `auto` is resolved (and refused on unsupported platforms)
 * at once; the Windows / Linux modules are imported on the first read.
 */
export function createPlatformSource(kind: SourceKind = 'auto', opts: PlatformSourceOptions = {}): LazySource {
  const k = resolveSourceKind(kind, opts.platform);
  if (k === 'scripted' || k === 'demo') {
    const s = createSimulatedSource(k, opts);
    return Object.assign(s, { load: () => Promise.resolve(s) });
  }
  let inner: ConnectionSource | null = null;
  let loading: Promise<ConnectionSource> | null = null;
  const load = (): Promise<ConnectionSource> => {
    loading ??= loadPlatformSource(k, opts).then(
      (s) => (inner = s),
      (e: unknown) => {
        loading = null; // let the next poll try again, reporting the failure each time
        throw e instanceof SourceError ? e : new SourceError(`cannot load the ${k} source: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    return loading;
  };
  return {
    get name() {
      return inner?.name ?? k;
    },
    read(): RowTable | Promise<RowTable> {
      return inner ? inner.read() : load().then((s) => s.read());
    },
    processInfo(pid: number): ProcessInfo | null {
      return inner ? inner.processInfo(pid) : null;
    },
    notices(): string[] {
      return inner?.notices?.() ?? [];
    },
    // The OS source itself says (loaded for it if need be): its platform's setting, never a guess.
    async dynamicRanges(): Promise<DynamicRanges> {
      let s: ConnectionSource;
      try {
        s = await load();
      } catch (e) {
        return defaultDynamicRanges(`the ${k} source could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
      }
      return sourceDynamicRanges(s);
    },
    close() {
      inner?.close?.();
    },
    load,
  };
}
