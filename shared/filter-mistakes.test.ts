// Filter errors name the actual mistake: a misspelled operator (`=>`, `=<`, `==`, `!=`, `<>`), a
// rate per something other than a second, a unit of the wrong kind or misspelled, with the span
// (the CLI's caret line, the app's underline) on the mistake itself.
import { describe, expect, it } from 'vitest';
import { parseFilter } from './filter';

/** The error's message and the text its span covers. */
function err(expr: string): [message: string, pointedAt: string] {
  const r = parseFilter(expr);
  if (r.ok) throw new Error(`${expr} parsed`);
  return [r.error.message, expr.slice(r.error.start, r.error.end)];
}

describe('operator spellings', () => {
  it.each([
    ['sent=>1M', 'reversed operator "=>": write sent>=1M', '=>'],
    ['sent=<1M', 'reversed operator "=<": write sent<=1M', '=<'],
    ['rtt=<5ms', 'reversed operator "=<": write rtt<=5ms', '=<'],
    ['port=>1024', 'reversed operator "=>": write port>=1024', '=>'],
    ['rate:=>1M', 'unknown operator ":=>": use >, >=, <, <=, = or : (e.g. rate>=1M)', ':=>'],
    ['sent==1M', '"==" is no operator: write sent:1M (or sent=1M)', '=='],
    ['pid==4', '"==" is no operator: write pid:4 (or pid=4)', '=='],
    ['retrans!=0', 'there is no not-equal operator "!=": negate the term, -retrans:0', '!='],
    ['sent<>1M', 'there is no not-equal operator "<>": negate the term, -sent:1M', '<>'],
    ['state!=listen', 'there is no not-equal operator "!=": negate the term, -state:listen', '!='],
    ['port:80 PORT!=443', 'there is no not-equal operator "!=": negate the term, -port:443', '!='],
    ['rate>>1M', 'unknown operator ">>": use >, >=, <, <=, = or : (e.g. rate>=1M)', '>>'],
    ['sent => 1M', 'comparison with spaces: reversed operator "=>": write sent>=1M', 'sent => 1M'],
    ['sent <> 1M', 'comparison with spaces: there is no not-equal operator "<>": negate the term, -sent:1M', 'sent <> 1M'],
  ])('%s', (expr, message, pointedAt) => {
    expect(err(expr)).toEqual([message, pointedAt]);
  });

  it('the right spellings still parse; a word that is no key followed by != is a word; a text value may begin with <', () => {
    for (const expr of ['sent>=1M', 'sent<=1M', 'sent=1M', 'sent:1M', 'rate:>1M', 'rate:>=1M', '-sent:1M', 'foo!=bar', 'proc:"<defunct>"']) {
      expect([expr, parseFilter(expr).ok]).toEqual([expr, true]);
    }
  });

});

describe('units', () => {
  it.each([
    ['rate>1M/h', 'bad rate value "1M/h": a rate is per second: only "/s" may follow it, not "/h" (write 1M or 1M/s)', '/h'],
    ['sendrate>1MiB/min', 'bad sendrate value "1MiB/min": a rate is per second: only "/s" may follow it, not "/min" (write 1MiB or 1MiB/s)', '/min'],
    ['sent>1MiB/min', 'bad sent value "1MiB/min": "/min" only goes with rates (rate, sendrate, recvrate); sent is bytes sent', '/min'],
    ['sent>1M/s', 'bad sent value "1M/s": "/s" only goes with rates (rate, sendrate, recvrate); sent is bytes sent', '/s'],
    ['rtt>100mss', 'bad rtt value "100mss": unknown unit "mss" (did you mean "ms"?): expected milliseconds, or a number with a unit: us (or µs), ms, s (e.g. 100ms, 1.5s)', 'mss'],
    ['sent>10MiBs', 'bad sent value "10MiBs": unknown unit "MiBs" (did you mean "MiB"?): expected bytes with an optional unit: B; k, M, G or kB, MB, GB (×1000); Ki, Mi, Gi or KiB, MiB, GiB (×1024), e.g. 10MiB', 'MiBs'],
    ['rtt>1m', 'bad rtt value "1m": no unit "m": times are given in us, ms or s (a minute is 60s)', 'm'],
    ['sent>10s', 'bad sent value "10s": "s" is a time unit; sent is bytes sent: expected bytes with an optional unit: B; k, M, G or kB, MB, GB (×1000); Ki, Mi, Gi or KiB, MiB, GiB (×1024), e.g. 10MiB', 's'],
    ['retrans>5ms', 'bad retrans value "5ms": "ms" is a time unit; retrans is retransmitted segments: expected a whole number (k, M, G allowed: ×1000)', 'ms'],
    ['rate>8Mbps', 'bad rate value "8Mbps": "Mbps" is bits: netmon counts bytes (8 bits a byte: 1Mbit is 125kB): expected bytes with an optional unit: B; k, M, G or kB, MB, GB (×1000); Ki, Mi, Gi or KiB, MiB, GiB (×1024), e.g. 10MiB', 'Mbps'],
    ['rate>-1', 'bad rate value "-1": send + receive rate (bytes/s) cannot be negative', '-'],
    ['rate>"1M"', 'bad rate value "1M": a number is not quoted: write 1M', '"1M"'],
  ])('%s', (expr, message, pointedAt) => {
    expect(err(expr)).toEqual([message, pointedAt]);
  });

  it('rates per second parse with or without /s, in any case', () => {
    for (const expr of ['rate>1M/s', 'rate>1M', 'recvrate<1k/S', 'rtt>1.5s', 'rtt<100us']) expect([expr, parseFilter(expr).ok]).toEqual([expr, true]);
  });
});
