// The Ports table's columns and the order they give way in when the view is too narrow for all of
// them (a details pane open at 1024 px): the same rule as Connections and Events (fitTable), so a
// narrow table drops whole columns and says "+N", never cuts a column's text at its edge.
import type { GiveWayStep } from '../../store/columnLayout';
import type { FitColumn } from '../../components/fittedColumns';

export type PortColumnKey = 'address' | 'inUse' | 'ofRange' | 'trend' | 'timeWait' | 'closeWait' | 'processes' | 'remotes';

export interface PortColumn extends FitColumn {
  key: PortColumnKey;
  /** Right-aligned figures. */
  num?: boolean;
}

/**
 * Least widths (CSS px, padding included) hold each column's header and a typical value on one line
 * at the view's 12 px; a longer value (an IPv6 address, a long list) wraps inside its column. A
 * `minmax` track takes a share of the room left over.
 */
export const PORT_COLUMNS: readonly PortColumn[] = [
  { key: 'address', label: 'Local address', width: '150px' },
  { key: 'inUse', label: 'Ports in use', width: '84px', num: true },
  { key: 'ofRange', label: 'Of range', width: '168px', num: true },
  { key: 'trend', label: 'Trend /min', width: '80px', num: true },
  { key: 'timeWait', label: 'TIME-WAIT', width: '92px', num: true },
  { key: 'closeWait', label: 'CLOSE-WAIT', width: '100px', num: true },
  { key: 'processes', label: 'Top processes', width: 'minmax(140px, 1fr)' },
  { key: 'remotes', label: 'Top remote endpoints', width: 'minmax(160px, 1fr)' },
];

/** Least needed first: the address, its share of the range and who holds it stay longest. */
export const PORT_GIVE_WAY: readonly GiveWayStep[] = ['trend', 'closeWait', 'remotes', 'timeWait', 'inUse', 'processes'];

/** A column's fixed width for a `<col>`, px; undefined for a flexible one (it shares the rest). */
export function fixedColumnPx(c: PortColumn): number | undefined {
  const m = /^(\d+(?:\.\d+)?)px$/.exec(c.width);
  return m ? Number(m[1]) : undefined;
}
