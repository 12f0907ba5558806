// The details pane's Traffic section: the shown connection's bytes, rates, RTT, retransmits and
// limit. Text comes from the table's own columns (store/columns.ts TRAFFIC_COLUMNS) and a missing
// value follows the table's rule (unknownReasons.ts trafficGap), so a column that gave way for width
// reads here the same. Not memoized: the pane renders with every store update, and a poll writes a
// row's counters in place (Row.rev), so a memo on the Row would keep the old values.
import type { Connection } from '../../shared/connection';
import type { CountersScope } from '../../shared/ipc';
import { formatMs } from '../../shared/units';
import { TRAFFIC_COLUMNS, type Column } from '../store/columns';
import type { Row } from '../store/rows';
import { trafficGap, type TrafficGap } from '../store/unknownReasons';
import { Unknown } from './Unknown';

export interface TrafficDetailsProps {
  row: Row;
  /** Why the backend gives no counters (EngineStatus.countersNote), or null. */
  countersNote: string | null | undefined;
  /** Which connections the backend reads counters for (the store's countersScope), or null. */
  countersScope: CountersScope | null;
}

const packets = (n: number | null | undefined): string | null => (n == null ? null : `(${n.toLocaleString('en-US')} packet${n === 1 ? '' : 's'})`);

/** What the pane adds to the table's text, room allowing: packets beside bytes, the variance beside the RTT. */
function besideText(col: Column, c: Connection): string | null {
  switch (col.key) {
    case 'sent':
      return packets(c.packetsSent);
    case 'received':
      return packets(c.packetsReceived);
    case 'rtt':
      return c.rttVarMs == null ? null : `± ${formatMs(c.rttVarMs)}`;
    default:
      return null;
  }
}

/**
 * The one reason every value is missing for, or null. A socket that can have no counters (UDP,
 * LISTEN, TIME-WAIT), a backend that gives none or does not read this connection (its state, its
 * cap), an ownerless socket the OS gave none: all seven
 * values are "—" for one reason, said once instead of seven times.
 */
function sharedGap(gaps: readonly (TrafficGap | null)[]): string | null {
  const first = gaps[0];
  if (!first?.dash) return null;
  return gaps.every((g) => g !== null && g.dash && g.title === first.title) ? first.title : null;
}

export function TrafficDetails({ row, countersNote, countersScope }: TrafficDetailsProps) {
  const c = row.c;
  const cols = TRAFFIC_COLUMNS.filter((col) => col.field !== undefined);
  const gaps = cols.map((col) => trafficGap(c, col.field!, countersNote, countersScope));
  const none = sharedGap(gaps);
  return (
    <section className="details-traffic" aria-labelledby="details-traffic-head">
      <h3 id="details-traffic-head">Traffic</h3>
      {none !== null ? (
        <p className="dim" data-testid="traffic-none">
          {none}
        </p>
      ) : (
        <dl className="kv traffic-kv">
          {cols.map((col, i) => {
            const gap = gaps[i];
            const beside = gap === null ? besideText(col, c) : null;
            return (
              <div key={col.key} className="kv-pair" data-field={col.field}>
                <dt>{col.label}</dt>
                <dd className={col.numeric ? 'mono' : undefined}>
                  {gap === null ? (
                    <>
                      {col.text(row)}
                      {beside !== null && <span className="dim"> {beside}</span>}
                    </>
                  ) : gap.dash ? (
                    // The table's "—" with its reason as the title; here there is room to print it too.
                    <>
                      <Unknown title={gap.title} /> <span className="dim why">{gap.title}</span>
                    </>
                  ) : (
                    // Not in yet: blank as in the table, its title saying when it comes.
                    <span title={gap.title} />
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
