import { describe, expect, it } from 'vitest';
import { prng } from '../main/model/random';
import { findFractionalWhole, isWholeLiteral, WHOLE, wholeFaultText, wholeItems, wholeObject, type WholeSchema } from './whole-literals';

// A schema of every shape: a whole member at the top, in a nested object, in objects in an array,
// and whole numbers as array items (no key before them).
const SCHEMA = wholeObject({
  n: WHOLE,
  o: wholeObject({ pid: WHOLE, deep: wholeObject({ port: WHOLE }) }),
  list: wholeItems(wholeObject({ port: WHOLE, family: WHOLE })),
});
const ITEMS = wholeObject({ args: wholeItems(WHOLE) });

/** What the scanner found, without the position fields a test does not name. */
const at = (text: string, schema: WholeSchema = SCHEMA) => {
  const f = findFractionalWhole(text, schema);
  return f && { path: f.path, key: f.key, literal: f.literal, offset: f.offset };
};

describe('findFractionalWhole', () => {
  it('names the path, the member and the position: line and column in a text of lines', () => {
    const text = '{\n  "n": 1,\n  "list": [\n    {"port": 80, "family": 4},\n    {"family": 6, "port": 443.0}\n  ]\n}\n';
    const f = findFractionalWhole(text, SCHEMA);
    expect(f).toEqual({ path: 'list[1].port', key: 'port', literal: '443.0', offset: text.indexOf('443.0'), line: 5, column: 27, multiline: true });
    expect(wholeFaultText(f!)).toBe('443.0 at line 5, column 27 is written with a fraction or an exponent; this field is a whole number (digits only)');
    const one = '{"o":{"deep":{"port":8e1}}}';
    expect(wholeFaultText(findFractionalWhole(one, SCHEMA)!)).toBe('8e1 at column 22 is written with a fraction or an exponent; this field is a whole number (digits only)');
    expect(at(one)).toEqual({ path: 'o.deep.port', key: 'port', literal: '8e1', offset: 21 });
  });

  it('every spelling of a fraction or an exponent is refused; digits only (and a minus) are not', () => {
    for (const lit of ['5.0', '5e0', '5E0', '5e+0', '5E-0', '5.0e0', '-5.0', '0.0', '-0.0', '0e0', '1.5', '4.43e2', '1e400']) {
      expect([lit, at(`{"n":${lit}}`)]).toEqual([lit, { path: 'n', key: 'n', literal: lit, offset: 5 }]);
    }
    for (const lit of ['5', '0', '-0', '-17', '18446744073709551616']) expect([lit, at(`{"n":${lit}}`)]).toEqual([lit, null]);
    expect(['5', '-0', '123'].every(isWholeLiteral)).toBe(true);
    expect(['5.0', '5e0', '', '+5', '05', ' 5', '0x5'].some(isWholeLiteral)).toBe(false);
  });

  it('any JSON whitespace between any tokens: space, tab, CR, LF', () => {
    for (const ws of [' ', '\t', '\r', '\n', '\r\n', ' \t\r\n ']) {
      const text = `${ws}{${ws}"o"${ws}:${ws}{${ws}"x"${ws}:${ws}1${ws},${ws}"pid"${ws}:${ws}7.0${ws}}${ws}}${ws}`;
      expect([JSON.stringify(ws), at(text)]).toEqual([JSON.stringify(ws), { path: 'o.pid', key: 'pid', literal: '7.0', offset: text.indexOf('7.0') }]);
    }
  });

  it('a key written with escapes is the member it names (as JSON.parse reads it)', () => {
    for (const key of ['\\u0070id', 'pi\\u0064', '\\u0070\\u0069\\u0064', 'p\\u0069d', '\\u0070i\\u0064', '\\u0070\\u0069d']) {
      const text = `{"o":{"${key}":7e0}}`;
      expect(JSON.parse(text)).toEqual({ o: { pid: 7 } });
      expect([key, at(text)]).toEqual([key, { path: 'o.pid', key: 'pid', literal: '7e0', offset: text.indexOf('7e0') }]);
    }
    // Upper-case hex digits, and an escaped name that is not a member's.
    expect(at('{"o":{"\\u0070\\u0069\\u0044":7.0,"p\\u0069D":1.5,"\\u0050ID":2.5}}')).toBeNull();
    expect(at('{"\\u006E":7.0}')).toEqual({ path: 'n', key: 'n', literal: '7.0', offset: 10 });
  });

  it('members not read are not looked at: unknown objects and arrays, whole names at another level', () => {
    const ignored = [
      '{"x":{"n":1.5,"pid":2.5,"o":{"pid":3.5}},"n":1}',
      '{"x":[{"n":1.5},[{"pid":2.5}],3.5],"o":{"x":{"pid":1.5},"deep":[{"port":1.5}]}}',
      '{"o":{"n":1.5,"port":2.5,"deep":{"pid":3.5,"deep":{"port":4.5}}}}',
      '{"list":{"port":1.5},"o":[{"pid":1.5}],"n":[1.5],"args":[1.5]}',
      '{"list":[[{"port":1.5}],"x",null,{"x":{"port":1.5}}]}',
      '{"pid":1.5,"port":2.5,"family":3.5}',
    ];
    for (const text of ignored) expect([text, at(text)]).toEqual([text, null]);
  });

  it('text in strings is no member: look-alikes in values and keys, with escaped quotes and backslashes', () => {
    const texts = [
      '{"x":"a,\\"n\\":5.0","n":1}',
      '{"x":"\\\\","n":1,"y":"\\\\\\"n\\":5.0"}',
      '{",\\"n\\":5.0":1.5,"o":{"x\\"pid":2.5,"\\\\\\"pid":3.5}}',
      '{"x":"\\r\\"n\\"\\t:\\n5e0 \\u0022n\\u0022:5.0","n":2}',
      '{"list":[{"x":"\\"port\\":1.5"},"\\"port\\":1.5"]}',
    ];
    for (const text of texts) {
      expect(typeof JSON.parse(text)).toBe('object');
      expect([text, at(text)]).toEqual([text, null]);
    }
    // The real member after such a string is still found.
    const text = '{"x":"\\\\\\"n\\":1","n":2.0}';
    expect(at(text)).toEqual({ path: 'n', key: 'n', literal: '2.0', offset: text.indexOf('2.0') });
  });

  it('of members of one name only the last counts, as in what JSON.parse returns; whole objects too', () => {
    expect(at('{"n":1.0,"n":1}')).toBeNull();
    expect(at('{"n":1,"n":1.0}')).toEqual({ path: 'n', key: 'n', literal: '1.0', offset: 11 });
    expect(at('{"o":{"pid":1.0},"o":{"pid":1}}')).toBeNull();
    expect(at('{"o":{"pid":1},"o":{"pid":1.0}}')).toEqual({ path: 'o.pid', key: 'pid', literal: '1.0', offset: 26 });
    expect(at('{"\\u006e":1.0,"n":1}')).toBeNull();
    expect(at('{"list":[{"port":1.0}],"list":[]}')).toBeNull();
    // Two faults: the first in the text is named.
    expect(at('{"o":{"pid":2.0},"n":1.0}')?.path).toBe('o.pid');
    expect(at('{"n":1.0,"o":{"pid":2.0}}')?.path).toBe('n');
  });

  it('whole numbers as array items, and a whole number as the whole text', () => {
    expect(at('{"args":[1, 2, 3.0]}', ITEMS)).toEqual({ path: 'args[2]', key: '', literal: '3.0', offset: 15 });
    expect(at('{"args":[1,"2.0",[3.0],{"a":4.0},5]}', ITEMS)).toBeNull();
    expect(at(' 5e0 ', WHOLE)).toEqual({ path: '', key: '', literal: '5e0', offset: 1 });
    expect(at('[{"port":1.0}]', wholeItems(wholeObject({ port: WHOLE })))).toEqual({ path: '[0].port', key: 'port', literal: '1.0', offset: 9 });
  });

  it('a name that is no plain word (no quick test) and __proto__ are members like any other', () => {
    // A computed key: `__proto__: x` in a literal would set the prototype, not a member.
    const odd = wholeObject({ 'a b': WHOLE, ['__proto__']: WHOLE, constructor: WHOLE });
    expect(at('{"a b":1.0}', odd)?.path).toBe('a b');
    expect(at('{"__proto__":1.0}', odd)?.path).toBe('__proto__');
    expect(at('{"constructor":1}', odd)).toBeNull();
    expect(at('{"toString":1.0,"hasOwnProperty":2.0}', odd)).toBeNull();
  });

  it('matches a seeded generator that knows its faults: random spacing, escapes, duplicates, look-alikes (bounded)', () => {
    const rand = prng(25);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const space = (): string => (rand() < 0.5 ? '' : Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick([' ', '\t', '\r', '\n'])).join(''));
    /** A key as JSON text: letters escaped at random (`\u0070`, upper- or lower-case hex). */
    const key = (name: string): string =>
      `"${[...name].map((ch) => (rand() < 0.2 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')[rand() < 0.5 ? 'toUpperCase' : 'toLowerCase']()}` : ch)).join('')}"`;
    const FRACTIONS = ['.0', 'e0', '.5', 'E+1', '.0e-0', 'e2'];
    // String contents (JSON-escaped) that read like members: `"n":5.0`, `\"pid":1.5`, `,\r"port":2e0`.
    const LOOKALIKE = ['\\"n\\":5.0', '\\\\\\"pid\\":1.5', '\\\\', '\\"', '\\u0070id', ',\\r\\"port\\":2e0', '\\u0022n\\u0022:1.0'];
    type Fault = { path: string; offset: number; literal: string };
    let out = '';
    /** Writes a value no member reads: scalars, look-alike strings, objects and arrays holding whole names. */
    const unknown = (depth: number): void => {
      const r = rand();
      if (depth > 3 || r < 0.4) {
        out += pick(['1.5', '2e3', '-0.0', '7', 'null', 'true', `"${pick(LOOKALIKE)}x"`, `"${pick(LOOKALIKE)}"`]);
      } else if (r < 0.7) {
        out += `[${space()}`;
        const n = Math.floor(rand() * 3);
        for (let i = 0; i < n; i++) {
          if (i) out += `${space()},${space()}`;
          unknown(depth + 1);
        }
        out += `${space()}]`;
      } else {
        out += `{${space()}`;
        const n = Math.floor(rand() * 3);
        for (let i = 0; i < n; i++) {
          if (i) out += `${space()},${space()}`;
          out += `${key(pick(['n', 'pid', 'port', 'o', 'list', 'x']))}${space()}:${space()}`;
          unknown(depth + 1);
        }
        out += `${space()}}`;
      }
    };
    /** Writes a value read under `schema`; returns the faults it holds that JSON.parse's reader sees. */
    const value = (schema: WholeSchema, path: string): Fault[] => {
      if (schema === WHOLE) {
        const r = rand();
        if (r < 0.1) {
          out += pick(['null', '"5.0"', '[5.0]']);
          return [];
        }
        const digits = `${rand() < 0.2 ? '-' : ''}${Math.floor(rand() * 70000)}`;
        if (r < 0.6) {
          out += digits;
          return [];
        }
        const literal = digits + pick(FRACTIONS);
        const f = { path, offset: out.length, literal };
        out += literal;
        return [f];
      }
      if ('items' in schema) {
        out += `[${space()}`;
        const faults: Fault[] = [];
        const n = Math.floor(rand() * 3);
        for (let i = 0; i < n; i++) {
          if (i) out += `${space()},${space()}`;
          faults.push(...value(schema.items, `${path}[${i}]`));
        }
        out += `${space()}]`;
        return faults;
      }
      out += `{${space()}`;
      const last = new Map<string, Fault[]>();
      const names = [...schema.members.keys()];
      const n = Math.floor(rand() * 5);
      for (let i = 0; i < n; i++) {
        if (i) out += `${space()},${space()}`;
        const read = rand() < 0.6;
        const name = read ? pick(names) : pick(['x', 'n', 'pid', 'port', 'o', 'list', 'family', 'deep']);
        const child = schema.members.get(name);
        out += `${key(name)}${space()}:${space()}`;
        if (child === undefined) unknown(0);
        else last.set(name, value(child, path === '' ? name : `${path}.${name}`));
      }
      out += `${space()}}`;
      return [...last.values()].flat();
    };
    const started = Date.now();
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      out = space();
      const faults = value(SCHEMA, '');
      out += space();
      const text = out;
      expect(() => JSON.parse(text), text).not.toThrow();
      const want = faults.sort((a, b) => a.offset - b.offset)[0] ?? null;
      const got = findFractionalWhole(text, SCHEMA);
      expect(got && { path: got.path, offset: got.offset, literal: got.literal }, text).toEqual(want);
      if (want) refused++;
    }
    // Both answers are well represented (the generator is no one-sided test).
    expect(refused).toBeGreaterThan(500);
    expect(3000 - refused).toBeGreaterThan(500);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('never throws or hangs on text that is not JSON (seeded, bounded)', () => {
    const rand = prng(2025);
    const ALPHABET = ['{', '}', '[', ']', '"', '\\', ':', ',', ' ', '\r', 'n', 'pid', 'port', '5', '.', 'e', '-', 'u0070', 'list', 'o'];
    const started = Date.now();
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: Math.floor(rand() * 60) }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join('');
      for (const schema of [SCHEMA, ITEMS, WHOLE] as const) {
        const f = findFractionalWhole(text, schema);
        if (f !== null) expect(f.offset, text).toBeLessThan(text.length);
      }
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stays linear on hostile texts of a mebibyte (each well under a second)', () => {
    const M = 1 << 20;
    const cases: Array<[string, string, ReturnType<typeof at>]> = [
      ['backslashes in a string', `{"x":"${'\\\\'.repeat(M / 2)}","n":1.0}`, { path: 'n', key: 'n', literal: '1.0', offset: M + 12 }],
      ['escaped quotes in a string', `{"x":"${'\\"'.repeat(M / 2)}","n":1}`, null],
      ['nesting a million deep in an unknown member', `{"x":${'['.repeat(M)}${']'.repeat(M)},"n":1.0}`, { path: 'n', key: 'n', literal: '1.0', offset: 2 * M + 10 }],
      ['digits without a fraction', `{"n":${'1'.repeat(M)}}`, null],
      ['spaces after a whole name', `{"n"${' '.repeat(M)}:1}`, null],
      ['many escaped keys', `{${'"\\u0078":1.5,'.repeat(M / 16)}"n":1}`, null],
      ['many \\u in a string', `{"x":"${'\\u0070'.repeat(M / 6)}","n":1}`, null],
      ['many members named as whole ones, in an unknown object', `{"x":{${'"n":1.5,'.repeat(M / 8)}"n":1.5},"n":1}`, null],
    ];
    for (const [what, text, want] of cases) {
      const t0 = performance.now();
      expect([what, at(text)]).toEqual([what, want]);
      expect(performance.now() - t0, what).toBeLessThan(1000);
    }
  });
});
