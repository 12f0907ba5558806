// Whole-number fields written with a fraction or an exponent (`443.0`, `5e0`, `4.43E2`). JSON.parse
// reads such a literal as the whole number, so the parsed value cannot tell; only the text can.
// netmon writes whole numbers as digits only, so a file or request that spells one otherwise was
// not written by netmon's rules and is refused, naming the field and where it stands.
//
// One scanner for every JSON text netmon reads from outside: recording lines (format.ts
// parseEventJsonLine; a CSV cell is tested by isWholeLiteral), baselines (baseline.ts), the
// agent's config (main/agent/config.ts) and serve's call frames (main/server/rpc.ts). Each gives a
// WholeSchema: the members it reads as whole numbers, where it reads them. Members it does not
// read are skipped unlooked-at, as its reader ignores them; of members of one name only the last
// counts, as in what JSON.parse returns.
// Its own scanner, not a JSON library's visitor: one (jsonc-parser's visit) recurses once per
// nesting level, so a frame nested 200,000 deep, which JSON.parse accepts, overflowed its stack
// (RangeError, tried); this one skips members it does not read by counting brackets.
// Not checked: JSON netmon writes and reads back itself (engine batches and history, the server's
// frames to its viewers, window-state.json, the window's stored settings). Nothing else writes
// it, and those readers repair a bad value rather than refuse the whole.

/** The schema of a whole number: a number literal here must be digits only. */
export const WHOLE = 'whole' as const;

/** Members read from an object: the member's name → its schema. A Map, so `__proto__` is a name like any other. */
export interface WholeObject {
  readonly members: ReadonlyMap<string, WholeSchema>;
  /** The members by the length of their name: a key of another length is passed over without being cut out. */
  readonly byLength: ReadonlyArray<ReadonlyArray<readonly [string, WholeSchema]> | undefined>;
}

/** Every item of an array has this schema. */
export interface WholeArray {
  readonly items: WholeSchema;
}

/** Which members of a JSON value are read as whole numbers (see wholeObject, wholeItems). */
export type WholeSchema = typeof WHOLE | WholeObject | WholeArray;

/** `{pid: WHOLE, connection: wholeObject({...})}` as a schema. */
export function wholeObject(members: Readonly<Record<string, WholeSchema>>): WholeObject {
  const byLength: Array<Array<readonly [string, WholeSchema]>> = [];
  for (const [name, schema] of Object.entries(members)) (byLength[name.length] ??= []).push([name, schema]);
  return { members: new Map(Object.entries(members)), byLength };
}

/** An array whose every item has schema `items`. */
export const wholeItems = (items: WholeSchema): WholeArray => ({ items });

/** A whole-number member written with a fraction or an exponent. */
export interface WholeLiteralFault {
  /** Where it is, as the format names it: `connection.pid`, `listeners[2].port`, `args[0]`. */
  path: string;
  /** The name of the member holding it (`pid`); '' for an array item or a bare value. */
  key: string;
  /** The literal as written: `443.0`. */
  literal: string;
  /** The literal's position: 0-based offset, 1-based line and column (UTF-16 code units). */
  offset: number;
  line: number;
  column: number;
  /** Whether the text has more than one line (a message then names the line). */
  multiline: boolean;
}

/** A number literal (JSON's grammar) with neither fraction nor exponent. */
const WHOLE_LITERAL = /^-?(?:0|[1-9]\d*)$/;

/** Whether `literal` is a whole number as netmon writes one: digits only, `-` allowed. */
export const isWholeLiteral = (literal: string): boolean => WHOLE_LITERAL.test(literal);

/** What every reader says of a whole-number field written otherwise (after the literal, its position if any). */
export const NOT_WHOLE = 'is written with a fraction or an exponent; this field is a whole number (digits only)';

/** `443.0 at line 3, column 15 is written with …` (`at column 15` for one-line text). */
export function wholeFaultText(f: WholeLiteralFault): string {
  return `${f.literal} at ${f.multiline ? `line ${f.line}, ` : ''}column ${f.column} ${NOT_WHOLE}`;
}

/**
 * The first member (in text order) that `schema` reads as a whole number and `text` writes with a
 * fraction or an exponent; null when there is none. `text` is meant to be JSON that JSON.parse
 * accepted; any other text gives some answer (never a throw, never more than a few passes over it).
 * Cost: a quick test first (mayHoldFault: one or two native passes, under 1 ns a character), which
 * lines as netmon writes them do not pass; only a text that passes it is scanned: one pass over the
 * members of the objects the schema names, values it does not read skipped by searching for their
 * end (~2.5 µs for a 730-character recording line).
 */
export function findFractionalWhole(text: string, schema: WholeSchema): WholeLiteralFault | null {
  if (!mayHoldFault(text, schema)) return null;
  const s = new Scan(text);
  const f = s.value(schema);
  if (f === null) return null;
  const lineStart = text.lastIndexOf('\n', f.offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < f.offset; i = text.indexOf('\n', i + 1)) line++;
  return { ...f, line, column: f.offset - lineStart + 1, multiline: text.includes('\n') };
}

type Found = Pick<WholeLiteralFault, 'path' | 'key' | 'literal' | 'offset'>;

/** Quick tests every text holding a fault passes (see mayHoldFault). */
interface QuickTest {
  /** A key ending as a whole member's name ends, then a colon and a number with a fraction or an exponent. */
  plain: RegExp;
  /** The same after a key's last `\u` escape. */
  escaped: RegExp;
}

const quickTests = new WeakMap<WholeObject | WholeArray, QuickTest | null>();

/** After a key's closing quote: a colon and a number with a fraction or an exponent. */
const FRACTION_MEMBER_VALUE = '"[ \\t\\n\\r]*:[ \\t\\n\\r]*-?\\d+[.eE]';

/**
 * Whether `text` may hold a fault of `schema` (every text holding one passes; others may). A key
 * naming a whole member is written either as the name, so it ends as the name ends (`id"`,
 * `rt"`), or with escapes; a name of letters and digits can only be escaped by `\uXXXX`, and
 * from its last one to its quote comes neither a quote nor a backslash. Then come a colon and a
 * number with a fraction or an exponent. A line as netmon writes it passes neither (no rate or RTT
 * name ends so), so the scan runs only on the rare text that might hold a fault. Both expressions
 * are linear: no part of them can match a run of text in more than one way for long.
 */
function mayHoldFault(text: string, schema: WholeSchema): boolean {
  if (schema === WHOLE) return true;
  let quick = quickTests.get(schema);
  if (quick === undefined) {
    quick = quickTest(schema);
    quickTests.set(schema, quick);
  }
  return quick === null || quick.plain.test(text) || (text.includes('\\u') && quick.escaped.test(text));
}

/** The quick test of `schema`; null (scan every text) where a whole number may stand with no key before it (an array item), or a name is not letters and digits. */
function quickTest(schema: WholeObject | WholeArray): QuickTest | null {
  const endings = new Set<string>();
  const walk = (x: WholeSchema): boolean => {
    if (x === WHOLE) return false;
    if ('items' in x) return walk(x.items);
    for (const [name, child] of x.members) {
      if (child !== WHOLE) {
        if (!walk(child)) return false;
      } else if (/^[A-Za-z0-9]+$/.test(name)) endings.add(name.slice(-2));
      else return false;
    }
    return true;
  };
  if (!walk(schema)) return null;
  return {
    plain: new RegExp(`(?:${[...endings].join('|') || '(?!)'})${FRACTION_MEMBER_VALUE}`),
    escaped: new RegExp(`\\\\u[^"\\\\]*${FRACTION_MEMBER_VALUE}`),
  };
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const LOWER_E = 101;
const UPPER_E = 69;
const ZERO = 48;
const NINE = 57;

/** JSON's whitespace (RFC 8259 section 2): space, tab, LF, CR. */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** A character that ends a scalar: whitespace, a separator, a closing bracket, or the end (NaN). */
const endsScalar = (c: number): boolean => isSpace(c) || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c !== c;

/** Index after the string whose opening quote is at `i`; the text's length when it is not closed. */
function stringEnd(t: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = t.indexOf('"', from);
    if (q < 0) return t.length;
    // Escaped when an odd run of backslashes precedes it. Runs between quotes do not overlap, so
    // the counting stays linear in the string's length.
    let k = q - 1;
    while (t.charCodeAt(k) === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** A member's name from the text between its quotes: escapes undone (`\\u0070id` is `pid`); null when it is no JSON string. */
function keyName(raw: string): string | null {
  if (!raw.includes('\\')) return raw;
  try {
    const k: unknown = JSON.parse(`"${raw}"`);
    return typeof k === 'string' ? k : null;
  } catch {
    return null;
  }
}

/** A cursor over one text; `i` is the next character to read. */
class Scan {
  i = 0;
  /** The first backslash at or after the last key read (Infinity: none); -1 before the first key. */
  private backslash = -1;
  constructor(private readonly t: string) {}

  private space(): void {
    while (isSpace(this.t.charCodeAt(this.i))) this.i++;
  }

  /** Reads one value under `schema` (undefined: not read by netmon, skipped). */
  value(schema: WholeSchema | undefined): Found | null {
    this.space();
    const c = this.t.charCodeAt(this.i);
    if (schema === WHOLE && (c === MINUS || (c >= ZERO && c <= NINE))) return this.number();
    if (schema !== undefined && schema !== WHOLE) {
      if (c === OPEN_BRACE && 'members' in schema) return this.object(schema);
      if (c === OPEN_BRACKET && 'items' in schema) return this.array(schema);
    }
    this.skip();
    return null;
  }

  private number(): Found | null {
    const t = this.t;
    const start = this.i;
    let i = start;
    let whole = true;
    // A JSON number is `-`, digits, and `.`, `e`, `E`, `+` only with a fraction or an exponent.
    for (;;) {
      const c = t.charCodeAt(i);
      if ((c >= ZERO && c <= NINE) || c === MINUS) i++;
      else if (c === DOT || c === LOWER_E || c === UPPER_E || c === PLUS) {
        whole = false;
        i++;
      } else break;
    }
    this.i = i;
    if (whole) return null;
    // Cut out only now: a text JSON.parse refused may hold more up to the next separator.
    this.scalarEnd();
    return { path: '', key: '', literal: t.slice(start, this.i), offset: start };
  }

  private scalarEnd(): void {
    while (!endsScalar(this.t.charCodeAt(this.i))) this.i++;
  }

  /** Skips one value of any kind; nested values by counting brackets (no recursion, so no depth limit). */
  private skip(): void {
    const t = this.t;
    const c = t.charCodeAt(this.i);
    if (c === QUOTE) {
      this.i = stringEnd(t, this.i);
      return;
    }
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      this.scalarEnd();
      return;
    }
    let depth = 0;
    let i = this.i;
    for (; i < t.length; ) {
      const d = t.charCodeAt(i);
      if (d === QUOTE) {
        i = stringEnd(t, i);
        continue;
      }
      i++;
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) break;
    }
    this.i = i;
  }

  private object(schema: WholeObject): Found | null {
    const t = this.t;
    this.i++;
    // Faults by member name: a later member of the same name replaces an earlier one, as it does
    // in what JSON.parse returns. Made only once a fault is found.
    let faults: Map<string, Found> | null = null;
    for (;;) {
      this.space();
      const c = t.charCodeAt(this.i);
      if (c === CLOSE_BRACE) {
        this.i++;
        break;
      }
      if (c === COMMA) {
        this.i++;
        continue;
      }
      if (c !== QUOTE) {
        // Not JSON (a caller's text JSON.parse would refuse): stop here.
        this.i = t.length;
        break;
      }
      const member = this.key(schema);
      this.space();
      if (t.charCodeAt(this.i) === COLON) this.i++;
      const f = this.value(member?.[1]);
      if (member === undefined) continue;
      const key = member[0];
      if (f !== null) {
        if (f.path === '') f.key = key;
        f.path = f.path === '' ? key : f.path.startsWith('[') ? key + f.path : `${key}.${f.path}`;
        (faults ??= new Map()).set(key, f);
      } else if (faults !== null) faults.delete(key);
    }
    return faults === null ? null : first(faults.values());
  }

  /**
   * Reads the key whose opening quote is at `i`: the member of `schema` it names, or undefined.
   * A key without escapes (all netmon writes) is matched in place against the names of its
   * length; one with escapes is decoded first (`"\\u0070id"` names `pid`).
   */
  private key(schema: WholeObject): readonly [string, WholeSchema] | undefined {
    const t = this.t;
    const start = this.i + 1;
    let end = t.indexOf('"', start);
    if (end < 0) end = t.length;
    if (this.backslash < start) {
      // The next backslash from here on: found again only once passed, so the search stays linear.
      const b = t.indexOf('\\', start);
      this.backslash = b < 0 ? Infinity : b;
    }
    if (this.backslash < end) {
      this.i = stringEnd(t, this.i);
      const name = keyName(t.slice(start, this.i - 1));
      const child = name === null ? undefined : schema.members.get(name);
      return child === undefined ? undefined : [name as string, child];
    }
    this.i = end + 1;
    const named = schema.byLength[end - start];
    if (named !== undefined) {
      // Most keys of a length are no member: the first letter tells before a full comparison.
      const c = t.charCodeAt(start);
      for (const m of named) if (m[0].charCodeAt(0) === c && t.startsWith(m[0], start)) return m;
    }
    return undefined;
  }

  private array(schema: WholeArray): Found | null {
    const t = this.t;
    this.i++;
    let found: Found | null = null;
    for (let n = 0; ; ) {
      this.space();
      const c = t.charCodeAt(this.i);
      if (c === CLOSE_BRACKET) {
        this.i++;
        break;
      }
      if (c === COMMA) {
        this.i++;
        continue;
      }
      const at = this.i;
      const f = this.value(schema.items);
      if (this.i === at) {
        // Nothing read (not JSON): stop rather than loop.
        this.i = t.length;
        break;
      }
      if (f !== null && found === null) {
        f.path = `[${n}]${f.path === '' || f.path.startsWith('[') ? f.path : `.${f.path}`}`;
        found = f;
      }
      n++;
    }
    return found;
  }
}

/** The fault earliest in the text. */
function first(faults: Iterable<Found>): Found | null {
  let best: Found | null = null;
  for (const f of faults) if (best === null || f.offset < best.offset) best = f;
  return best;
}
