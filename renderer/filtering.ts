// Glue between the shared filter language and the views: the quick toggles and the last good
// filter expression make one predicate.
import type { Connection } from '../shared/connection';
import { parseFilter, type CompiledFilter, type FilterOptions, type FilterResult } from '../shared/filter';
import { passesToggles, type Toggles } from './store/toggles';

export type FilterParser = (expr: string, opts?: FilterOptions) => FilterResult;
export const defaultParser: FilterParser = parseFilter;

export function connectionPredicate(filter: CompiledFilter | null, toggles: Toggles): (c: Connection) => boolean {
  return (c) => passesToggles(toggles, c) && (filter === null || filter.match(c));
}
