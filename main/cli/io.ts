// What the commands need from the outside world, injectable so they run in tests without a process.
import type { ConnectionSource } from '../source/types';
import type { SourceKind } from './args';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Creates the connection source; throws SourceError when there is none for this machine. */
  createSource(kind: SourceKind): ConnectionSource;
  /** Aborted when the user asks a long-running command to stop (SIGINT / SIGTERM, closed stdout). */
  stop: AbortSignal;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}
