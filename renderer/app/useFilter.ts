// The filter box's text → one connection predicate (with the quick toggles). A bad expression
// leaves the last good filter in force (or none, e.g. a persisted one that no longer parses) and
// reports its error.
import { useEffect, useMemo, useState } from 'react';
import type { Connection } from '../../shared/connection';
import type { CompiledFilter, FilterError } from '../../shared/filter';
import { connectionPredicate, type FilterParser } from '../filtering';
import { useDebounced } from '../hooks';
import type { Toggles } from '../store/toggles';

export interface FilterState {
  /** The error of the expression as typed; null when it parses (or is empty). */
  error: FilterError | null;
  /** Warnings of the expression as typed when it parses (e.g. `host:` with name resolution off). */
  warnings: readonly FilterError[];
  /** Whether an earlier good expression is in force while `error` shows (false: no filter at all). */
  applied: boolean;
  /** Last good expression and the toggles, as one predicate. */
  predicate: (c: Connection) => boolean;
  /** The text `predicate` was compiled from ('' for no filter): lags the box by the debounce. */
  appliedText: string;
}

/** `debounceMs`: typing pause before the text is parsed; `namesResolved`: the app's name-resolution setting. */
export function useFilter(text: string, toggles: Toggles, parser: FilterParser, debounceMs: number, namesResolved = true): FilterState {
  const debounced = useDebounced(text, debounceMs);
  const parsed = useMemo(() => (debounced.trim() ? parser(debounced, { namesResolved }) : null), [debounced, parser, namesResolved]);
  const [good, setGood] = useState<{ filter: CompiledFilter | null; text: string }>({ filter: null, text: '' });
  useEffect(() => {
    if (parsed === null) setGood({ filter: null, text: '' });
    else if (parsed.ok) setGood({ filter: parsed.filter, text: debounced });
    // on error: keep the last good filter
  }, [parsed]); // eslint-disable-line react-hooks/exhaustive-deps -- `debounced` changes with `parsed`
  const predicate = useMemo(() => connectionPredicate(good.filter, toggles), [good, toggles]);
  return {
    error: parsed && !parsed.ok ? parsed.error : null,
    warnings: parsed && parsed.ok ? parsed.filter.warnings : [],
    applied: good.filter !== null,
    predicate,
    appliedText: good.text,
  };
}
