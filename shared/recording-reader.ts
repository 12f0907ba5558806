// The one recording reader: turns the text of a recording (NDJSON or CSV, as the recorder writes
// them) into events, chunk by chunk, so a file of any size is read in bounded memory. Pure: the
// Node file reader (main/record/read-recording.ts) and the app's file picker (renderer/store/
// recording.ts) feed it chunks; it never holds more than one line (or one CSV record) of text.
import type { ConnectionEvent } from './connection';
import { EVENT_CSV_HEADER, parseEventCsvRecord, parseEventJsonLine, RecordFormatError, splitCsvRecord } from './format';

export type RecordingFormat = 'ndjson' | 'csv';

/** A record that was skipped: its first physical line (1-based), the field at fault where known, why. */
export interface RecordingProblem {
  line: number;
  field?: string;
  message: string;
}

export interface RecordingSummary {
  /** Detected from the first line; null while nothing but blank lines has been seen. */
  format: RecordingFormat | null;
  /** Events delivered to onEvent. */
  events: number;
  /** Physical lines seen (the last one counted even without its line end). */
  lines: number;
  /** Characters (UTF-16 code units) read. */
  chars: number;
  /** The first MAX_PROBLEMS skipped records, in file order. */
  problems: RecordingProblem[];
  /** All skipped records (a torn last record not included). */
  problemCount: number;
  /** The last record, cut off mid-write (no line end), that was skipped; null when the file ends cleanly. */
  torn: RecordingProblem | null;
}

export interface RecordingParserOptions {
  /** Longest line (or CSV record) accepted, in characters; longer ones are skipped unread. Default 1 MiB. */
  maxRecordLength?: number;
  /** Problems kept with their reasons (all are counted). Default 20. */
  maxProblems?: number;
}

export const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;
/** Readers stop after this many characters without a single event: the file is not a recording. */
export const GIVE_UP_AFTER_CHARS = 8 << 20;
const DEFAULT_MAX_PROBLEMS = 20;
const CSV_HEADER_START = `${EVENT_CSV_HEADER[0]},${EVENT_CSV_HEADER[1]},`;

/**
 * Incremental reader. `push` text chunks in file order (any split, also inside a line), then `end`.
 * Each good record goes to onEvent at once; bad ones are skipped and counted (RecordingProblem);
 * a last record without its line end that does not parse — or any unterminated last CSV record,
 * whose last cell may be cut short — is reported as `torn`. Never throws on content.
 */
export class RecordingParser {
  private readonly maxLen: number;
  private readonly maxProblems: number;
  private readonly s: RecordingSummary = { format: null, events: 0, lines: 0, chars: 0, problems: [], problemCount: 0, torn: null };
  /** Text of the line in progress (no line end yet). */
  private partial = '';
  /** A line too long to keep: its remainder is dropped up to the next line end. */
  private discarding = false;
  private csvHeader: string[] | null = null;
  /** CSV: lines of a record whose quoted field spans lines; its first line number. */
  private csvPending = '';
  private csvPendingLine = 0;

  constructor(
    private readonly onEvent: (e: ConnectionEvent) => void,
    opts: RecordingParserOptions = {},
  ) {
    this.maxLen = opts.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
    this.maxProblems = opts.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  }

  push(chunk: string): void {
    // A byte-order mark (editors on Windows add one) is not part of the first record.
    if (this.s.chars === 0 && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    this.s.chars += chunk.length;
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      const piece = chunk.slice(from, nl);
      from = nl + 1;
      this.s.lines++;
      if (this.discarding) {
        this.discarding = false;
        this.partial = '';
        continue;
      }
      const line = this.partial + piece;
      this.partial = '';
      if (line.length > this.maxLen) this.tooLong(this.s.lines);
      else this.record(line, this.s.lines, true);
    }
    if (from < chunk.length && !this.discarding) {
      this.partial += chunk.slice(from);
      if (this.partial.length > this.maxLen) {
        this.tooLong(this.s.lines + 1);
        this.partial = '';
        this.discarding = true;
      }
    }
  }

  /** The file ended: settles the last line and the summary. */
  end(): RecordingSummary {
    const line = this.s.lines + 1;
    if (this.partial !== '' || this.discarding) this.s.lines++;
    if (this.partial !== '') {
      const text = this.partial;
      this.partial = '';
      this.record(text, line, false);
    }
    if (this.csvPending !== '') {
      this.s.torn = { line: this.csvPendingLine, message: 'a quoted CSV field is not closed (cut off mid-write?)' };
      this.csvPending = '';
    }
    return this.summary();
  }

  /** True once GIVE_UP_AFTER_CHARS were read and none of it was an event: stop feeding, call end(). */
  get hopeless(): boolean {
    return this.s.events === 0 && this.s.chars >= GIVE_UP_AFTER_CHARS;
  }

  summary(): RecordingSummary {
    return { ...this.s, problems: [...this.s.problems] };
  }

  private tooLong(line: number): void {
    this.problem({ line, message: `longer than ${this.maxLen} characters: not a netmon event` });
  }

  private problem(p: RecordingProblem): void {
    this.s.problemCount++;
    if (this.s.problems.length < this.maxProblems) this.s.problems.push(p);
  }

  private fail(e: unknown, line: number, terminated: boolean): void {
    const err = e instanceof RecordFormatError ? e : new RecordFormatError(e instanceof Error ? e.message : String(e));
    const p: RecordingProblem = { line, message: err.message };
    if (err.field) p.field = err.field;
    if (terminated) this.problem(p);
    else this.s.torn = p;
  }

  /** One physical line, without its `\n` (a CSV quoted cell keeps the `\r` it holds). */
  private record(raw: string, lineNo: number, terminated: boolean): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.s.format === null) {
      if (line.trim() === '') return;
      this.s.format = line.startsWith(CSV_HEADER_START) ? 'csv' : 'ndjson';
    }
    if (this.s.format === 'ndjson') this.ndjson(line, lineNo, terminated);
    else this.csv(raw, line, lineNo, terminated);
  }

  private ndjson(line: string, lineNo: number, terminated: boolean): void {
    if (line.trim() === '') return;
    try {
      this.deliver(parseEventJsonLine(line));
    } catch (e) {
      this.fail(e, lineNo, terminated);
    }
  }

  private csv(raw: string, line: string, lineNo: number, terminated: boolean): void {
    if (this.csvPending === '') {
      if (line === '') return;
      this.csvPendingLine = lineNo;
    }
    // An odd number of quotes so far: a quoted field goes on over the next line (line end kept).
    if (terminated && quoteCount(this.csvPending + raw) % 2 === 1) {
      if (this.csvPending.length + raw.length > this.maxLen) {
        this.tooLong(this.csvPendingLine);
        this.csvPending = '';
      } else this.csvPending += `${raw}\n`;
      return;
    }
    const text = this.csvPending + line;
    this.csvPending = '';
    const first = this.csvPendingLine;
    if (!terminated) {
      // The writer ends every record with CRLF: without it the last cell may be cut short.
      this.s.torn = { line: first, message: 'the last record has no line end (cut off mid-write)' };
      return;
    }
    try {
      const cells = splitCsvRecord(text);
      if (text.startsWith(CSV_HEADER_START)) {
        // The header (again, where rotated files were joined): it names the columns that follow.
        this.csvHeader = cells;
        return;
      }
      if (this.csvHeader === null) throw new RecordFormatError('no CSV header before this record');
      this.deliver(parseEventCsvRecord(this.csvHeader, cells));
    } catch (e) {
      this.fail(e, first, true);
    }
  }

  private deliver(e: ConnectionEvent): void {
    this.s.events++;
    this.onEvent(e);
  }
}

function quoteCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** All events of a recording held in memory as text (small files, tests). */
export function parseRecordingText(text: string, opts?: RecordingParserOptions): { events: ConnectionEvent[]; summary: RecordingSummary } {
  const events: ConnectionEvent[] = [];
  const p = new RecordingParser((e) => events.push(e), opts);
  p.push(text);
  return { events, summary: p.end() };
}

function problemText(p: RecordingProblem): string {
  return `line ${p.line}: ${p.message}`;
}

/**
 * What a reader tells the user about a recording, or null when it was read whole and clean:
 * `events.ndjson: read 120 events from 124 lines; skipped 3 records (first: line 5: field "time": …);
 * the last record (line 124) was cut off mid-write and skipped`.
 */
export function describeRecording(name: string, s: RecordingSummary): string | null {
  if (s.problemCount === 0 && s.torn === null) return null;
  const parts = [`${name}: read ${s.events} event${s.events === 1 ? '' : 's'} from ${s.lines} line${s.lines === 1 ? '' : 's'}`];
  if (s.problemCount > 0) {
    parts.push(
      s.problemCount === 1
        ? `skipped 1 record (${problemText(s.problems[0])})`
        : `skipped ${s.problemCount} records (first: ${problemText(s.problems[0])})`,
    );
  }
  if (s.torn) parts.push(`the last record (line ${s.torn.line}) was cut off mid-write and skipped`);
  return parts.join('; ');
}

/**
 * The reason a file is not a recording at all — nothing in it was an event, yet something was
 * there — naming the file, the first bad line and field; null when it is one (or is empty).
 */
export function notARecording(name: string, s: RecordingSummary): string | null {
  if (s.events > 0) return null;
  const first = s.problems[0] ?? s.torn;
  if (!first) return null;
  const stopped = s.chars >= GIVE_UP_AFTER_CHARS ? `; stopped after ${GIVE_UP_AFTER_CHARS >> 20} MiB` : '';
  return `${name} is not a netmon recording: ${problemText(first)} (${s.lines} line${s.lines === 1 ? '' : 's'} read, no events${stopped})`;
}
