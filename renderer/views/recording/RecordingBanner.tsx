// Says plainly that the window shows a recording, not live data, lets the reader pick the moment
// the Connections table shows (a time slider over the recording), and leads back to live.
import { formatDateTime } from '../../store/columns';
import type { LoadedRecording } from './useRecording';

export interface RecordingBannerProps {
  recording: LoadedRecording;
  /** The recording's first and last event time (null when it holds no events). */
  span: { from: number; to: number } | null;
  /** The moment the table shows, epoch ms. */
  at: number;
  onAt(ms: number): void;
  onBack(): void;
}

export function RecordingBanner({ recording, span, at, onAt, onBack }: RecordingBannerProps) {
  return (
    <div className="banner" data-testid="recording-banner">
      <span>
        Viewing recording <b>{recording.name}</b> — {recording.count.toLocaleString('en-US')} events, read-only
        {recording.notice ? <span className="recording-notice"> — {recording.notice}</span> : null}
      </span>
      {span && (
        <label className="replay">
          table at <output data-testid="replay-at">{formatDateTime(at)}</output>
          <input type="range" aria-label="Table at" min={span.from} max={span.to} step={1} value={at} onChange={(e) => onAt(Number(e.target.value))} />
        </label>
      )}
      <button type="button" onClick={onBack}>
        Back to live
      </button>
    </div>
  );
}
