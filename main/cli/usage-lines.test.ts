// Every command's usage line names every option its Options list documents, and no other: an
// admin reading `netmon <command> --help` from the top must not miss one (serve's --token and
// agent's --metrics-allow-remote were only under Options).
import { describe, expect, it } from 'vitest';
import { AGENT_HELP } from '../agent/cli';
import { SERVE_HELP } from '../server/cli';
import { parseCommandLine } from './args';
import { MAIN_HELP } from './help';

/** The commands `netmon --help` lists (`  netmon NAME …`), help itself left out. */
const COMMANDS = [...MAIN_HELP.matchAll(/^ {2}netmon ([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');

/** The help text of `command`: serve and agent print their own (their modules load on demand). */
function helpOf(command: string): string {
  if (command === 'serve') return SERVE_HELP;
  if (command === 'agent') return AGENT_HELP;
  const cmd = parseCommandLine(['help', command]);
  if (cmd.kind !== 'help') throw new Error(`no help text for ${command}`);
  return cmd.text;
}

/** Options named in the usage lines (from `Usage:` to the first blank line). */
function usageOptions(help: string): string[] {
  const usage = help.slice(help.indexOf('Usage:'), help.indexOf('\n\n'));
  return [...new Set([...usage.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]))].sort();
}

/** Options documented under `Options:` (each entry's first line: `  [-x, ]--name`), --help left out. */
function listedOptions(help: string): string[] {
  const at = help.indexOf('\nOptions:\n');
  expect(at, 'an Options: section').toBeGreaterThan(0);
  const section = help.slice(at + 10).split('\n\n')[0];
  return [...section.matchAll(/^ {2}(?:-[a-zA-Z], )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]).filter((o) => o !== '--help').sort();
}

describe('usage lines against Options', () => {
  it('finds every command', () => {
    expect(COMMANDS).toEqual(['snapshot', 'watch', 'ports', 'top', 'baseline', 'replay', 'serve', 'agent']);
  });

  it.each(COMMANDS)('netmon %s --help', (command) => {
    const help = helpOf(command);
    expect(usageOptions(help)).toEqual(listedOptions(help));
  });

  it('serve names --token, agent --metrics-allow-remote', () => {
    expect(usageOptions(SERVE_HELP)).toContain('--token');
    expect(usageOptions(AGENT_HELP)).toContain('--metrics-allow-remote');
  });
});
