// One rule for files and directories named on the command line, in every command that takes one:
// one that cannot be used as given (missing, a directory, not a regular file, in a missing
// directory) is bad usage — exit 2, said at start in one line that names the file and the problem,
// never a raw Node error and never found only later.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli, type BuiltCli } from './helpers';

let cli: BuiltCli;
// Made when the file loads: the table below names paths in it.
const dir = mkdtempSync(join(tmpdir(), 'netmon-file-args-'));
beforeAll(async () => {
  cli = await buildCli();
  // A directory nobody may create files in, even root: a read-only file system.
  mkdirSync(join(dir, 'ro'));
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', join(dir, 'ro')], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`this test mounts a read-only tmpfs and needs root (CI runs as root): ${m.stderr.trim()}`);
  mkdirSync(join(dir, 'a-dir'));
  writeFileSync(join(dir, 'a-file'), 'x');
  writeFileSync(join(dir, 'token'), 'file-token-file-token-1\n');
  writeFileSync(join(dir, 'agent.json'), JSON.stringify({ metrics: { listen: '127.0.0.1:0', tokenFile: join(dir, 'no-token') } }));
}, 60_000);
afterAll(() => {
  spawnSync('umount', [join(dir, 'ro')]);
  cli?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const p = (name: string) => join(dir, name);

// [command line, the one stderr line expected]
const CASES: [string[], string][] = [
  [['replay', p('none.ndjson')], `cannot read recording '${p('none.ndjson')}': no such file`],
  [['replay', p('a-dir')], `cannot read recording '${p('a-dir')}': is a directory`],
  [['snapshot', '--source', 'demo', '--baseline', p('none.json')], `cannot read baseline '${p('none.json')}': no such file`],
  [['watch', '--source', 'demo', '--baseline', p('a-dir')], `cannot read baseline '${p('a-dir')}': is a directory`],
  [['watch', '--source', 'demo', '--output', p('none/x.ndjson')], `cannot write recording '${p('none/x.ndjson')}': no such directory '${p('none')}'`],
  [['watch', '--source', 'demo', '--output', p('a-dir')], `cannot write recording '${p('a-dir')}': is a directory`],
  [['baseline', 'save', p('none/b.json'), '--source', 'demo'], `cannot write baseline '${p('none/b.json')}': no such directory '${p('none')}'`],
  [['baseline', 'save', p('a-file/b.json'), '--source', 'demo'], `cannot write baseline '${p('a-file/b.json')}': '${p('a-file')}' is not a directory`],
  [['serve', '--source', 'demo', '--token-file', p('none')], `cannot read token file '${p('none')}': no such file`],
  [['serve', '--source', 'demo', '--record-dir', p('none')], `cannot use recording directory '${p('none')}': no such directory`],
  [['serve', '--source', 'demo', '--record-dir', p('a-file')], `cannot use recording directory '${p('a-file')}': not a directory`],
  [['serve', '--source', 'demo', '--record-dir', p('ro')], `cannot use recording directory '${p('ro')}': read-only file system (cannot create files in it)`],
  [['watch', '--source', 'demo', '--output', p('ro/x.ndjson')], `cannot write recording '${p('ro/x.ndjson')}': read-only file system (cannot create files in '${p('ro')}')`],
  [['baseline', 'save', p('ro/b.json'), '--source', 'demo'], `cannot write baseline '${p('ro/b.json')}': read-only file system (cannot create files in '${p('ro')}')`],
  [['agent', '--source', 'demo', '--config', p('none.json')], `cannot read agent config '${p('none.json')}': no such file`],
  [['agent', '--source', 'demo', '--config', p('a-dir')], `cannot read agent config '${p('a-dir')}': is a directory`],
  [['agent', '--source', 'demo', '--config', p('agent.json')], `cannot read metrics token file '${p('no-token')}': no such file`],
  [['agent', '--source', 'demo', '--metrics', '127.0.0.1:0', '--metrics-token-file', p('none')], `cannot read metrics token file '${p('none')}': no such file`],
  [['agent', '--source', 'demo', '--syslog', 'tls://127.0.0.1:1', '--syslog-ca-file', p('none.pem')], `cannot read syslog CA file '${p('none.pem')}': no such file`],
];

describe('a file or directory named on the command line that cannot be used', () => {
  it.each(CASES)('netmon %j → exit 2, one line', async (args, message) => {
    const r = await runCli(cli, args, 20_000);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 2, stderr: `netmon: ${message}\n`, stdout: '' });
  });

  it('a listening address refused as given (not loopback, no --allow-remote) is bad usage too: exit 2 for serve and agent', async () => {
    const serve = await runCli(cli, ['serve', '--source', 'demo', '--host', '0.0.0.0', '--token-file', p('token')], 20_000);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(/^netmon: refusing to listen on 0\.0\.0\.0: not a loopback address.*--allow-remote/);
    const agent = await runCli(cli, ['agent', '--source', 'demo', '--metrics', '0.0.0.0:0', '--metrics-token-file', p('token')], 20_000);
    expect(agent.code).toBe(2);
    expect(agent.stderr).toMatch(/refusing to serve metrics on 0\.0\.0\.0: not a loopback address/);
  });

  it('an agent given nothing to export is bad usage (exit 2), not a process left running', async () => {
    const r = await runCli(cli, ['agent', '--source', 'demo'], 20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('netmon: agent: nothing to export: give --metrics, --syslog or --otlp (or a --config that names one)\nRun `netmon agent --help` for usage.\n');
  });

  it('nothing is created or started: watch --output with a missing baseline leaves no recording behind', async () => {
    const r = await runCli(cli, ['watch', '--source', 'demo', '--baseline', p('none.json'), '--output', p('left.ndjson')], 20_000);
    expect(r.code).toBe(2);
    expect(existsSync(p('left.ndjson'))).toBe(false);
  });
});
