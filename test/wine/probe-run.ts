// Runs a probe's checks inside Windows Node and always writes what it found to the file named by
// argv[2], exiting 0: a crash is reported as `fatal` in that file, never lost on a broken pipe.
import { writeFileSync } from 'node:fs';

export function runProbe(out: Record<string, unknown>, main: () => Promise<void>): void {
  main()
    .catch((e) => {
      out.fatal = String((e as Error).stack ?? e);
    })
    .finally(() => {
      writeFileSync(process.argv[2], JSON.stringify(out, null, 1));
      process.exit(0);
    });
}
