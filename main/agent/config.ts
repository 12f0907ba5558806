// `netmon agent` configuration: the JSON file (docs/agent.md) and the flags for the common case
// without one. Validation is total: any input gives a config or an AgentConfigError naming the
// file, the key path and what was expected.
import { briefJson } from '../../shared/brief-json';
import { MAX_FILTER_LENGTH, parseFilter, type CompiledFilter } from '../../shared/filter';
import { DEFAULT_INTERVAL_MS, MAX_INTERVAL_MS, MIN_INTERVAL_MS } from '../../shared/ipc';
import { tokenProblem } from '../server/auth';
import { fileReadError } from '../cli/file-args';
import { isSourceKind, LINUX_TABLES, USER_SOURCE_KINDS, type LinuxTables, type SourceKind } from '../source/index';
import { DEFAULT_QUEUE_SIZE, parseSyslogUrl, type SyslogTarget } from '../export/syslog-exporter';
import { DEFAULT_FACILITY } from '../export/syslog';
import { OTLP_ENCODINGS, type OtlpEncoding } from '../export/otlp';
import { findFractionalWhole, WHOLE, wholeFaultText, wholeObject } from '../../shared/whole-literals';

export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
}

export interface HostPort {
  host: string;
  port: number;
}

export interface MetricsConfig {
  listen: HostPort;
  /** File holding the bearer token (read at start, trimmed). */
  tokenFile: string;
  allowRemote: boolean;
  topProcesses: number;
}

export interface SyslogConfig {
  target: SyslogTarget;
  caFile: string | null;
  facility: number;
  appName: string;
  queueSize: number;
}

export interface OtlpConfig {
  url: string;
  encoding: OtlpEncoding;
  headers: Record<string, string>;
  queueSize: number;
}

export interface AgentConfig {
  source: SourceKind;
  /** Where the linux source reads its tables (`--tables`); `auto` for every other source. */
  tables: LinuxTables;
  intervalMs: number;
  /** Which connections are counted and which events exported (filter language); null = all. */
  filter: CompiledFilter | null;
  metrics: MetricsConfig | null;
  syslog: SyslogConfig | null;
  otlp: OtlpConfig | null;
}

/** Where an error points: `netmon.json: metrics.listen` or `--metrics`. */
type Where = string;

const fail = (where: Where, expected: string, got: unknown): never => {
  throw new AgentConfigError(`${where}: expected ${expected}, got ${describe(got)}`);
};

function describe(v: unknown): string {
  return v === undefined ? 'nothing' : briefJson(v);
}

/** "HOST:PORT", "[v6]:PORT"; port 0-65535. */
export function parseHostPort(text: unknown, where: Where): HostPort {
  const expected = '"HOST:PORT" (e.g. "127.0.0.1:9464" or "[::1]:9464")';
  if (typeof text !== 'string') return fail(where, expected, text);
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) return fail(where, expected, text);
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}

function int(v: unknown, where: Where, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return fail(where, `an integer from ${min} to ${max}`, v);
  return v;
}

function str(v: unknown, where: Where, what = 'a non-empty string'): string {
  if (typeof v !== 'string' || v.length === 0) return fail(where, what, v);
  return v;
}

function bool(v: unknown, where: Where): boolean {
  if (typeof v !== 'boolean') return fail(where, 'true or false', v);
  return v;
}

function object(v: unknown, where: Where, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(where, 'an object', v);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new AgentConfigError(`${where}.${k}: unknown key; expected one of ${keys.join(', ')}`);
  }
  return v as Record<string, unknown>;
}

function filter(v: unknown, where: Where): CompiledFilter | null {
  if (v === null || v === '') return null;
  const text = str(v, where, 'a filter expression (netmon snapshot --help)');
  const r = parseFilter(text, { namesResolved: false });
  if (!r.ok) throw new AgentConfigError(`${where}: ${r.error.message} (at characters ${r.error.start}-${r.error.end} of ${briefJson(text, MAX_FILTER_LENGTH + 2)})`);
  return r.filter;
}

const TOP_KEYS = ['source', 'tables', 'intervalMs', 'filter', 'metrics', 'syslog', 'otlp'] as const;
const OTLP_KEYS = ['url', 'encoding', 'headers', 'queueSize'] as const;
const SYSLOG_KEYS = ['url', 'caFile', 'facility', 'appName', 'queueSize'] as const;
const METRICS_KEYS = ['listen', 'tokenFile', 'allowRemote', 'topProcesses'] as const;

export const DEFAULT_TOP_PROCESSES = 10;

/** The defaults: no exporter, all connections, the platform source (its tables: auto) at 1 s. */
export function defaultAgentConfig(): AgentConfig {
  return { source: 'auto', tables: 'auto', intervalMs: DEFAULT_INTERVAL_MS, filter: null, metrics: null, syslog: null, otlp: null };
}

/**
 * Validates a parsed JSON config (docs/agent.md). `file` names it in errors. Throws
 * AgentConfigError for an unknown key, a wrong type or a value out of range.
 */
export function validateAgentConfig(json: unknown, file: string): AgentConfig {
  const top = object(json, file, TOP_KEYS);
  const c = defaultAgentConfig();
  const at = (k: string) => `${file}: ${k}`;
  if (top.source !== undefined) {
    if (!isSourceKind(top.source)) fail(at('source'), `one of ${USER_SOURCE_KINDS.join(', ')}`, top.source);
    c.source = top.source as SourceKind;
  }
  if (top.tables !== undefined) {
    if (!(LINUX_TABLES as readonly unknown[]).includes(top.tables)) fail(at('tables'), `one of ${LINUX_TABLES.join(', ')}`, top.tables);
    c.tables = top.tables as LinuxTables;
  }
  if (top.intervalMs !== undefined) c.intervalMs = int(top.intervalMs, at('intervalMs'), MIN_INTERVAL_MS, MAX_INTERVAL_MS);
  if (top.filter !== undefined) c.filter = filter(top.filter, at('filter'));
  if (top.metrics !== undefined && top.metrics !== null) {
    const m = object(top.metrics, at('metrics'), METRICS_KEYS);
    c.metrics = {
      listen: parseHostPort(m.listen ?? '127.0.0.1:9464', at('metrics.listen')),
      tokenFile: str(m.tokenFile, at('metrics.tokenFile'), 'the path of a file holding the bearer token'),
      allowRemote: m.allowRemote === undefined ? false : bool(m.allowRemote, at('metrics.allowRemote')),
      topProcesses: m.topProcesses === undefined ? DEFAULT_TOP_PROCESSES : int(m.topProcesses, at('metrics.topProcesses'), 1, 1000),
    };
  }
  if (top.syslog !== undefined && top.syslog !== null) c.syslog = syslogConfig(top.syslog, at('syslog'));
  if (top.otlp !== undefined && top.otlp !== null) c.otlp = otlpConfig(top.otlp, at('otlp'));
  return c;
}

/** Where validateAgentConfig reads whole numbers (int above). */
const CONFIG_WHOLE = wholeObject({
  intervalMs: WHOLE,
  metrics: wholeObject({ topProcesses: WHOLE }),
  syslog: wholeObject({ facility: WHOLE, queueSize: WHOLE }),
  otlp: wholeObject({ queueSize: WHOLE }),
});

/**
 * Throws AgentConfigError naming the key, line and column when the config file's text (`text`,
 * valid JSON) writes a whole-number setting with a fraction or an exponent: JSON.parse reads
 * `1000.0` as 1000, so validateAgentConfig alone cannot tell.
 */
export function checkConfigLiterals(text: string, file: string): void {
  const f = findFractionalWhole(text, CONFIG_WHOLE);
  if (f !== null) throw new AgentConfigError(`${file}: ${f.path}: ${wholeFaultText(f)}`);
}

/** The `syslog` object; `where` names it in errors. */
export function syslogConfig(v: unknown, where: Where): SyslogConfig {
  const s = object(v, where, SYSLOG_KEYS);
  const target = typeof s.url === 'string' ? parseSyslogUrl(s.url) : null;
  if (!target) return fail(`${where}.url`, '"tcp://HOST:PORT" or "tls://HOST:PORT"', s.url);
  const appName = s.appName === undefined ? 'netmon' : str(s.appName, `${where}.appName`);
  if (!/^[\x21-\x7e]{1,48}$/.test(appName)) fail(`${where}.appName`, '1-48 printable ASCII characters without spaces (RFC 5424 APP-NAME)', appName);
  if (s.caFile !== undefined && target.protocol !== 'tls') fail(`${where}.caFile`, 'no CA file for a tcp:// receiver (a CA file is for tls://)', s.caFile);
  return {
    target,
    caFile: s.caFile === undefined ? null : str(s.caFile, `${where}.caFile`, 'the path of a PEM CA file'),
    facility: s.facility === undefined ? DEFAULT_FACILITY : int(s.facility, `${where}.facility`, 0, 23),
    appName,
    queueSize: s.queueSize === undefined ? DEFAULT_QUEUE_SIZE : int(s.queueSize, `${where}.queueSize`, 1, 10_000_000),
  };
}

/**
 * Reads a token file: trimmed, and it must be a usable token (main/server/auth.ts tokenProblem).
 * Throws FileArgError when it cannot be read, AgentConfigError when it is no token.
 */
export function readToken(file: string, where: Where, readFile: (f: string) => string): string {
  let token: string;
  try {
    token = readFile(file).trim();
  } catch (e) {
    throw fileReadError(e, where, file);
  }
  const problem = tokenProblem(token);
  if (problem) throw new AgentConfigError(`${where}: ${file}: ${problem}`);
  return token;
}

/** The `otlp` object: an http(s) URL of the OTLP/HTTP logs endpoint, the encoding (protobuf by default), optional headers. */
export function otlpConfig(v: unknown, where: Where): OtlpConfig {
  const o = object(v, where, OTLP_KEYS);
  const expected = 'an http:// or https:// URL of the OTLP/HTTP logs endpoint (e.g. "http://127.0.0.1:4318/v1/logs")';
  let url: URL | null;
  try {
    url = typeof o.url === 'string' ? new URL(o.url) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fail(`${where}.url`, expected, o.url);
  const headers: Record<string, string> = {};
  if (o.headers !== undefined) {
    if (typeof o.headers !== 'object' || o.headers === null || Array.isArray(o.headers)) return fail(`${where}.headers`, 'an object of header names to string values', o.headers);
    for (const [k, val] of Object.entries(o.headers)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) fail(`${where}.headers`, 'HTTP header names', k);
      if (typeof val !== 'string' || /[\r\n]/.test(val)) fail(`${where}.headers.${k}`, 'a one-line string', val);
      headers[k] = val as string;
    }
  }
  const encoding = o.encoding === undefined ? 'protobuf' : o.encoding;
  if (!OTLP_ENCODINGS.includes(encoding as OtlpEncoding)) fail(`${where}.encoding`, `one of ${OTLP_ENCODINGS.join(', ')}`, encoding);
  return { url: o.url as string, encoding: encoding as OtlpEncoding, headers, queueSize: o.queueSize === undefined ? DEFAULT_QUEUE_SIZE : int(o.queueSize, `${where}.queueSize`, 1, 10_000_000) };
}
