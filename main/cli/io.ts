// What the commands need from the outside world, injectable so they run in tests without a process.
import type { LinuxTables } from '../source/index';
import type { ConnectionSource } from '../source/types';
import type { SourceKind } from './args';

/** How the source is to read (`--tables`); null: the source's default. */
export interface SourceOptions {
  tables: LinuxTables | null;
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Creates the connection source; throws SourceError when there is none for this machine. */
  createSource(kind: SourceKind, opts?: SourceOptions): ConnectionSource;
  /** Aborted when the user asks a long-running command to stop (SIGINT / SIGTERM, closed stdout). */
  stop: AbortSignal;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  /** The platform `--source auto` resolves for (default process.platform), for tests. */
  platform?: NodeJS.Platform;
}

/** The options every command that reads the table has: `--source KIND` and `--tables MODE`. */
export interface TableSourceOptions {
  source: SourceKind;
  /** `--tables`: where the linux source reads its tables; null: its default (auto). */
  tables?: LinuxTables | null;
}
