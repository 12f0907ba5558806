// The filter language shared by the CLI (--filter) and the app's filter box: one parser, pure.
//
//   expr  := alt ('|' alt)*              OR; AND binds tighter
//   alt   := unary+                      terms side by side must all match (AND)
//   unary := '-' unary | '(' expr ')' | term
//   term  := key ':' list | key OP number | word
//   list  := value (',' value)*          any value matches (also value|value without spaces)
//
// Matching is case-insensitive. The keys, their values and the free-word rules are documented in
// FILTER_HELP (shared/filter-help.ts), the text `netmon <command> --help` and the app show.
// Stages: filter-lexer (text → tokens), filter-parser (tokens → tree), filter-terms and
// filter-numeric (term → predicate); this module joins them and matches events.
import type { Connection, ConnectionEvent } from './connection';
import { FilterSyntaxError, type FilterError } from './filter-error';
import { tokenize } from './filter-lexer';
import { parseTokens, type FilterNode } from './filter-parser';
import { compileTerm, TRAFFIC_KEYS, type Predicate, type TermContext } from './filter-terms';

export type { FilterError } from './filter-error';
export { MAX_FILTER_LENGTH } from './filter-lexer';
export { MAX_FILTER_DEPTH, MAX_FILTER_TERMS } from './filter-parser';
export { FILTER_KEYS } from './filter-terms';

export interface CompiledFilter {
  match(c: Connection): boolean;
  /** The expression as given. */
  source: string;
  /** Parts that apply but will not do what the text suggests (`host:` where names are not resolved). */
  warnings: readonly FilterError[];
  /**
   * Whether any term reads a traffic field (`rate>`, `sent>=`, `rtt>`, `retrans>`, `limited:`): a
   * view filtered without one need not look again at rows whose only change is their counters.
   */
  readsTraffic: boolean;
  /** The canonical keys its terms use (`received:` counts as `recv`); free words add none. */
  keys: ReadonlySet<string>;
}

/**
 * Keys whose values exist only from a connection's second poll on: the rates (bytes/s over the
 * interval between two polls) and `limited:`, which the engine derives from the same interval.
 */
export const TWO_POLL_KEYS: ReadonlySet<string> = new Set(['rate', 'sendrate', 'recvrate', 'limited']);

/** Whether `filter` reads a value that needs two polls (TWO_POLL_KEYS): one poll would match none of those terms. */
export function needsTwoPolls(filter: Pick<CompiledFilter, 'keys'> | null): boolean {
  return filter !== null && usesAny(filter.keys, TWO_POLL_KEYS);
}

/** Whether any of `keys` is in `of`. */
function usesAny(keys: ReadonlySet<string>, of: ReadonlySet<string>): boolean {
  for (const k of keys) if (of.has(k)) return true;
  return false;
}

export type FilterResult = { ok: true; filter: CompiledFilter } | { ok: false; error: FilterError };

export interface FilterOptions {
  /**
   * Whether remote names are resolved where the filter runs (default true). The CLI never
   * resolves, the app only with its setting on; when false, `host:` terms come with a warning.
   */
  namesResolved?: boolean;
}

/**
 * Parses a filter expression. Never throws: a bad expression gives `{ ok: false, error }` with
 * the message and the [start, end) character span to point at. Linear in the expression's
 * length, which is capped at MAX_FILTER_LENGTH; at most MAX_FILTER_TERMS terms and
 * MAX_FILTER_DEPTH levels of nesting.
 */
export function parseFilter(expr: string, opts: FilterOptions = {}): FilterResult {
  const ctx: TermContext = { namesResolved: opts.namesResolved ?? true, warnings: [] };
  try {
    const tree = parseTokens(tokenize(expr));
    const match: Predicate = tree === null ? () => true : compileNode(tree, ctx);
    const keys: ReadonlySet<string> = ctx.keys ?? new Set();
    return { ok: true, filter: { match, source: expr, warnings: ctx.warnings, readsTraffic: usesAny(keys, TRAFFIC_KEYS), keys } };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, error: { message: e.message, start: e.start, end: e.end } };
    // A fault of the parser itself must not take the caller down with it.
    return { ok: false, error: { message: `cannot read this filter: ${e instanceof Error ? e.message : String(e)}`, start: 0, end: expr.length } };
  }
}

function compileNode(n: FilterNode, ctx: TermContext): Predicate {
  switch (n.kind) {
    case 'term':
      return compileTerm(n.term, ctx);
    case 'not': {
      const p = compileNode(n.child, ctx);
      return (c) => !p(c);
    }
    case 'and': {
      const ps = n.children.map((k) => compileNode(k, ctx));
      if (ps.length === 2) {
        const [a, b] = ps;
        return (c) => a(c) && b(c);
      }
      return (c) => {
        for (const p of ps) if (!p(c)) return false;
        return true;
      };
    }
    case 'or': {
      const ps = n.children.map((k) => compileNode(k, ctx));
      if (ps.length === 2) {
        const [a, b] = ps;
        return (c) => a(c) || b(c);
      }
      return (c) => {
        for (const p of ps) if (p(c)) return true;
        return false;
      };
    }
  }
}

/** Anything that tests one connection: a CompiledFilter, or the app's filter + quick toggles. */
export interface ConnectionMatcher {
  match(c: Connection): boolean;
}

/**
 * Does an event belong in a filtered event list? `opened`: its row matches. `closed`: the last row
 * it had matches (the event carries it). `changed`: the row before or the row after matches, so
 * a connection leaving the filter (`-state:time-wait` as it enters TIME-WAIT) is still reported.
 */
export function eventMatches(filter: ConnectionMatcher, e: ConnectionEvent): boolean {
  if (filter.match(e.connection)) return true;
  return e.type === 'changed' && filter.match(rowBefore(e));
}

/**
 * The row a `changed` event's connection had before the change: `previousState`,
 * `previousPid` and `previousProcess` applied where the event carries them (a changed owner
 * also drops the new owner's path and start time, which the old owner need not share).
 */
export function rowBefore(e: ConnectionEvent): Connection {
  const before: Connection = { ...e.connection };
  if (e.previousState !== undefined) before.state = e.previousState;
  if (e.previousPid !== undefined && e.previousPid !== e.connection.pid) {
    before.pid = e.previousPid;
    before.process = e.previousProcess ?? null;
    before.processPath = null;
    before.processStartTime = null;
  }
  return before;
}
