// Why the traffic columns are blank (procfs backend, not elevated, EStats missing), with the
// restart offer where rights are what is missing — as the close action offers it.
export function TrafficNote({ note, onRestart }: { note: string; onRestart(): void }) {
  return (
    <span className="tab-note" role="status" title={`Traffic counters: ${note}`}>
      Traffic counters: {note}
      {note === 'needs administrator' && (
        <button type="button" className="link" onClick={onRestart}>
          Restart as administrator
        </button>
      )}
    </span>
  );
}
