// The filter language's cost: parsing typical and worst-case (longest allowed) expressions, and
// matching 50k rows with every kind of term — beside the budget for a filter change in the window
// (under 100 ms, design.md), which parse + one pass over the rows must leave room in.
import type { Connection } from '../shared/connection';
import { MAX_FILTER_LENGTH, MAX_FILTER_TERMS, parseFilter } from '../shared/filter';
import { prng } from '../main/model/random';
import { ms, table, time } from './decode-diff';
import { synthConnections } from './renderer-store';

const FILTER_CHANGE_BUDGET_MS = 100;

/**
 * Adds traffic fields to most TCP rows (null on UDP and where not known yet), as a live table has
 * them. One object literal per row, all fields in one order, as rows arriving over IPC are built.
 */
function withTraffic(conns: Connection[]): Connection[] {
  const rnd = prng(5);
  const maybe = (p: number, v: () => number): number | null => (rnd() < p ? null : v());
  return conns.map((c) => {
    const none = c.protocol === 'udp' || rnd() < 0.1;
    return {
      id: c.id,
      protocol: c.protocol,
      family: c.family,
      localAddress: c.localAddress,
      localPort: c.localPort,
      remoteAddress: c.remoteAddress,
      remotePort: c.remotePort,
      state: c.state,
      pid: c.pid,
      process: c.process,
      createdAt: c.createdAt,
      bytesSent: none ? null : Math.floor(rnd() * 1e8),
      bytesReceived: none ? null : Math.floor(rnd() * 1e8),
      sendRate: none ? null : maybe(0.2, () => Math.floor(rnd() * 2e6)),
      receiveRate: none ? null : maybe(0.2, () => Math.floor(rnd() * 2e6)),
      rttMs: none ? null : rnd() * 300,
      retransmits: none ? null : rnd() < 0.9 ? 0 : Math.floor(rnd() * 50),
      limitedBy: none || rnd() < 0.5 ? null : (['receiver', 'network', 'sender'] as const)[Math.floor(rnd() * 3)],
    };
  });
}

const MATCH_EXPRESSIONS = [
  'chrome',
  '10.0.0.5:443',
  'state:estab -raddr:10.0.0.0/8',
  'port:80,443,8080 | proc:nginx,node',
  '(proc:svchost | proc:chrome) -state:time-wait family:4',
  'state:listen -port:0-1023',
  'rate>1M | rtt>100ms retrans>0',
  'sent>=10MiB limited:rwin|cwnd',
  `port:${Array.from({ length: MAX_FILTER_TERMS }, (_, i) => 1000 + i).join(',')}`,
];

const PARSE_EXPRESSIONS: [string, string][] = [
  ['typical', '(proc:svchost | proc:chrome) -state:time-wait port:80,443 rate>1MiB'],
  [`${MAX_FILTER_LENGTH} colons`, ':'.repeat(MAX_FILTER_LENGTH)],
  [`${MAX_FILTER_LENGTH}-char word`, 'x'.repeat(MAX_FILTER_LENGTH)],
  [`${MAX_FILTER_TERMS}-item list`, `port:${Array.from({ length: MAX_FILTER_TERMS }, (_, i) => i).join(',')}`],
  ['too long (200k colons)', ':'.repeat(200_000)],
];

/** Returns the printed tables: parse cost per expression, then match cost over `rows` rows. */
export function benchFilter(rows = 50_000): string {
  const parse = PARSE_EXPRESSIONS.map(([name, expr]) => {
    const t = time(() => parseFilter(expr), 200, 20);
    return [`parse: ${name}`, `${ms(t.median)} / ${ms(t.p95)}`, `< ${FILTER_CHANGE_BUDGET_MS}`];
  });
  const conns = withTraffic(synthConnections(rows));
  const match = MATCH_EXPRESSIONS.map((expr) => {
    const r = parseFilter(expr);
    if (!r.ok) throw new Error(`bench filter ${expr}: ${r.error.message}`);
    let hits = 0;
    const t = time(() => {
      hits = 0;
      for (const c of conns) if (r.filter.match(c)) hits++;
    }, 30, 5);
    const label = expr.length > 60 ? `${expr.slice(0, 57)}...` : expr;
    return [`match: ${label} (${hits.toLocaleString('en-US')} hit)`, `${ms(t.median)} / ${ms(t.p95)}`, `< ${FILTER_CHANGE_BUDGET_MS}`];
  });
  return table([`filter, ${rows.toLocaleString('en-US')} rows`, 'ms (med/p95)', 'budget ms'], [...parse, ...match]);
}
