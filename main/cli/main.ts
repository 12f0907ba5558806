// Dispatches a parsed command line; returns the process exit code.
// Bundled by esbuild as the one string (named JSON imports are tree-shaken).
import { version } from '../../package.json';
import { SourceError } from '../source/types';
import { createPlatformSource } from '../source/index';
import { checkTablesApply, filterWarningText, parseCommandLine, UsageError } from './args';
import { FileArgError } from './file-args';
import type { CliIo } from './io';
import { runSnapshot } from './snapshot';
import { runWatch } from './watch';
import { runPorts } from './ports';
import { runTop } from './top';
import { runBaselineSave } from './baseline';
import { runReplay } from './replay';

type ServeModule = { runServe?: (argv: string[]) => Promise<number> };

export const defaultCreateSource: CliIo['createSource'] = (kind, opts) => createPlatformSource(kind, { linux: { tables: opts?.tables ?? undefined } });

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const cmd = parseCommandLine(argv);
    // Said once, before the command runs (e.g. host: terms, which the CLI cannot resolve).
    if ('options' in cmd && 'filter' in cmd.options) {
      const warnings = filterWarningText(cmd.options.filter);
      if (warnings) io.stderr(warnings);
    }
    if ('options' in cmd && 'tables' in cmd.options) checkTablesApply(cmd.kind === 'baseline-save' ? 'baseline' : cmd.kind, cmd.options, io.platform);
    switch (cmd.kind) {
      case 'help':
        io.stdout(cmd.text);
        return 0;
      case 'version':
        io.stdout(`netmon ${version}\n`);
        return 0;
      case 'snapshot':
        return await runSnapshot(cmd.options, io);
      case 'watch':
        return await runWatch(cmd.options, io);
      case 'ports':
        return await runPorts(cmd.options, io);
      case 'top':
        return await runTop(cmd.options, io);
      case 'baseline-save':
        return await runBaselineSave(cmd.options, io);
      case 'replay':
        return await runReplay(cmd.options, io);
      case 'agent':
        // Loaded only when asked for, like serve: the exporters' libraries stay out of other commands.
        return await (await import('../agent/cli')).runAgent(cmd.argv, io);
      case 'serve': {
        // Loaded only when asked for: the web server is the heaviest part and most runs never need it.
        const mod = (await import('../server/cli')) as ServeModule;
        if (typeof mod.runServe !== 'function') {
          io.stderr('netmon: serve is not available in this build\n');
          return 1;
        }
        return await mod.runServe(cmd.argv);
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      const hint = e.command ? `netmon ${e.command} --help` : 'netmon --help';
      io.stderr(`netmon: ${e.message}\nRun \`${hint}\` for usage.\n`);
      return e.exitCode;
    }
    if (e instanceof FileArgError) {
      // One line naming the file: pointing at --help would not help with a missing file.
      io.stderr(`netmon: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof SourceError) {
      io.stderr(`netmon: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
