// Reads a recording (NDJSON, one event a line, as `netmon watch --json` and the app's recorder
// write it) back into events for the read-only recording view. Line parsing is shared/format's;
// this only gathers the good lines and says which ones were not events.
import type { ConnectionEvent } from '../../shared/connection';
import { parseEventJsonLine } from '../../shared/format';

export interface ParsedRecording {
  events: ConnectionEvent[];
  /** The first few lines that were not events (1-based), with why. */
  skipped: { line: number; reason: string }[];
  skippedCount: number;
}

const MAX_REASONS = 20;

export function parseRecording(text: string): ParsedRecording {
  const events: ConnectionEvent[] = [];
  const skipped: { line: number; reason: string }[] = [];
  let skippedCount = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      events.push(parseEventJsonLine(line));
    } catch (err) {
      skippedCount++;
      if (skipped.length < MAX_REASONS) skipped.push({ line: i + 1, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { events, skipped, skippedCount };
}
