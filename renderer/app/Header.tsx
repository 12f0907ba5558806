// The top bar: the filter front and centre, then poll controls, export / copy, recording, theme.
import { useRef, type RefObject } from 'react';
import type { FilterError } from '../../shared/filter';
import { INTERVAL_CHOICES_MS, type RecordingStatus } from '../../shared/ipc';
import { FilterBox } from '../components/FilterBox';
import type { Theme } from '../store/settings';

const intervalLabel = (ms: number) => `${ms / 1000} s`;

export interface HeaderProps {
  filter: string;
  onFilter(text: string): void;
  filterError: FilterError | null;
  filterWarnings?: readonly FilterError[];
  /** An earlier good filter is in force while filterError shows. */
  filterApplied?: boolean;
  filterRef: RefObject<HTMLInputElement | null>;
  paused: boolean;
  onTogglePause(): void;
  intervalMs: number;
  onInterval(ms: number): void;
  onExport(format: 'csv' | 'json'): void;
  onCopy(): void;
  recording: RecordingStatus | null;
  onToggleRecord(): void;
  onOpenRecording(file: File): void;
  theme: Theme;
  onTheme(theme: Theme): void;
}

export function Header(p: HeaderProps) {
  const fileRef = useRef<HTMLInputElement | null>(null);
  const rec = p.recording;
  return (
    <header className="topbar">
      <div className="brand" title="netmon — live connections">
        <span className="logo" aria-hidden="true">◉</span> netmon
      </div>
      <FilterBox
        value={p.filter}
        onChange={p.onFilter}
        error={p.filterError}
        warnings={p.filterWarnings}
        applied={p.filterApplied}
        inputRef={p.filterRef}
      />
      <div className="controls">
        <button type="button" className={`pause${p.paused ? ' paused' : ''}`} onClick={p.onTogglePause} title="Pause / resume polling (Space)">
          {p.paused ? 'Resume' : 'Pause'}
        </button>
        <select aria-label="Interval" title="Poll interval" value={p.intervalMs} onChange={(e) => p.onInterval(Number(e.target.value))}>
          {INTERVAL_CHOICES_MS.map((ms) => (
            <option key={ms} value={ms}>
              {intervalLabel(ms)}
            </option>
          ))}
        </select>
        <span className="sep" />
        <button type="button" onClick={() => p.onExport('csv')} title="Download the current view as CSV">
          Export CSV
        </button>
        <button type="button" onClick={() => p.onExport('json')} title="Download the current view as JSON">
          Export JSON
        </button>
        <button type="button" onClick={p.onCopy} title="Copy selected rows, tab-separated (Ctrl+C)">
          Copy
        </button>
        <span className="sep" />
        <button type="button" aria-pressed={rec?.active ?? false} className={`record${rec?.active ? ' on' : ''}`} onClick={p.onToggleRecord} title={rec?.active ? `Recording to ${rec.path ?? ''}` : 'Record the event stream to a file'}>
          Record
        </button>
        <button type="button" onClick={() => fileRef.current?.click()} title="Browse a recorded event file">
          Open recording
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
        <select aria-label="Theme" title="Theme" value={p.theme} onChange={(e) => p.onTheme(e.target.value as Theme)}>
          <option value="system">Auto</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </div>
    </header>
  );
}
