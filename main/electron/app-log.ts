// The desktop app's own log: console output is invisible in a Windows GUI app, so errors, engine
// restarts and elevation results go to a small rotating file under userData/logs ("Open log
// folder" in the app shows it). Writing never throws: a full or read-only disk loses log lines,
// not the app.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createRotatingWriter, type RotatingWriter } from '../record/rotating-writer';

export const LOG_FILE_NAME = 'netmon.log';
/** 1 MiB a file, 3 files: enough for weeks of restarts and refusals, never a disk-filler. */
export const LOG_MAX_BYTES = 1024 * 1024;
export const LOG_MAX_FILES = 3;

export type LogLevel = 'info' | 'warn' | 'error';

export interface AppLog {
  /** The folder holding netmon.log and its rotated predecessors. */
  readonly dir: string;
  write(level: LogLevel, message: string): void;
  close(): void;
}

/** One log line: ISO time, level, message with line breaks escaped so one entry stays one line. */
export function formatLogLine(time: Date, level: LogLevel, message: string): string {
  return `${time.toISOString()} ${level.toUpperCase()} ${message.replace(/\r?\n/g, '\\n')}\n`;
}

/**
 * Opens (creating the folder) userData/logs/netmon.log for appending.
 * @param echo also told every line (console in development); failures to write go there too
 */
export function createAppLog(opts: { dir: string; now?: () => Date; echo?: (line: string) => void; maxBytes?: number }): AppLog {
  const now = opts.now ?? (() => new Date());
  const echo = opts.echo ?? (() => undefined);
  let writer: RotatingWriter | null = null;
  let broken = false;
  const open = (): RotatingWriter | null => {
    if (writer || broken) return writer;
    try {
      mkdirSync(opts.dir, { recursive: true });
      writer = createRotatingWriter({ path: path.join(opts.dir, LOG_FILE_NAME), maxBytes: opts.maxBytes ?? LOG_MAX_BYTES, maxFiles: LOG_MAX_FILES });
    } catch (err) {
      broken = true;
      echo(`netmon: cannot write the log in ${opts.dir}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    return writer;
  };
  return {
    dir: opts.dir,
    write(level, message) {
      const line = formatLogLine(now(), level, message);
      echo(line);
      try {
        open()?.write(line);
      } catch (err) {
        echo(`netmon: log write failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    },
    close() {
      try {
        writer?.close();
      } catch {
        // closing a log that cannot be closed loses nothing more
      }
      writer = null;
    },
  };
}
