// Command-line parsing: pure, no I/O. Every mistake becomes a UsageError (exit code 2) that says
// what is wrong. Option values are always taken from the next argument, so negated filters such as
// `--filter -state:listen` work without `=`.
import { needsTwoPolls, parseFilter, type CompiledFilter, type FilterError } from '../../shared/filter';
import type { BusyBy } from '../../shared/processes';
import { DEFAULT_INTERVAL_MS, MAX_INTERVAL_MS, MIN_INTERVAL_MS } from '../../shared/ipc';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES } from '../record/rotating-writer';
import { MAIN_HELP, SNAPSHOT_HELP, WATCH_HELP } from './help';
import { BASELINE_HELP, type BaselineSaveOptions } from './baseline';
import { PORTS_HELP, type PortsOptions } from './ports';
import { DEFAULT_TOP_LIMIT, TOP_HELP, type TopOptions } from './top';
import { REPLAY_HELP, type ReplayOptions } from './replay';
import { DEFAULT_PORT_WARNING_PERCENT } from '../../shared/ports';

import { isSourceKind, LINUX_TABLES, resolveSourceKind, USER_SOURCE_KINDS, type LinuxTables, type SourceKind } from '../source/index';
import type { TableSourceOptions } from './io';

export type { SourceKind };

export interface SnapshotOptions extends TableSourceOptions {
  output: 'table' | 'json' | 'csv';
  filter: CompiledFilter | null;
  /**
   * The text table carries the traffic columns (as `top` prints them): --traffic, or the filter
   * or --sort reads a traffic field. JSON and CSV carry every field whatever this says.
   */
  traffic: boolean;
  /** Only rows departing from this baseline file. */
  baseline?: string | null;
  /** Busiest first by this (rate or bytes, as `top`); null: the table's usual order. */
  sort?: BusyBy | null;
  /** Poll once this long (ms) before the read that is printed, for rates and limitedBy; null: one poll. */
  warmUpMs?: number | null;
}

export interface WatchOptions extends TableSourceOptions {
  json: boolean;
  intervalMs: number;
  filter: CompiledFilter | null;
  initial: boolean;
  utc: boolean;
  /** Text lines carry the date and zone offset (ISO 8601), not only the time of day. */
  date: boolean;
  quiet: boolean;
  record: { path: string; format: 'ndjson' | 'csv'; maxBytes: number; maxFiles: number } | null;
  /** Only events whose connection departs from this baseline file. */
  baseline?: string | null;
  /** Text lines end with the connection's traffic: --traffic, or the filter reads a traffic field. */
  traffic: boolean;
}

export type Command =
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'snapshot'; options: SnapshotOptions }
  | { kind: 'watch'; options: WatchOptions }
  | { kind: 'serve'; argv: string[] }
  | { kind: 'agent'; argv: string[] }
  | { kind: 'ports'; options: PortsOptions }
  | { kind: 'top'; options: TopOptions }
  | { kind: 'baseline-save'; options: BaselineSaveOptions }
  | { kind: 'replay'; options: ReplayOptions };

export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
  constructor(
    message: string,
    /** The command whose --help to point at, if any. */
    readonly command?: string,
  ) {
    super(message);
  }
}

interface OptionSpec {
  name: string;
  short?: string;
  value: boolean;
}

const COMMON: OptionSpec[] = [
  { name: 'help', short: 'h', value: false },
  { name: 'filter', short: 'f', value: true },
  { name: 'source', value: true },
  { name: 'tables', value: true },
  { name: 'json', value: false },
];
const INTERVAL: OptionSpec = { name: 'interval', short: 'i', value: true };
const SNAPSHOT_SPECS: OptionSpec[] = [...COMMON, { name: 'csv', value: false }, { name: 'baseline', value: true }, { name: 'sort', value: true }, { name: 'traffic', value: false }, INTERVAL];
const PORTS_SPECS: OptionSpec[] = [...COMMON, { name: 'threshold', value: true }, { name: 'trend', value: true }, { name: 'check', value: false }, INTERVAL];
const TOP_SPECS: OptionSpec[] = [
  ...COMMON,
  { name: 'by', value: true },
  { name: 'sort', value: true },
  { name: 'limit', value: true },
  { name: 'processes', value: false },
  INTERVAL,
];
const BASELINE_SPECS: OptionSpec[] = [...COMMON.filter((s) => s.name !== 'json'), INTERVAL];
const WATCH_SPECS: OptionSpec[] = [
  ...COMMON,
  { name: 'interval', short: 'i', value: true },
  { name: 'initial', value: false },
  { name: 'utc', value: false },
  { name: 'date', value: false },
  { name: 'quiet', short: 'q', value: false },
  { name: 'output', short: 'o', value: true },
  { name: 'format', value: true },
  { name: 'max-size', value: true },
  { name: 'max-files', value: true },
  { name: 'baseline', value: true },
  { name: 'traffic', value: false },
];

type Parsed = Map<string, string | true>;

interface ParsedArgs {
  options: Parsed;
  /** Arguments that are not options (file names), in order. */
  operands: string[];
}

/**
 * Splits a command's arguments into options and operands, in any order (as POSIX utilities and
 * every netmon command accept them). An option's value is always the next argument, so
 * `--filter -state:listen` works; `--` ends the options (a file named `-x` then is an operand).
 * `maxOperands` 0 refuses every operand with "unexpected argument".
 */
function parseArgs(command: string, argv: readonly string[], specs: OptionSpec[], maxOperands = 0): ParsedArgs {
  const out: Parsed = new Map();
  const operands: string[] = [];
  const operand = (arg: string): void => {
    if (operands.length >= maxOperands) {
      throw new UsageError(`unexpected argument "${arg}" for "${command}"${maxOperands === 0 ? ' (options start with --)' : ''}`, command);
    }
    operands.push(arg);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg === '--') {
      for (const rest of argv.slice(i + 1)) operand(rest);
      break;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = specs.find((s) => s.name === name);
      if (!spec) throw new UsageError(`unknown option --${name} for "${command}"${suggest(name, specs)}`, command);
    } else if (/^-[a-zA-Z]$/.test(arg)) {
      spec = specs.find((s) => s.short === arg[1]);
      if (!spec) throw new UsageError(`unknown option ${arg} for "${command}"`, command);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg} for "${command}"`, command);
    } else {
      operand(arg);
      continue;
    }
    const flag = `--${spec.name}`;
    if (out.has(spec.name)) throw new UsageError(`${flag} given more than once`, command);
    if (spec.value) {
      let v = inline;
      if (v === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`, command);
        v = argv[++i];
      }
      out.set(spec.name, v);
    } else {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`, command);
      out.set(spec.name, true);
    }
  }
  return { options: out, operands };
}

/** parseArgs for a command that takes no operands. */
function parseOptions(command: string, argv: readonly string[], specs: OptionSpec[]): Parsed {
  return parseArgs(command, argv, specs).options;
}

function suggest(name: string, specs: OptionSpec[]): string {
  const close = specs.find((s) => s.name.startsWith(name) || name.startsWith(s.name));
  return close ? ` (did you mean --${close.name}?)` : '';
}

/** Renders a filter error (or, with `prefix`, a warning) with the expression and a caret line under the offending text. */
export function describeFilterError(expr: string, e: FilterError, prefix = 'bad --filter'): string {
  // A long expression is shown as a window around the fault, so the caret line stays readable.
  const from = expr.length > FILTER_ECHO_MAX ? Math.max(0, e.start - FILTER_ECHO_MAX / 2) : 0;
  const to = Math.min(expr.length, from + FILTER_ECHO_MAX);
  const lead = from > 0 ? '…' : '';
  const shown = `${lead}${expr.slice(from, to)}${to < expr.length ? '…' : ''}`;
  const start = lead.length + e.start - from;
  const width = Math.max(1, Math.min(e.end, to) - e.start);
  return `${prefix}: ${e.message}\n  ${shown}\n  ${' '.repeat(start)}${'^'.repeat(width)}`;
}

/** Longest part of a filter expression echoed under an error. */
const FILTER_ECHO_MAX = 100;

/** The filter's warnings as stderr lines, each with its caret line (the CLI prints them once, before running). */
export function filterWarningText(filter: CompiledFilter | null): string {
  return (filter?.warnings ?? []).map((w) => `netmon: ${describeFilterError(filter!.source, w, 'warning: --filter')}\n`).join('');
}

function filterOption(command: string, o: Parsed): CompiledFilter | null {
  const expr = o.get('filter');
  if (typeof expr !== 'string') return null;
  // The CLI never resolves remote names, so host: terms get a warning.
  const r = parseFilter(expr, { namesResolved: false });
  if (!r.ok) throw new UsageError(describeFilterError(expr, r.error), command);
  return r.filter;
}

function sourceOption(command: string, o: Parsed): SourceKind {
  const v = o.get('source');
  if (v === undefined) return 'auto';
  if (!isSourceKind(v)) {
    throw new UsageError(`bad --source "${String(v)}": expected one of ${USER_SOURCE_KINDS.join(', ')}`, command);
  }
  return v;
}

/** `--tables auto|netlink|procfs` (where the linux source reads its tables); null when not given. */
function tablesOption(command: string, o: Parsed): LinuxTables | null {
  const v = o.get('tables');
  if (v === undefined) return null;
  if (!(LINUX_TABLES as readonly unknown[]).includes(v)) {
    throw new UsageError(`bad --tables "${String(v)}": expected ${LINUX_TABLES.slice(0, -1).join(', ')} or ${LINUX_TABLES.at(-1)}`, command);
  }
  return v as LinuxTables;
}

/** `--source` and `--tables`, as every command that reads the table takes them. */
function tableSourceOptions(command: string, o: Parsed): Required<TableSourceOptions> {
  return { source: sourceOption(command, o), tables: tablesOption(command, o) };
}

/**
 * Refuses `--tables netlink|procfs` when the run does not read the linux source (`--source demo`,
 * or `auto` on Windows): the option would be ignored in silence. `auto` is every source's default.
 * Throws UsageError (exit 2) before anything is read; a platform without a source throws
 * resolveSourceKind's SourceError.
 */
export function checkTablesApply(command: string, opts: TableSourceOptions, platform: NodeJS.Platform = process.platform): void {
  const problem = tablesProblem(opts, platform);
  if (problem !== null) throw new UsageError(problem, command);
}

/**
 * Why `--tables` does not apply to the run (netlink or procfs with a source other than linux), or
 * null when it does; checkTablesApply's rule, for `serve`'s parser too. Throws resolveSourceKind's
 * SourceError on a platform without a source.
 */
export function tablesProblem(opts: TableSourceOptions, platform: NodeJS.Platform = process.platform): string | null {
  if (!opts.tables || opts.tables === 'auto') return null;
  const kind = resolveSourceKind(opts.source, platform);
  return kind === 'linux' ? null : `--tables ${opts.tables} applies to the linux source only (this run reads the ${kind} source)`;
}

function intOption(command: string, flag: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`bad ${flag} "${v}": expected a whole number from ${min} to ${max}`, command);
  }
  return Number(v);
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `1048576`, `512K`, `10M`, `10MiB`, `1G` (binary multiples). */
export function parseSize(v: string): number | null {
  const m = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()];
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** `--interval MS` of top and the other commands that may poll twice: the range of watch's. */
function intervalOption(command: string, o: Parsed): number | null {
  const v = o.get('interval');
  return typeof v === 'string' ? intOption(command, '--interval', v, MIN_INTERVAL_MS, MAX_INTERVAL_MS) : null;
}

/**
 * How far apart a one-shot command polls twice, or null for one poll: two polls when the filter
 * (or `rateNeeded`, e.g. --sort rate) reads rates or limitedBy, which one poll cannot know, or when
 * --interval is given (the user asked for rates in the output).
 */
function twoPollInterval(command: string, o: Parsed, filter: CompiledFilter | null, rateNeeded = false): number | null {
  return intervalOption(command, o) ?? (rateNeeded || needsTwoPolls(filter) ? DEFAULT_INTERVAL_MS : null);
}

/** `--sort rate|bytes` (top: also its older name `--by`); null when neither is given. */
function sortOption(command: string, o: Parsed, alias?: 'by'): BusyBy | null {
  if (alias && o.has(alias) && o.has('sort')) throw new UsageError(`--sort and --${alias} are one option: give one of them`, command);
  const flag = alias && o.has(alias) ? alias : 'sort';
  const v = o.get(flag);
  if (v === undefined) return null;
  if (v !== 'rate' && v !== 'bytes') throw new UsageError(`bad --${flag} "${String(v)}": expected rate or bytes`, command);
  return v;
}

/** `--traffic`, implied when the filter reads a traffic field: text output shows the traffic. */
function trafficOption(o: Parsed, filter: CompiledFilter | null): boolean {
  return o.has('traffic') || (filter?.readsTraffic ?? false);
}

function parseSnapshot(argv: readonly string[]): Command {
  const cmd = 'snapshot';
  const o = parseOptions(cmd, argv, SNAPSHOT_SPECS);
  if (o.has('help')) return { kind: 'help', text: SNAPSHOT_HELP };
  if (o.has('json') && o.has('csv')) throw new UsageError('--json and --csv cannot be combined', cmd);
  const filter = filterOption(cmd, o);
  const sort = sortOption(cmd, o);
  const output = o.has('json') ? 'json' : o.has('csv') ? 'csv' : 'table';
  const traffic = trafficOption(o, filter) || sort !== null;
  // A text table with traffic columns shows rates, which need two polls (as top's); so does
  // --traffic in JSON and CSV, which carry the traffic fields anyway.
  const rates = sort === 'rate' || o.has('traffic') || (traffic && output === 'table');
  return {
    kind: 'snapshot',
    options: {
      output,
      filter,
      traffic,
      ...tableSourceOptions(cmd, o),
      baseline: baselineOption(cmd, o),
      sort,
      warmUpMs: twoPollInterval(cmd, o, filter, rates),
    },
  };
}

function baselineOption(command: string, o: Parsed): string | null {
  const v = o.get('baseline');
  if (v === undefined) return null;
  if (v === '' || v === true) throw new UsageError('--baseline needs a file name (made by `netmon baseline save FILE`)', command);
  return v;
}

function parsePorts(argv: readonly string[]): Command {
  const cmd = 'ports';
  const o = parseOptions(cmd, argv, PORTS_SPECS);
  if (o.has('help')) return { kind: 'help', text: PORTS_HELP };
  const th = o.get('threshold');
  const trend = o.get('trend');
  const filter = filterOption(cmd, o);
  return {
    kind: 'ports',
    options: {
      json: o.has('json'),
      thresholdPercent: typeof th === 'string' ? intOption(cmd, '--threshold', th, 1, 100) : DEFAULT_PORT_WARNING_PERCENT,
      trendSeconds: typeof trend === 'string' ? intOption(cmd, '--trend', trend, 1, 600) : 0,
      check: o.has('check'),
      filter,
      ...tableSourceOptions(cmd, o),
      warmUpMs: twoPollInterval(cmd, o, filter),
    },
  };
}

function parseTop(argv: readonly string[]): Command {
  const cmd = 'top';
  const o = parseOptions(cmd, argv, TOP_SPECS);
  if (o.has('help')) return { kind: 'help', text: TOP_HELP };
  const limit = o.get('limit');
  return {
    kind: 'top',
    options: {
      json: o.has('json'),
      by: sortOption(cmd, o, 'by') ?? 'rate',
      limit: typeof limit === 'string' ? intOption(cmd, '--limit', limit, 1, 10_000) : DEFAULT_TOP_LIMIT,
      processes: o.has('processes'),
      intervalMs: intervalOption(cmd, o) ?? DEFAULT_INTERVAL_MS,
      filter: filterOption(cmd, o),
      ...tableSourceOptions(cmd, o),
    },
  };
}

/** `baseline save FILE [options]`: the action, FILE and the options in any order (the action before FILE). */
function parseBaselineCommand(argv: readonly string[]): Command {
  const cmd = 'baseline';
  const { options: o, operands } = parseArgs(cmd, argv, BASELINE_SPECS, 2);
  const [verb, file] = operands;
  if (o.has('help') || argv.length === 0) return { kind: 'help', text: BASELINE_HELP };
  if (verb === undefined) throw new UsageError('baseline needs an action: save FILE', cmd);
  if (verb !== 'save') throw new UsageError(`unknown baseline action "${verb}": expected save`, cmd);
  if (file === undefined) throw new UsageError('baseline save needs a FILE to write', cmd);
  const filter = filterOption(cmd, o);
  return { kind: 'baseline-save', options: { file, filter, ...tableSourceOptions(cmd, o), warmUpMs: twoPollInterval(cmd, o, filter) } };
}

function parseWatch(argv: readonly string[]): Command {
  const cmd = 'watch';
  const o = parseOptions(cmd, argv, WATCH_SPECS);
  if (o.has('help')) return { kind: 'help', text: WATCH_HELP };
  const intervalMs = intervalOption(cmd, o) ?? DEFAULT_INTERVAL_MS;
  const output = o.get('output');
  let record: WatchOptions['record'] = null;
  if (typeof output === 'string') {
    if (output === '') throw new UsageError('--output needs a file name', cmd);
    const format = o.get('format') ?? 'ndjson';
    if (format !== 'ndjson' && format !== 'csv') {
      throw new UsageError(`bad --format "${String(format)}": expected ndjson or csv`, cmd);
    }
    const sizeText = o.get('max-size');
    let maxBytes = DEFAULT_MAX_BYTES;
    if (typeof sizeText === 'string') {
      const n = parseSize(sizeText);
      if (n === null) throw new UsageError(`bad --max-size "${sizeText}": expected bytes such as 1048576, 512K or 10M`, cmd);
      maxBytes = n;
    }
    const filesText = o.get('max-files');
    const maxFiles = typeof filesText === 'string' ? intOption(cmd, '--max-files', filesText, 1, 1000) : DEFAULT_MAX_FILES;
    record = { path: output, format, maxBytes, maxFiles };
  } else {
    for (const f of ['format', 'max-size', 'max-files']) {
      if (o.has(f)) throw new UsageError(`--${f} only applies to a recording: add --output FILE`, cmd);
    }
  }
  if (o.has('quiet') && !record) throw new UsageError('--quiet without --output would print nothing at all', cmd);
  const filter = filterOption(cmd, o);
  return {
    kind: 'watch',
    options: {
      json: o.has('json'),
      intervalMs,
      filter,
      ...tableSourceOptions(cmd, o),
      initial: o.has('initial'),
      utc: o.has('utc'),
      date: o.has('date'),
      quiet: o.has('quiet'),
      record,
      baseline: baselineOption(cmd, o),
      traffic: trafficOption(o, filter),
    },
  };
}

const REPLAY_SPECS: OptionSpec[] = [
  { name: 'help', short: 'h', value: false },
  { name: 'filter', short: 'f', value: true },
  { name: 'json', value: false },
  { name: 'csv', value: false },
  { name: 'utc', value: false },
  { name: 'date', value: false },
  { name: 'traffic', value: false },
];

/** Most recording files one `replay` reads (a rotated set of 1,000 files and then some). */
const MAX_REPLAY_FILES = 10_000;

/** `replay FILE... [options]`: files and options in any order. */
function parseReplay(argv: readonly string[]): Command {
  const cmd = 'replay';
  const { options: o, operands: files } = parseArgs(cmd, argv, REPLAY_SPECS, MAX_REPLAY_FILES);
  if (o.has('help')) return { kind: 'help', text: REPLAY_HELP };
  if (files.length === 0) throw new UsageError('replay needs one or more recording FILEs', cmd);
  if (o.has('json') && o.has('csv')) throw new UsageError('--json and --csv cannot be combined', cmd);
  const filter = filterOption(cmd, o);
  return {
    kind: 'replay',
    options: {
      files,
      output: o.has('json') ? 'json' : o.has('csv') ? 'csv' : 'text',
      filter,
      utc: o.has('utc'),
      date: o.has('date'),
      traffic: trafficOption(o, filter),
    },
  };
}

const COMMANDS: Record<string, (argv: readonly string[]) => Command> = {
  snapshot: parseSnapshot,
  watch: parseWatch,
  serve: (argv) => ({ kind: 'serve', argv: [...argv] }),
  agent: (argv) => ({ kind: 'agent', argv: [...argv] }),
  ports: parsePorts,
  top: parseTop,
  baseline: parseBaselineCommand,
  replay: parseReplay,
};

const HELP_BY_COMMAND: Record<string, string> = { snapshot: SNAPSHOT_HELP, watch: WATCH_HELP, ports: PORTS_HELP, top: TOP_HELP, baseline: BASELINE_HELP, replay: REPLAY_HELP };

/** Parses `netmon`'s arguments (process.argv without node and the script). Throws UsageError. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given: expected snapshot, watch, ports, top, baseline, replay, serve or agent');
  if (first === '-h' || first === '--help') return { kind: 'help', text: MAIN_HELP };
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first === 'help') {
    if (rest.length === 0) return { kind: 'help', text: MAIN_HELP };
    if (rest[0] === 'serve') return { kind: 'serve', argv: ['--help'] };
    if (rest[0] === 'agent') return { kind: 'agent', argv: ['--help'] };
    const text = HELP_BY_COMMAND[rest[0]];
    if (!text) throw new UsageError(`no help for unknown command "${rest[0]}": expected snapshot, watch, ports, top, baseline, replay, serve or agent`);
    return { kind: 'help', text };
  }
  const parse = COMMANDS[first];
  if (!parse) {
    throw new UsageError(
      first.startsWith('-')
        ? `expected a command before ${first}: snapshot, watch, ports, top, baseline, replay, serve or agent`
        : `unknown command "${first}": expected snapshot, watch, ports, top, baseline, replay, serve or agent`,
    );
  }
  return parse(rest);
}
