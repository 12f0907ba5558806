// Says plainly that the window shows a recording, not live data, and leads back to live.
import type { LoadedRecording } from './useRecording';

export function RecordingBanner({ recording, onBack }: { recording: LoadedRecording; onBack(): void }) {
  return (
    <div className="banner" data-testid="recording-banner">
      <span>
        Viewing recording <b>{recording.name}</b> — {recording.count.toLocaleString('en-US')} events, read-only
        {recording.notice ? <span className="recording-notice"> — {recording.notice}</span> : null}
      </span>
      <button type="button" onClick={onBack}>
        Back to live
      </button>
    </div>
  );
}
