// Opens a recording the user picked (NDJSON or CSV, as `netmon watch --output` and the Record
// button write them) for the read-only recording view, through the one recording reader
// (shared/recording-reader.ts). The file is read in slices, never whole, and at most `capacity`
// events are kept (the newest), so a large recording cannot exhaust the page's memory.
import { describeRecording, notARecording, RecordingParser, type RecordingSummary } from '../../shared/recording-reader';
import { EventLog } from './eventLog';

/** Events kept from one recording by default (the newest; older ones are counted, not kept). */
export const MAX_RECORDING_EVENTS = 500_000;
const SLICE_BYTES = 1 << 20;

export interface OpenedRecording {
  log: EventLog;
  summary: RecordingSummary;
  /** Events read but not kept (beyond capacity, oldest first). */
  dropped: number;
  /** What was skipped or dropped, naming the file and lines; null when everything was read and kept. */
  notice: string | null;
}

/** The file picker's file: a Blob with a name (File). */
export interface NamedBlob {
  readonly name: string;
  readonly size: number;
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * Reads `file` slice by slice into an EventLog of at most `capacity` events. Throws an Error naming
 * the file when it is not a recording at all (nothing in it is an event), or cannot be read.
 */
export async function openRecordingFile(
  file: NamedBlob,
  { capacity = MAX_RECORDING_EVENTS, sliceBytes = SLICE_BYTES }: { capacity?: number; sliceBytes?: number } = {},
): Promise<OpenedRecording> {
  const log = new EventLog(capacity);
  let read = 0;
  const parser = new RecordingParser((e) => {
    log.push(e);
    read++;
  });
  const decoder = new TextDecoder('utf-8');
  for (let off = 0; off < file.size && !parser.hopeless; off += sliceBytes) {
    let bytes: ArrayBuffer;
    try {
      bytes = await file.slice(off, Math.min(file.size, off + sliceBytes)).arrayBuffer();
    } catch (err) {
      throw new Error(`cannot read ${file.name} at byte ${off}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    parser.push(decoder.decode(bytes, { stream: true }));
  }
  parser.push(decoder.decode());
  const summary = parser.end();
  const bad = notARecording(file.name, summary);
  if (bad) throw new Error(bad);
  const dropped = read - log.length;
  const notes = [describeRecording(file.name, summary)];
  if (dropped > 0) notes.push(`showing the newest ${log.length.toLocaleString('en-US')} of ${read.toLocaleString('en-US')} events`);
  const notice = notes.filter((n) => n !== null).join('; ') || null;
  return { log, summary, dropped, notice };
}
