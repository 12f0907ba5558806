// Reads a recording written by the recorder back into ConnectionEvents (NDJSON or CSV, detected
// from the content), so a recording can be reopened and browsed.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ConnectionEvent } from '../../shared/connection';
import { EVENT_CSV_HEADER, parseCsv, parseEventCsvRecord, parseEventJsonLine, RecordFormatError } from '../../shared/format';
import { DEFAULT_MAX_FILES, rotatedPath } from './rotating-writer';

export class RecordingError extends Error {
  override name = 'RecordingError';
}

/**
 * All events of one recording file, in file order. A malformed last line is dropped (the writer
 * may have been killed mid-line); a malformed line elsewhere is an error naming file and line.
 */
export async function readRecording(path: string): Promise<ConnectionEvent[]> {
  const text = await readFile(path, 'utf8');
  return parseRecording(text, path);
}

export function parseRecording(text: string, name = 'recording'): ConnectionEvent[] {
  return text.startsWith(EVENT_CSV_HEADER.slice(0, 2).join(',') + ',') ? parseCsvRecording(text, name) : parseNdjsonRecording(text, name);
}

function parseNdjsonRecording(text: string, name: string): ConnectionEvent[] {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  const events: ConnectionEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      events.push(parseEventJsonLine(line));
    } catch (e) {
      const lastAndPartial = i === lines.length - 1 && !complete;
      if (e instanceof RecordFormatError && lastAndPartial) break;
      throw new RecordingError(`${name}:${i + 1}: ${(e as Error).message}`);
    }
  }
  return events;
}

function parseCsvRecording(text: string, name: string): ConnectionEvent[] {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (e) {
    throw new RecordingError(`${name}: ${(e as Error).message}`);
  }
  const [header, ...records] = rows;
  const complete = text.endsWith('\n');
  const events: ConnectionEvent[] = [];
  for (let i = 0; i < records.length; i++) {
    if (records[i].length === 1 && records[i][0] === '') continue;
    try {
      events.push(parseEventCsvRecord(header, records[i]));
    } catch (e) {
      if (e instanceof RecordFormatError && i === records.length - 1 && !complete) break;
      throw new RecordingError(`${name}: record ${i + 1}: ${(e as Error).message}`);
    }
  }
  return events;
}

/** The files of a rotated recording that exist, oldest first (FILE.n … FILE.1, FILE). */
export function recordingFiles(path: string, maxFiles = DEFAULT_MAX_FILES + 100): string[] {
  const out: string[] = [];
  for (let g = maxFiles - 1; g >= 1; g--) if (existsSync(rotatedPath(path, g))) out.push(rotatedPath(path, g));
  if (existsSync(path)) out.push(path);
  return out;
}

/** Every event of a rotated recording, oldest first. */
export async function readRecordingSet(path: string): Promise<ConnectionEvent[]> {
  const files = recordingFiles(path);
  if (files.length === 0) throw new RecordingError(`no recording at ${path}`);
  const parts = await Promise.all(files.map(readRecording));
  return parts.flat();
}
