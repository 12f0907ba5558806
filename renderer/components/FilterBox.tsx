// The filter box: the expression as typed, with a bad expression's offending span underlined in
// place (a mirror of the text behind the input), the parser's message or warnings under the box
// (overlaid, so the table below does not move), and the "?" button that opens the language's help
// (FilterHelp, shown by the header under the top bar).
import type { RefObject } from 'react';
import { MAX_FILTER_LENGTH, type FilterError } from '../../shared/filter';
import { FILTER_HELP_ID } from './FilterHelp';
import { regionProps } from '../app/regions';

export interface FilterBoxProps {
  value: string;
  onChange(text: string): void;
  error: FilterError | null;
  /** Warnings of the expression that applies (e.g. `host:` with name resolution off). */
  warnings?: readonly FilterError[];
  /** Whether an earlier good expression is still applied while `error` shows (else: no filter at all). */
  applied?: boolean;
  /**
   * The expression in force while `error` shows. Said in full: fast typing applies only the text
   * typed last before a pause, so the last valid text typed may never have been applied.
   */
  appliedText?: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  /** Rows / events the filter lets through, for the hint. */
  shown?: number;
  /** Whether the filter help is open, and its "?" button's action. */
  helpOpen?: boolean;
  onToggleHelp?(): void;
  helpRef?: RefObject<HTMLButtonElement | null>;
}

export function FilterBox({ value, onChange, error, warnings = [], applied = true, appliedText, inputRef, helpOpen = false, onToggleHelp, helpRef }: FilterBoxProps) {
  // An empty span (e.g. "missing value at end") still gets a visible caret-width mark.
  const start = error ? Math.min(error.start, value.length) : 0;
  const end = error ? Math.max(start, Math.min(error.end, value.length)) : 0;
  return (
    <div className={`filter${error ? ' invalid' : ''}`} {...regionProps('filter')}>
      <div className="filter-field">
        <span className="filter-icon" aria-hidden="true">
          ⌕
        </span>
        <div className="filter-stack">
          {error && (
            <div className="filter-mirror" aria-hidden="true">
              <span className="filter-mirror-pre">{value.slice(0, start)}</span>
              <span className={`filter-mirror-bad${end === start ? ' empty' : ''}`}>{value.slice(start, end) || ' '}</span>
            </div>
          )}
          <input
            ref={inputRef}
            type="text"
            aria-label="Filter"
            aria-invalid={error ? 'true' : 'false'}
            aria-describedby={error ? 'filter-error' : undefined}
            placeholder="Filter: proc:chrome state:estab port:443 -addr:10.0.0.0/8   (Ctrl+F)"
            spellCheck={false}
            maxLength={MAX_FILTER_LENGTH}
            autoComplete="off"
            value={value}
            onChange={(e) => onChange(e.target.value)}
            onKeyDown={(e) => {
              // An Escape the open help took closes only the help.
              if (e.key === 'Escape' && value && !e.nativeEvent.defaultPrevented) {
                onChange('');
                e.preventDefault();
              }
            }}
          />
        </div>
        {value && (
          <button type="button" className="filter-clear" aria-label="Clear" title="Clear filter (Esc)" onClick={() => onChange('')}>
            ×
          </button>
        )}
        <button
          ref={helpRef}
          type="button"
          className="filter-help-toggle"
          aria-label="Filter help"
          aria-expanded={helpOpen}
          aria-controls={helpOpen ? FILTER_HELP_ID : undefined}
          title="Filter language (fields, lists, | ( ) and comparisons) and the app's keys (Esc closes)"
          onClick={onToggleHelp}
        >
          ?
        </button>
      </div>
      {error && (
        <div id="filter-error" role="alert" data-testid="filter-error" className="filter-error">
          <span className="filter-error-msg">{error.message}</span>
          <span className="filter-error-pos">
            {' '}
            (col {start + 1}
            {end > start + 1 ? `–${end}` : ''}) · {applied ? (appliedText ? `not applied: still filtering by ${appliedText}` : 'not applied: still showing the last good filter') : 'not applied: showing everything'}
          </span>
        </div>
      )}
      {!error && warnings.length > 0 && (
        <div role="status" data-testid="filter-warning" className="filter-warning">
          {warnings.map((w) => w.message).join(' · ')}
        </div>
      )}
    </div>
  );
}
