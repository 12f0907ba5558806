// Operators written wrong in a filter term (`sent=>1M`, `rtt=<5ms`, `port==80`, `pid!=4`,
// `rate<>0`): the lexer reads the first operator character and leaves the rest on the value (or,
// for `!`, reads no key at all), so without this the error would blame the value. Pure.
import { FilterSyntaxError } from './filter-error';
import type { TermToken } from './filter-lexer';

const OP_CHAR = /^[<=>!:]+/;

/**
 * What is wrong with operator text `written` (`=>`, `==`, `<>`, …) in `key<written>value`, as
 * the end of an error message; null when `written` is a real operator (> >= < <= = :).
 */
export function operatorMistake(key: string, written: string, value: string): string | null {
  const neg = `-${key}:${value}`;
  switch (written) {
    case '>':
    case '>=':
    case '<':
    case '<=':
    case '=':
    case ':':
      return null;
    case '=>':
      return `reversed operator "=>": write ${key}>=${value}`;
    case '=<':
      return `reversed operator "=<": write ${key}<=${value}`;
    case '==':
    case ':=':
    case '::':
      return `"${written}" is no operator: write ${key}:${value} (or ${key}=${value})`;
    case '!=':
    case '<>':
    case '!':
      return `there is no not-equal operator "${written}": negate the term, ${neg}`;
    default:
      return `unknown operator "${written}": use >, >=, <, <=, = or : (e.g. ${key}>=${value})`;
  }
}

/**
 * Throws FilterSyntaxError over the operator of a key term whose operator is misspelled: the
 * lexer's operator (`rate:>` counts as written) plus the operator characters it left at the
 * start of the value. For keys that compare; a text value may begin with these characters.
 */
export function checkKeyOperator(t: TermToken): void {
  const first = t.items[0];
  if (!t.key || t.op === null || !first || first.quoted) return;
  const extra = OP_CHAR.exec(first.text)?.[0] ?? '';
  if (extra === '') return;
  const lexed = first.start - t.key.end;
  const written = (lexed === t.op.length ? t.op : `:${t.op}`) + extra;
  const mistake = operatorMistake(t.key.name, written, first.text.slice(extra.length));
  if (mistake) throw new FilterSyntaxError(mistake, t.key.end, first.start + extra.length);
}

/**
 * A free word that is a known key followed by `!` (`pid!=4`, `state!=listen`): the lexer reads
 * no key there, and the word would match nothing in silence. Throws over the operator.
 */
export function checkWordOperator(word: { text: string; start: number; quoted: boolean }, isKey: (name: string) => boolean): void {
  if (word.quoted) return;
  const m = /^([a-z]+)(![<=>!:]*)(.*)$/is.exec(word.text);
  if (!m || !isKey(m[1].toLowerCase())) return;
  const [, key, written, value] = m;
  const mistake = operatorMistake(key.toLowerCase(), written, value) ?? `unknown operator "${written}"`;
  throw new FilterSyntaxError(mistake, word.start + key.length, word.start + key.length + written.length);
}
