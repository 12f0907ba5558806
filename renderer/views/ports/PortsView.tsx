// The Ports view: per local address, ephemeral ports in use against the dynamic range, TIME-WAIT and
// CLOSE-WAIT counts, the top processes and remote endpoints holding them, the trend over the last
// minutes, and a warning at a threshold (shared/ports.ts computes it, as `netmon ports` does).
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { portTrendPerMinute, trendKey, type AddressPortUsage } from '../../../shared/ports';
import { UNKNOWN_MARK } from '../../../shared/units';
import { processShareText, remoteShareText, scopedAddress } from '../../../shared/format';
import type { ConnectionStore } from '../../store/store';
import { GIVEN_WAY_PX, useFittedColumns } from '../../components/fittedColumns';
import { GivenWay } from '../../components/GivenWay';
import { parseThreshold, rangesFrom } from './portsModel';
import { fixedColumnPx, PORT_COLUMNS, PORT_GIVE_WAY, type PortColumnKey } from './portColumns';
import type { PortUsage } from './usePortNotices';
import { REGION_ENTRY_PROPS } from '../../app/regions';
import { listTarget, rovingFocus, useRovingTabStop } from '../../components/roving';
import './ports.css';

export interface PortsViewProps {
  store: ConnectionStore;
  /** The report and trend of the live table (usePortUsage, owned by App: notices use it too). */
  usage: PortUsage;
  /** Warn at this share of the range, percent (the setting is owned by App: notices use it too). */
  threshold: number;
  onThreshold(percent: number): void;
  /** A recording is on screen: this view still shows the live machine (a recording holds no port usage) and says so. */
  beside?: string | null;
  /** The filter applied to the other views (null: none): port exhaustion is the machine's, so this view says it counts every socket. */
  filter?: string | null;
}

export function PortsView({ store, usage, threshold, onThreshold: setThreshold, beside = null, filter = null }: PortsViewProps) {
  const [draft, setDraft] = useState(String(threshold));
  const { trend, report: rep } = usage;
  const slopes = useMemo(() => portTrendPerMinute(trend), [trend]);
  // A slope from seconds of samples is noise scaled up: show it once a minute is covered.
  const trendReady = trend.length > 1 && trend[trend.length - 1].time - trend[0].time >= 60_000;
  const ranges = rangesFrom(store.status);
  const draftOk = parseThreshold(draft) !== null;
  const fitRef = useRef<HTMLDivElement | null>(null);
  const { columns, givenWay } = useFittedColumns(fitRef, PORT_COLUMNS, PORT_GIVE_WAY);
  const given = givenWay.length > 0;
  // The rows are one Tab stop, read with ↓ ↑ (a table of figures: nothing to press); F6 enters the
  // view at the first row, as in Processes and Connections, not at the threshold box above it,
  // where a stray key would change the warning.
  const bodyRef = useRef<HTMLTableSectionElement | null>(null);
  useRovingTabStop(bodyRef, ROW);
  return (
    <div className="ports" role="region" aria-label="Ports">
      {beside !== null && (
        <p className="ports-live" data-testid="ports-live">
          Live: this machine now, not the recording {beside} (a recording holds no port usage).
        </p>
      )}
      {filter !== null && (
        <p className="ports-live" data-testid="ports-unfiltered">
          Every socket of the machine: the filter <code>{filter}</code> does not apply here (a port is exhausted for all its users).
        </p>
      )}
      <div className="ports-head">
        <span data-testid="ports-range" className={ranges.known ? '' : 'ports-default'}>
          Dynamic range TCP {ranges.ranges.tcp.low}–{ranges.ranges.tcp.high}, UDP {ranges.ranges.udp.low}–{ranges.ranges.udp.high} ({ranges.origin})
        </span>
        <label>
          Warn at{' '}
          <input
            aria-label="Warning threshold, percent"
            aria-invalid={!draftOk}
            value={draft}
            size={3}
            onChange={(e) => {
              setDraft(e.target.value);
              const n = parseThreshold(e.target.value);
              if (n !== null) setThreshold(n);
            }}
          />
          %
        </label>
      </div>
      {rep.warnings.length > 0 && (
        <ul className="ports-warnings" role="alert" data-testid="ports-warnings">
          {rep.warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      )}
      <div className="ports-fit" ref={fitRef}>
        <table className="ports-table" aria-label="Ephemeral ports per local address">
          <colgroup>
            {columns.map((c) => (
              <col key={c.key} style={{ width: fixedColumnPx(c) }} />
            ))}
            {given && <col style={{ width: GIVEN_WAY_PX }} />}
          </colgroup>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} className={c.num ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
              {given && (
                <th className="ports-given-way">
                  <GivenWay columns={givenWay} />
                </th>
              )}
            </tr>
          </thead>
          <tbody ref={bodyRef} onKeyDown={(e) => rovingFocus(e, ROW, listTarget)}>
            {rep.addresses.length === 0 && (
              <tr {...REGION_ENTRY_PROPS} tabIndex={0}>
                <td colSpan={columns.length + (given ? 1 : 0)} className="ports-empty">
                  No socket holds a port of the dynamic range.
                </td>
              </tr>
            )}
            {rep.addresses.map((a, i) => {
              const key = trendKey(a);
              const cells = portCells(a, trendReady, slopes[key] ?? 0);
              return (
                <tr key={key} data-address={key} className={a.warning ? 'warn' : ''} {...(i === 0 ? REGION_ENTRY_PROPS : {})}>
                  {columns.map((c) => (
                    <td key={c.key} className={c.num ? 'num' : undefined} data-testid={c.key === 'inUse' ? 'ports-in-use' : undefined} title={c.key === 'trend' ? (trendReady ? 'ports in use, change per minute over the last 10 minutes' : 'needs a minute of samples') : undefined}>
                      {cells[c.key]}
                    </td>
                  ))}
                  {given && <td />}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The table's rows, as the roving Tab stop and the arrow keys find them. */
const ROW = 'tr';

/** One address's cells by column. */
function portCells(a: AddressPortUsage, trendReady: boolean, slope: number): Record<PortColumnKey, ReactNode> {
  return {
    address: `${a.protocol.toUpperCase()} ${scopedAddress(a.localAddress, a.localScopeId)}`,
    inUse: a.portsInUse.toLocaleString('en-US'),
    ofRange: (
      <>
        <span className="ports-bar" aria-hidden="true">
          <i style={{ width: `${Math.min(100, a.percent)}%` }} />
        </span>
        {a.percent}% of {a.rangeSize.toLocaleString('en-US')}
      </>
    ),
    trend: trendReady ? (slope > 0 ? `+${slope}` : slope) : UNKNOWN_MARK,
    timeWait: a.timeWait.toLocaleString('en-US'),
    closeWait: a.closeWait.toLocaleString('en-US'),
    processes: a.topProcesses.map(processShareText).join(', '),
    remotes: a.topRemotes.map(remoteShareText).join(', '),
  };
}
