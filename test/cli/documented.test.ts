// What the user is told matches what they can do: every command's --source error lists only the
// documented sources (scripted is accepted for the test suite, never offered), and `netmon --help`
// and the README list the same exit codes with the same meaning.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../main/cli/args';
import { EXIT_CODES } from '../../main/cli/help';
import { buildCli, runCli, type BuiltCli } from './helpers';

let cli: BuiltCli;
beforeAll(async () => {
  cli = await buildCli();
}, 60_000);
afterAll(() => cli?.cleanup());

const OFFERED = 'auto, linux, windows, demo';

describe('--source names only what the user can pass', () => {
  it.each([[['snapshot']], [['watch']], [['ports']], [['top']], [['baseline', 'save', '/tmp/never-written.json']], [['serve']], [['agent']]])(
    'netmon %j --source bogus: exit 2, lists the offered sources only',
    async (cmd) => {
      const r = await runCli(cli, [...cmd, '--source', 'bogus'], 20_000);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(OFFERED);
      expect(r.stderr).not.toContain('scripted');
    },
  );

  it.each([['snapshot'], ['watch'], ['ports'], ['top'], ['baseline'], ['serve'], ['agent']])('netmon %s --help offers the same sources', async (cmd) => {
    const r = await runCli(cli, [cmd, '--help'], 20_000);
    expect(r.code).toBe(0);
    // The --source entry, up to the next option.
    const text = r.stdout.replace(/\s+/g, ' ');
    const from = text.indexOf(' --source KIND ');
    const entry = text.slice(from + 15, text.indexOf(' -', from + 15));
    expect([...new Set([...entry.matchAll(/\b(?:auto|linux|windows|demo)\b/g)].map((m) => m[0]))].sort()).toEqual(['auto', 'demo', 'linux', 'windows']);
    expect(r.stdout).not.toContain('scripted');
  });

  it('scripted still runs for the test suite', async () => {
    const r = await runCli(cli, ['snapshot', '--json', '--source', 'scripted'], 20_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"localPort":8080');
  });
});

describe('exit codes', () => {
  it('netmon --help lists every exit code the commands return, 3 included', async () => {
    const r = await runCli(cli, ['--help'], 20_000);
    const block = r.stdout.slice(r.stdout.indexOf('Exit codes:')).replace(/\s+/g, ' ');
    expect(EXIT_CODES.map(([code]) => code)).toEqual([0, 1, 2, 3]);
    for (const [code, meaning] of EXIT_CODES) expect(block).toContain(`${code} ${meaning}`);
  });

  it('the README says the same as --help, and no other code', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8').replace(/\s+/g, ' ');
    const at = readme.indexOf('Exit codes:');
    expect(at).toBeGreaterThan(0);
    const sentence = readme.slice(at, readme.indexOf('. ', at) + 1);
    for (const [code, meaning] of EXIT_CODES) expect(sentence).toContain(`${code} ${meaning}`);
    expect([...sentence.matchAll(/(?::|;) (\d) /g)].map((m) => Number(m[1]))).toEqual([0, 1, 2, 3]);
  });
});

describe('the README for a new user', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');

  it('keeps the quick start to two commands: npm run serve and npm test', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1];
    expect(block.trimEnd().split('\n').map((l) => l.split('#')[0].trim())).toEqual(['npm run serve', 'npm test']);
  });

  it('shows how flags reach netmon through npm, and the example runs as written', () => {
    expect(readme).toContain('`npm run serve -- --source demo`');
    // npm appends what follows `--` to the script's command line, which ends in `netmon serve`.
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.serve).toMatch(/ serve$/);
    expect(pkg.scripts.cli).toMatch(/netmon\.cjs$/);
  });

  it('every netmon example in the README is a command line netmon accepts, filters included (issue 11)', () => {
    // The indented example lines (code blocks), each without its comment.
    const examples = [...readme.matchAll(/^ +(netmon [^#\n]*?) *(?:#.*)?$/gm)].map((m) => m[1]);
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(examples).toContain("netmon snapshot --filter 'rate>1MiB | retrans>0'");
    expect(examples.some((e) => e.startsWith('netmon snapshot --sort rate'))).toBe(true);
    for (const line of examples) {
      // Shell words as the README writes them: bare, or in single quotes.
      const argv = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(1);
      let error = '';
      try {
        parseCommandLine(argv);
      } catch (e) {
        error = (e as Error).message;
      }
      expect([line, error]).toEqual([line, '']);
    }
  });

  it('says what needs root on Linux and administrator on Windows, per capability', () => {
    const rights = readme.slice(readme.indexOf('### Rights'), readme.indexOf('## What you get'));
    for (const what of ['owner (PID, process)', '*Close connection*', '*End process*', 'traffic and TCP health']) expect(rights).toContain(`| ${what}`);
    expect(rights).toContain('| | Linux: needs root | Windows: needs administrator |');
    expect(rights).toContain('needs no special rights');
  });
});
