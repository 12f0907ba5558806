// Entry point of dist/cli.cjs: wires the real process (argv, stdio, signals) to main().
import { terminalSafe } from '../../shared/format';
import { defaultCreateSource, main } from './main';

const controller = new AbortController();
const stop = (): void => controller.abort();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// `netmon watch | head` closes our stdout: that is a request to stop, not an error. Any other
// failure (a full disk: ENOSPC) loses output: say so once and exit 1, never a stack trace.
let outputFailed: string | null = null;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' && outputFailed === null) {
    outputFailed = e.code ?? e.message;
    process.stderr.write(`netmon: cannot write the output: ${outputFailed}\n`);
  }
  stop();
});
process.stderr.on('error', () => stop());

// Every byte netmon prints passes through terminalSafe: names and recorded fields come from
// other users' processes and files (JSON already escapes control characters; this covers text and CSV).
const write = (stream: NodeJS.WriteStream) => (text: string) => {
  if (!stream.destroyed) stream.write(terminalSafe(text));
};

main(process.argv.slice(2), {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  createSource: defaultCreateSource,
  stop: controller.signal,
}).then(
  (code) => {
    // Exit only once everything written has been handed to the OS.
    process.stdout.write('', () => {
      // A failed write may not have reached the 'error' listener yet (it is emitted on the next tick).
      const err = process.stdout.errored as NodeJS.ErrnoException | null;
      if (outputFailed === null && err && err.code !== 'EPIPE') {
        outputFailed = err.code ?? err.message;
        process.stderr.write(`netmon: cannot write the output: ${outputFailed}\n`);
      }
      process.stderr.write('', () => process.exit(outputFailed !== null ? 1 : code));
    });
  },
  (e: unknown) => {
    process.stderr.write(`netmon: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`, () =>
      process.exit(1),
    );
  },
);
