// Says plainly that a filter (typed, saved from an earlier session, or a quick toggle) hides rows,
// so a leftover filter never makes the table look empty; one click clears it.
import type { Toggles } from '../store/toggles';

export function sameToggles(a: Toggles, b: Toggles): boolean {
  return (Object.keys(a) as (keyof Toggles)[]).every((k) => a[k] === b[k]);
}

export function FilterChip({ hidden, onClear }: { hidden: number; onClear(): void }) {
  return (
    <span className="tab-note filter-chip" data-testid="filter-chip" role="status" title={`A filter is active: ${hidden.toLocaleString('en-US')} rows hidden`}>
      filter active — {hidden.toLocaleString('en-US')} hidden
      <button type="button" className="link" onClick={onClear} title="Clear the filter and the quick toggles">
        Clear
      </button>
    </span>
  );
}
