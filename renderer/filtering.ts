// Glue between the shared filter language and the views: the quick toggles and the last good
// filter expression make one predicate.
import type { Connection } from '../shared/connection';
import { parseFilter, type CompiledFilter, type FilterOptions, type FilterResult } from '../shared/filter';
import { passesToggles, type Toggles } from './store/toggles';
import { withTraffic } from './store/readsTraffic';

export type FilterParser = (expr: string, opts?: FilterOptions) => FilterResult;
export const defaultParser: FilterParser = parseFilter;

/** The toggles and the filter as one predicate; it says whether it reads traffic fields (the toggles never do). */
export function connectionPredicate(filter: CompiledFilter | null, toggles: Toggles): (c: Connection) => boolean {
  return withTraffic((c: Connection) => passesToggles(toggles, c) && (filter === null || filter.match(c)), filter?.readsTraffic ?? false);
}
