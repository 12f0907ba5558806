// Parser of the filter language: tokens → syntax tree, by recursive descent with a depth limit.
//
//   or      := and ('|' and)*                 `|` binds loosest
//   and     := unary unary*                   juxtaposition is AND
//   unary   := '-' unary | '(' or ')' | term  `-` negates a term or a group
//
// Each token is looked at once, so parsing is linear; nesting is capped at MAX_FILTER_DEPTH and the
// number of terms (list items included) at MAX_FILTER_TERMS, so neither the stack nor the cost of
// matching can be driven up by the expression.
import { FilterSyntaxError } from './filter-error';
import type { TermToken, Token } from './filter-lexer';

/** Deepest nesting of parentheses and `-` accepted. */
export const MAX_FILTER_DEPTH = 32;
/** Most terms, counting each item of a list (`port:80,443` is two), accepted in one expression. */
export const MAX_FILTER_TERMS = 256;

export type FilterNode =
  | { kind: 'term'; term: TermToken }
  | { kind: 'not'; child: FilterNode }
  | { kind: 'and' | 'or'; children: FilterNode[] };

/**
 * Builds the syntax tree of `tokens` (from tokenize); null for an empty expression. Throws
 * FilterSyntaxError pointing at the offending token: unbalanced `(` / `)`, empty `()`, an empty
 * alternative around `|`, nesting deeper than MAX_FILTER_DEPTH, more than MAX_FILTER_TERMS terms.
 */
export function parseTokens(tokens: readonly Token[]): FilterNode | null {
  if (tokens.length === 0) return null;
  let pos = 0;
  let terms = 0;
  const peek = (): Token | undefined => tokens[pos];

  const deeper = (depth: number, t: Token): number => {
    if (depth + 1 > MAX_FILTER_DEPTH) {
      throw new FilterSyntaxError(`nested too deeply: at most ${MAX_FILTER_DEPTH} levels of "(" and "-"`, t.start, t.end);
    }
    return depth + 1;
  };

  const parseOr = (depth: number): FilterNode => {
    const alts: FilterNode[] = [];
    for (;;) {
      const t = peek();
      if (t?.kind === '|') throw new FilterSyntaxError('empty alternative: nothing before "|"', t.start, t.end);
      alts.push(parseAnd(depth));
      const next = peek();
      if (next?.kind !== '|') break;
      pos++;
      const after = peek();
      if (after === undefined || after.kind === ')' || after.kind === '|') {
        throw new FilterSyntaxError('empty alternative: nothing after "|"', next.start, next.end);
      }
    }
    return alts.length === 1 ? alts[0] : { kind: 'or', children: alts };
  };

  const parseAnd = (depth: number): FilterNode => {
    const parts: FilterNode[] = [];
    for (let t = peek(); t !== undefined && t.kind !== '|' && t.kind !== ')'; t = peek()) parts.push(parseUnary(depth));
    return parts.length === 1 ? parts[0] : { kind: 'and', children: parts };
  };

  const parseUnary = (depth: number): FilterNode => {
    const t = tokens[pos++];
    if (t.kind === '-') return { kind: 'not', child: parseUnary(deeper(depth, t)) };
    if (t.kind === '(') {
      const inner = deeper(depth, t);
      const first = peek();
      if (first?.kind === ')') throw new FilterSyntaxError('empty parentheses', t.start, first.end);
      if (first === undefined) throw new FilterSyntaxError('unbalanced "(": add a closing ")"', t.start, t.end);
      const node = parseOr(inner);
      if (peek()?.kind !== ')') throw new FilterSyntaxError('unbalanced "(": add a closing ")"', t.start, t.end);
      pos++;
      return node;
    }
    if (t.kind === 'term') {
      terms += t.items.length;
      if (terms > MAX_FILTER_TERMS) throw new FilterSyntaxError(`too many terms: at most ${MAX_FILTER_TERMS}`, t.start, t.end);
      return { kind: 'term', term: t };
    }
    // ')' and '|' never reach here: parseAnd stops before them.
    throw new FilterSyntaxError(`unexpected "${t.kind}"`, t.start, t.end);
  };

  const root = parseOr(0);
  const rest = peek();
  if (rest !== undefined) throw new FilterSyntaxError('unbalanced ")": no "(" before it', rest.start, rest.end);
  return root;
}
