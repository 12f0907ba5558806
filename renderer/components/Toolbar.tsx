// The quick toggles row: checkboxes whose accessible names are the labels, and the display settings.
// A WAI-ARIA toolbar: one Tab stop, ← → Home End move among its controls (Space ticks a box, ↑ ↓
// change a list), so Tab from the filter box does not walk through a dozen of them.
import { useRef, type ReactNode } from 'react';
import { rovingFocus, useRovingTabStop } from './roving';
import type { Toggles } from '../store/toggles';
import { TOGGLE_LABELS } from '../store/toggles';

export interface ToggleBarProps {
  toggles: Toggles;
  onToggle(key: keyof Toggles, value: boolean): void;
  keepClosed: boolean;
  onKeepClosed(v: boolean): void;
  resolveNames: boolean;
  onResolveNames(v: boolean): void;
  trafficColumns: boolean;
  onTrafficColumns(v: boolean): void;
  /** Further display settings, at the row's end. */
  children?: ReactNode;
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange(v: boolean): void }) {
  return (
    <label className={`toggle${checked ? ' on' : ''}`}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

/** The toolbar's controls, in order. */
const TOOLBAR_ITEMS = 'input:not(:disabled), select:not(:disabled)';

export function ToggleBar(p: ToggleBarProps) {
  const bar = useRef<HTMLDivElement | null>(null);
  useRovingTabStop(bar, TOOLBAR_ITEMS);
  const groups: (keyof Toggles)[][] = [
    ['ipv4', 'ipv6'],
    ['tcp', 'udp'],
    ['hideListen', 'hideTimeWait', 'hideLoopback'],
  ];
  return (
    <div className="togglebar" role="toolbar" aria-label="Quick filters" ref={bar} onKeyDown={(e) => rovingFocus(e, TOOLBAR_ITEMS)}>
      {groups.map((g) => (
        <div className="toggle-group" key={g.join()}>
          {g.map((k) => (
            <Check key={k} label={TOGGLE_LABELS[k]} checked={p.toggles[k]} onChange={(v) => p.onToggle(k, v)} />
          ))}
        </div>
      ))}
      <div className="toggle-group">
        <Check label="Keep closed rows" checked={p.keepClosed} onChange={p.onKeepClosed} />
        <Check label="Resolve names" checked={p.resolveNames} onChange={p.onResolveNames} />
        <Check label="Traffic columns" checked={p.trafficColumns} onChange={p.onTrafficColumns} />
      </div>
      {p.children && <div className="toggle-group display-settings">{p.children}</div>}
    </div>
  );
}
