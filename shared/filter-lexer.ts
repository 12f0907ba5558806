// Lexer of the filter language: one left-to-right pass over the expression, no backtracking, so
// its cost is linear in the length (the expression itself is capped at MAX_FILTER_LENGTH).
//
// Tokens: `(` `)` `|` (OR), `-` (NOT, only directly before a term or `(`), and terms. A term is
// `key:value`, `key OP value` (OP one of > >= < <= =) or a free word. A value is a list of items
// separated by `,` — or by `|` written without spaces (`limited:rwin|cwnd`), so `port:80 | port:443`
// is an OR of terms and `port:80|443` a list. Quoted text ("…", with \" and \\) is literal.
import { parseAddress } from './filter-address';
import { FilterSyntaxError } from './filter-error';
import { operatorMistake } from './filter-operators';

/** Longest expression accepted (characters); longer ones are a parse error, never a slow parse. */
export const MAX_FILTER_LENGTH = 4096;

export type CompareOp = ':' | '>' | '>=' | '<' | '<=' | '=';

/** One value of a term's list: `443` in `port:80,443`. Offsets are into the whole expression. */
export interface ValueItem {
  text: string;
  start: number;
  end: number;
  /** Any part of the item was quoted: quoted items are text, never addresses or keys. */
  quoted: boolean;
}

export interface TermToken {
  kind: 'term';
  start: number;
  end: number;
  /** Lowercased key and its span; null for a free word. */
  key: { name: string; start: number; end: number } | null;
  op: CompareOp | null;
  /** For a free word: one item holding the whole word. */
  items: ValueItem[];
}

export type Token =
  | TermToken
  | { kind: '(' | ')' | '|' | '-'; start: number; end: number };

const SPACE = 1;
const DELIM = 2; // ends a term: space ( ) |

function charClass(c: number): number {
  if (c === 32 || c === 9 || c === 10 || c === 13) return SPACE | DELIM;
  if (c === 40 || c === 41 || c === 124) return DELIM;
  return 0;
}

const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isOpChar = (c: number): boolean => c === 58 || c === 60 || c === 61 || c === 62; // : < = >

/**
 * Splits `expr` into tokens. Throws FilterSyntaxError (message + [start, end) span) for an
 * unterminated quote, a `-` with nothing to negate, or an expression over MAX_FILTER_LENGTH.
 */
export function tokenize(expr: string): Token[] {
  if (expr.length > MAX_FILTER_LENGTH) {
    throw new FilterSyntaxError(
      `filter too long: ${expr.length} characters, at most ${MAX_FILTER_LENGTH}`,
      MAX_FILTER_LENGTH,
      expr.length,
    );
  }
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr.charCodeAt(i);
    const cls = charClass(c);
    if (cls & SPACE) {
      i++;
    } else if (c === 40 || c === 41 || c === 124) {
      out.push({ kind: c === 40 ? '(' : c === 41 ? ')' : '|', start: i, end: i + 1 });
      i++;
    } else if (c === 45 /* - */) {
      if (i + 1 >= expr.length || charClass(expr.charCodeAt(i + 1)) & SPACE || expr.charCodeAt(i + 1) === 124 || expr.charCodeAt(i + 1) === 41) {
        throw new FilterSyntaxError('"-" must be followed by a term or "(" to negate', i, i + 1);
      }
      out.push({ kind: '-', start: i, end: i + 1 });
      i++;
    } else {
      const t = readTerm(expr, i);
      out.push(t);
      i = t.end;
    }
  }
  checkSpacedComparisons(expr, out);
  return out;
}

const isCompareChar = (c: number): boolean => c === 60 || c === 61 || c === 62; // < = >

/**
 * A comparison written with spaces (`sent > 10MiB`, `sent >10MiB`, `rate> 1M`) would otherwise read
 * as free words that match nothing: refuse it, pointing at the words and showing them joined.
 * Quoted words are text and pass.
 */
function checkSpacedComparisons(expr: string, tokens: readonly Token[]): void {
  const term = (k: number): TermToken | null => {
    const t = tokens[k];
    return t?.kind === 'term' ? t : null;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = term(k);
    if (!t) continue;
    const text = expr.slice(t.start, t.end);
    let opensWithOp = false;
    let endsWithOp = false;
    if (t.key === null) {
      if (t.items[0].quoted) continue;
      opensWithOp = isCompareChar(text.charCodeAt(0));
      endsWithOp = isCompareChar(text.charCodeAt(text.length - 1));
    } else if (t.op !== ':' && t.items.length === 1 && t.items[0].text === '' && !t.items[0].quoted) {
      endsWithOp = true; // `rate>` then a space
    }
    if (!opensWithOp && !endsWithOp) continue;
    // Neighbours joined only across blanks (not across `(`, `)`, `|` or `-`).
    const prev = opensWithOp ? term(k - 1) : null;
    const next = endsWithOp ? term(k + 1) : null;
    const first = prev && prev.key === null && /^\s+$/.test(expr.slice(prev.end, t.start)) ? prev : t;
    const last = next && /^\s+$/.test(expr.slice(t.end, next.start)) ? next : t;
    if (t.key !== null && last === t) continue; // `rate>` with nothing after: "empty value" says it
    // Nothing to join on the key's side (`> 5`, `>5`): no key to compare.
    if ((opensWithOp && first === t) || (first === t && last === t)) {
      throw new FilterSyntaxError(`"${text}": a comparison needs a key and a value, written without spaces, e.g. sent>10MiB`, t.start, t.end);
    }
    const joined = [first, t, last].filter((x, i, all) => all.indexOf(x) === i).map((x) => expr.slice(x.start, x.end)).join('');
    // Joined, the operator may still be wrong (`sent => 1M`): say that too rather than suggest it.
    const parts = /^([a-z]+)([<=>!:]+)(.*)$/is.exec(joined);
    const mistake = parts ? operatorMistake(parts[1], parts[2], parts[3]) : null;
    throw new FilterSyntaxError(`comparison with spaces: ${mistake ?? `write ${joined}`}`, first.start, last.end);
  }
}

/** Reads one term starting at `from` (not a delimiter). */
function readTerm(expr: string, from: number): TermToken {
  const head = readKey(expr, from);
  let key: TermToken['key'] = null;
  let op: CompareOp | null = null;
  let i = from;
  if (head) {
    key = { name: expr.slice(from, head.keyEnd).toLowerCase(), start: from, end: head.keyEnd };
    op = head.op;
    i = head.valueStart;
  }
  const items: ValueItem[] = [];
  let item: ValueItem = { text: '', start: i, end: i, quoted: false };
  for (;;) {
    if (i >= expr.length) break;
    const c = expr.charCodeAt(i);
    if (c === 34 /* " */) {
      i = readQuoted(expr, i, item);
      continue;
    }
    if (charClass(c) & DELIM) {
      // `key:a|b` (no spaces, b not a key term) continues the list.
      if (c === 124 && key && continuesList(expr, i + 1)) {
        item.end = i;
        items.push(item);
        i++;
        item = { text: '', start: i, end: i, quoted: false };
        continue;
      }
      break;
    }
    if (c === 44 /* , */ && key) {
      item.end = i;
      items.push(item);
      i++;
      item = { text: '', start: i, end: i, quoted: false };
      continue;
    }
    // Plain run up to the next special character, appended at once.
    let j = i + 1;
    while (j < expr.length) {
      const d = expr.charCodeAt(j);
      if (d === 34 || charClass(d) & DELIM || (d === 44 && key)) break;
      j++;
    }
    item.text += expr.slice(i, j);
    i = j;
  }
  item.end = i;
  items.push(item);
  const term: TermToken = { kind: 'term', start: from, end: i, key, op, items };
  if (key && op === ':' && items.length === 1 && !items[0].quoted && looksLikeAddress(expr.slice(from, i))) {
    // `dead::beef`, `fe80::/10` or `face::1%2` typed bare: an address, not an unknown key `dead`.
    term.key = null;
    term.op = null;
    term.items = [{ text: expr.slice(from, i), start: from, end: i, quoted: false }];
  }
  return term;
}

/**
 * A key is letters only, directly followed by `:` or a comparison operator (`rate>=1M`,
 * `port:80`, `rate:>1M` too). Returns where the key ends, the operator, and where the value starts.
 */
function readKey(expr: string, from: number): { keyEnd: number; op: CompareOp; valueStart: number } | null {
  let i = from;
  while (i < expr.length && isLetter(expr.charCodeAt(i))) i++;
  if (i === from || i >= expr.length || !isOpChar(expr.charCodeAt(i))) return null;
  const keyEnd = i;
  let op = readOp(expr, i);
  i += op.length;
  if (op === ':' && i < expr.length && isOpChar(expr.charCodeAt(i)) && expr.charCodeAt(i) !== 58) {
    op = readOp(expr, i); // `rate:>1M`
    i += op.length;
  }
  return { keyEnd, op, valueStart: i };
}

function readOp(expr: string, i: number): CompareOp {
  const c = expr[i];
  if ((c === '>' || c === '<') && expr[i + 1] === '=') return `${c}=`;
  return c as CompareOp;
}

/** Reads `"…"` at `q` into `item`; returns the index after the closing quote. */
function readQuoted(expr: string, q: number, item: ValueItem): number {
  item.quoted = true;
  let i = q + 1;
  let run = i;
  for (;;) {
    if (i >= expr.length) throw new FilterSyntaxError('unterminated quote: add a closing "', q, expr.length);
    const c = expr.charCodeAt(i);
    if (c === 34) {
      item.text += expr.slice(run, i);
      return i + 1;
    }
    if (c === 92 /* \ */ && (expr[i + 1] === '"' || expr[i + 1] === '\\')) {
      item.text += expr.slice(run, i) + expr[i + 1];
      i += 2;
      run = i;
      continue;
    }
    i++;
  }
}

/** After a `|` inside a keyed term: does a plain list item follow directly (no space, no key)? */
function continuesList(expr: string, at: number): boolean {
  if (at >= expr.length) return false;
  const c = expr.charCodeAt(at);
  if (charClass(c) & DELIM || c === 45) return false;
  return readKey(expr, at) === null || looksLikeAddress(readWord(expr, at));
}

function readWord(expr: string, at: number): string {
  let j = at;
  while (j < expr.length && !(charClass(expr.charCodeAt(j)) & DELIM) && expr.charCodeAt(j) !== 44) j++;
  return expr.slice(at, j);
}

/** IPv6 text, optionally with `%scope`, `[…]:port` or `/prefix`, that would otherwise read as `key:`. */
function looksLikeAddress(s: string): boolean {
  let t = s;
  const slash = t.indexOf('/');
  if (slash >= 0) t = t.slice(0, slash);
  return parseAddress(t) !== null;
}
