// Words that name Object.prototype members are ordinary unknown words to the filter language.
// (`__proto__:1` is not a key at all — keys are letters only — so it is a free word, as `a_b:1` is.)
import { describe, expect, it } from 'vitest';
import { parseFilter } from './filter';

describe('filter words that are Object.prototype names', () => {
  it.each(['constructor:x', 'proto:constructor', 'toString:1', 'hasOwnProperty:a', 'family:constructor', 'proto:__proto__', 'limited:constructor', 'rtt>1constructor', 'sent>1__proto__', 'family:toString'])(
    '%s is refused with a parse error',
    (expr) => {
      const r = parseFilter(expr);
      expect(r.ok, `${expr} should not parse`).toBe(false);
    },
  );
  it('the real words still parse', () => {
    for (const expr of ['family:6', 'proto:udp', 'limited:rwin', 'rtt>100ms', 'sent>=10MiB', 'port:80']) expect(parseFilter(expr).ok, expr).toBe(true);
  });
});
