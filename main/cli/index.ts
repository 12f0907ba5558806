// Entry point of dist/cli.cjs: wires the real process (argv, stdio, signals) to main().
import { defaultCreateSource, main } from './main';

const controller = new AbortController();
const stop = (): void => controller.abort();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// `netmon watch | head` closes our stdout: that is a request to stop, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') stop();
  else throw e;
});

const write = (stream: NodeJS.WriteStream) => (text: string) => {
  if (!stream.destroyed) stream.write(text);
};

main(process.argv.slice(2), {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  createSource: defaultCreateSource,
  stop: controller.signal,
}).then(
  (code) => {
    // Exit only once everything written has been handed to the OS.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  },
  (e: unknown) => {
    process.stderr.write(`netmon: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`, () =>
      process.exit(1),
    );
  },
);
