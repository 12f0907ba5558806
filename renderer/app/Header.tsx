// The top bar: the filter front and centre, then poll controls, export / copy, recording, theme.
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { FilterError } from '../../shared/filter';
import { INTERVAL_CHOICES_MS, type RecordingStatus } from '../../shared/ipc';
import { UNKNOWN_MARK } from '../../shared/units';
import { FilterBox } from '../components/FilterBox';
import { FilterHelp } from '../components/FilterHelp';
import { rovingFocus, useRovingTabStop } from '../components/roving';
import { HIGHLIGHT_CHOICES_MS, type Theme } from '../store/settings';

const intervalLabel = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * The offered intervals plus any other the engine has reported (e.g. `serve --interval 250`), so
 * the operator's own choice stays one click away after a change.
 */
const OFFERED: readonly number[] = INTERVAL_CHOICES_MS;

function useIntervalChoices(current: number | null): number[] {
  const [extra, setExtra] = useState<number[]>([]);
  useEffect(() => {
    if (current !== null && !OFFERED.includes(current)) setExtra((x) => (x.includes(current) ? x : [...x, current]));
  }, [current]);
  const list = [...OFFERED, ...extra];
  if (current !== null && !list.includes(current)) list.push(current);
  return list.sort((a, b) => a - b);
}

/** The top bar's controls in its toolbar, in order (the hidden file input is no stop: tabIndex -1, not matched). */
const CONTROL_ITEMS = 'button:not(:disabled), select:not(:disabled)';

export interface HeaderProps {
  filter: string;
  onFilter(text: string): void;
  filterError: FilterError | null;
  filterWarnings?: readonly FilterError[];
  /** An earlier good filter is in force while filterError shows. */
  filterApplied?: boolean;
  /** The expression in force while filterError shows (when filterApplied). */
  filterAppliedText?: string;
  filterRef: RefObject<HTMLInputElement | null>;
  /** This window's display is frozen (the engine still polls). */
  frozen: boolean;
  onToggleFrozen(): void;
  /** The engine's poll is paused, for every viewer. */
  paused: boolean;
  onTogglePause(): void;
  /** The engine's interval, ms; null until it has said. */
  intervalMs: number | null;
  onInterval(ms: number): void;
  onExport(format: 'csv' | 'json'): void;
  onCopy(): void;
  recording: RecordingStatus | null;
  onToggleRecord(): void;
  onOpenRecording(file: File): void;
}

export function Header(p: HeaderProps) {
  const fileRef = useRef<HTMLInputElement | null>(null);
  const rec = p.recording;
  const intervals = useIntervalChoices(p.intervalMs);
  const [help, setHelp] = useState(false);
  const helpRef = useRef<HTMLButtonElement | null>(null);
  const controls = useRef<HTMLDivElement | null>(null);
  useRovingTabStop(controls, CONTROL_ITEMS);
  return (
    <>
      {/* A mouse click on a top-bar button leaves the keyboard where it was (as a native toolbar does):
          otherwise the button keeps focus and the next Space, meant to freeze the view, presses it again. */}
      <header className="topbar" onMouseDown={(e) => (e.target as HTMLElement).closest('button') && e.preventDefault()}>
        <div className="brand" title="netmon — live connections">
          <span className="logo" aria-hidden="true">◉</span>
          <span className="wide-only"> netmon</span>
        </div>
        <FilterBox
          value={p.filter}
          onChange={p.onFilter}
          error={p.filterError}
          warnings={p.filterWarnings}
          applied={p.filterApplied}
          appliedText={p.filterAppliedText}
          inputRef={p.filterRef}
          helpOpen={help}
          onToggleHelp={() => setHelp((h) => !h)}
          helpRef={helpRef}
        />
        {/* A WAI-ARIA toolbar: one Tab stop, ← → Home End move among its controls (F6 and Tab pass it in one step). */}
        <div className="controls" role="toolbar" aria-label="View, export and recording" ref={controls} onKeyDown={(e) => rovingFocus(e, CONTROL_ITEMS)}>
          <button type="button" aria-pressed={p.frozen} className={`freeze${p.frozen ? ' paused' : ''}`} aria-label={p.frozen ? 'Unfreeze view' : 'Freeze view'} onClick={p.onToggleFrozen} title="Stop updating this window (Space). netmon keeps polling and recording; the updates are applied when you unfreeze.">
            {p.frozen ? 'Unfreeze' : 'Freeze'}
            <span className="wide-only"> view</span>
          </button>
          <button type="button" aria-pressed={p.paused} className={`pause${p.paused ? ' paused' : ''}`} aria-label={p.paused ? 'Resume polling' : 'Pause polling'} onClick={p.onTogglePause} title="Stop reading the connection table, for every window and tab (refused while a recording is in progress)">
            {p.paused ? 'Resume' : 'Pause'}
            <span className="wide-only"> polling</span>
          </button>
          <select aria-label="Interval" title="Poll interval of the engine (the same for every window)" value={p.intervalMs ?? ''} onChange={(e) => p.onInterval(Number(e.target.value))}>
            {p.intervalMs === null && <option value="">{UNKNOWN_MARK}</option>}
            {intervals.map((ms) => (
              <option key={ms} value={ms}>
                {intervalLabel(ms)}
              </option>
            ))}
          </select>
          <span className="sep" />
          <button type="button" onClick={() => p.onExport('csv')} title="Download the current view as CSV" aria-label="Export CSV">
            <span className="wide-only">Export </span>CSV
          </button>
          <button type="button" onClick={() => p.onExport('json')} title="Download the current view as JSON" aria-label="Export JSON">
            <span className="wide-only">Export </span>JSON
          </button>
          <button type="button" onClick={p.onCopy} title="Copy selected rows, tab-separated (Ctrl+C)">
            Copy
          </button>
          <span className="sep" />
          <button type="button" aria-pressed={rec?.active ?? false} className={`record${rec?.active ? ' on' : ''}`} onClick={p.onToggleRecord} title={rec?.active ? `Recording to ${rec.path ?? 'a file'} (for every window): click to stop` : 'Record the event stream to a file (one recording for every window)'}>
            Record
          </button>
          <button type="button" onClick={() => fileRef.current?.click()} title="Browse a recorded event file" aria-label="Open recording">
            Open<span className="wide-only"> recording</span>
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".ndjson,.jsonl,.json,.csv,application/x-ndjson,text/csv"
            className="hidden"
            tabIndex={-1}
            aria-hidden="true"
            data-testid="recording-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) p.onOpenRecording(f);
              e.target.value = '';
            }}
          />
        </div>
      </header>
      {help && <FilterHelp onClose={() => setHelp(false)} toggle={() => helpRef.current} />}
    </>
  );
}

export interface DisplaySettingsProps {
  theme: Theme;
  onTheme(theme: Theme): void;
  /** How long new / changed rows stay highlighted, ms. */
  highlightMs: number;
  onHighlightMs(ms: number): void;
}

/** Highlight duration and theme: display settings, beside the quick toggles so the top bar stays one line at 1024 px. */
export function DisplaySettings(p: DisplaySettingsProps) {
  return (
    <>
          <select aria-label="Highlight" title="How long new and changed rows stay highlighted" value={p.highlightMs} onChange={(e) => p.onHighlightMs(Number(e.target.value))}>
            {HIGHLIGHT_CHOICES_MS.map((ms) => (
              <option key={ms} value={ms}>
                highlight {ms / 1000} s
              </option>
            ))}
          </select>
          <select aria-label="Theme" title="Theme" value={p.theme} onChange={(e) => p.onTheme(e.target.value as Theme)}>
            <option value="system">Auto</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
    </>
  );
}
