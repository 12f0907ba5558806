// Baseline controls beside the view tabs: Mark, Save, Open, and "Only not in baseline".
import { useRef } from 'react';
import type { BaselineControls } from './useBaseline';
import './baseline.css';

export interface BaselineBarProps {
  controls: BaselineControls;
  onSave(text: string): void;
  onError(what: string, err: unknown): void;
  /**
   * Name of the recording on screen, null when live. Mark always takes this machine now (a recording
   * holds events, not the listeners a baseline needs), so with a recording open the control says so.
   */
  recording?: string | null;
}

export function BaselineBar({ controls: b, onSave, onError, recording = null }: BaselineBarProps) {
  const file = useRef<HTMLInputElement | null>(null);
  return (
    <span className="baseline-bar" role="group" aria-label="Baseline">
      {/* Below 1440 px the buttons drop their second word (their names and titles stay whole). */}
      <button
        type="button"
        aria-label="Mark baseline"
        aria-describedby={recording ? 'baseline-live-note' : undefined}
        onClick={b.mark}
        title={`Record what is normal${recording ? ' on this machine now (not the recording on screen)' : ' now'}: listeners by process and port, outbound connections by process and destination`}
      >
        Mark<span className="wide-only"> baseline</span>
      </button>
      {recording && (
        <span className="baseline-live-note" id="baseline-live-note" data-testid="baseline-live-note" title={`Mark baseline takes this machine now, not the recording ${recording}`}>
          Live, not the recording
        </span>
      )}
      <button type="button" aria-label="Save baseline" disabled={!b.baseline} onClick={() => { const t = b.text(); if (t) onSave(t); }} title="Save the baseline as a JSON file">
        Save<span className="wide-only"> baseline</span>
      </button>
      <button type="button" aria-label="Open baseline" onClick={() => file.current?.click()} title="Open a baseline saved as JSON (here or on another machine)">
        Open<span className="wide-only"> baseline</span>
      </button>
      <input
        ref={file}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Baseline file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          f.text().then(
            (t) => {
              try {
                b.open(f.name, t);
              } catch (err) {
                onError(`Could not open ${f.name}`, err);
              }
            },
            (err: unknown) => onError(`Could not read ${f.name}`, err),
          );
        }}
      />
      <label className={b.baseline ? '' : 'disabled'}>
        <input type="checkbox" disabled={!b.baseline} checked={b.onlyNew} onChange={(e) => b.setOnlyNew(e.target.checked)} /> Only not in baseline
      </label>
      {b.label && (
        <span className="baseline-label" data-testid="baseline-label" title={b.label}>
          ({b.label})
        </span>
      )}
    </span>
  );
}
