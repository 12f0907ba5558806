// The marker on a row or event whose connection is not in the baseline (issue 12 §3).
import type { Connection } from '../../shared/connection';
import type { Departure } from '../../shared/baseline';

/** Row test from the baseline in use: why `c` departs from it, or null (in it, or no baseline). */
export type DepartureOf = (c: Connection) => Departure;

/** A small "new" badge with the accessible name "not in baseline"; the title says why. */
export function BaselineBadge({ why }: { why: Exclude<Departure, null> }) {
  return (
    <span className="baseline-badge" role="img" aria-label="not in baseline" title={`Not in baseline: ${why}`}>
      new
    </span>
  );
}
