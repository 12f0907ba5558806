// A short excerpt of a value read from outside (a config or baseline file, a message), for an
// error message that quotes it.

/**
 * The value as JSON text, cut to at most `max` characters (the cut marked `...`): the same text
 * as `JSON.stringify(value)` when that fits. Never throws and never serializes more than it shows,
 * so a value nested deeper than JSON.stringify can go (which throws RangeError) or megabytes long
 * costs `max` characters. `undefined` inside reads as `null`; meant for values JSON.parse returned.
 */
export function briefJson(value: unknown, max = 60): string {
  let out = '';
  /** Appends; false once the text is past `max` (then nothing more is walked). */
  const put = (s: string): boolean => {
    out += s;
    return out.length <= max;
  };
  const walk = (v: unknown): boolean => {
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !put(',')) || !walk(v[i])) return false;
      return put(']');
    }
    if (typeof v === 'object' && v !== null) {
      if (!put('{')) return false;
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        if (!put(`${first ? '' : ','}${JSON.stringify(k.slice(0, max + 1))}:`) || !walk(x)) return false;
        first = false;
      }
      return put('}');
    }
    if (typeof v === 'string') return put(JSON.stringify(v.slice(0, max + 1)));
    return put(v === undefined ? 'null' : String(v));
  };
  return walk(value) ? out : `${out.slice(0, Math.max(0, max - 3))}...`;
}
