// What other users and odd files can put in front of the CLI: a process named with terminal escape
// sequences, a full disk behind stdout, empty / BOM-prefixed recordings, a FIFO or /dev/zero given
// as a baseline or token file. Each gets a clear message and the documented exit code.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalSafe } from '../../shared/format';
import { buildCli, runCli, type BuiltCli } from './helpers';

let cli: BuiltCli;
let dir: string;
beforeAll(async () => {
  cli = await buildCli();
  dir = cli.dir; // the CLI's own temp dir, removed by cli.cleanup()
}, 60_000);
afterAll(() => cli?.cleanup());

const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_PATH: join(__dirname, '../../node_modules') } });

describe('terminalSafe', () => {
  it('escapes control characters and bidi overrides, keeps tab, newlines and ordinary text', () => {
    expect(terminalSafe('\x1b]0;PWN\x07\x1b[31mX')).toBe('\\x1b]0;PWN\\x07\\x1b[31mX');
    expect(terminalSafe('a\tb\nc\r\n')).toBe('a\tb\nc\r\n');
    expect(terminalSafe('\x9b31m \x7f \x00')).toBe('\\x9b31m \\x7f \\x00');
    expect(terminalSafe('evil\u202Etxt.exe')).toBe('evil\\u{202e}txt.exe');
    expect(terminalSafe('ппп sshd 名前')).toBe('ппп sshd 名前');
  });
});

describe('the CLI with hostile input', () => {
  it('prints a process named with escape sequences escaped, in text and CSV', async () => {
    // A process renames itself (comm) to an escape sequence, then listens.
    const py = spawn('python3', ['-c', "import socket,time,sys;open('/proc/self/comm','w').write('\\x1b]0;PWN\\x07\\x1b[31mX');s=socket.socket();s.bind(('127.0.0.1',0));s.listen();print(s.getsockname()[1],flush=True);time.sleep(30)"], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((r) => py.stdout!.once('data', (d: Buffer) => r(Number(d.toString().trim()))));
      for (const args of [['snapshot', '--source', 'linux', '--filter', `lport:${port}`], ['snapshot', '--csv', '--source', 'linux', '--filter', `lport:${port}`]]) {
        const r = await runCli(cli, args);
        expect(r.code).toBe(0);
        expect(r.stdout).not.toContain('\x1b');
        expect(r.stdout).not.toContain('\x07');
        expect(r.stdout).toContain('\\x1b]0;PWN\\x07\\x1b[31mX');
      }
    } finally {
      py.kill('SIGKILL');
    }
  });

  it('a failed stdout (full disk) gives one message and exit 1, never a stack trace or a silent 0', () => {
    for (const args of ['snapshot --source demo --json', '--help', 'snapshot --source scripted']) {
      const r = sh(`node ${cli.path} ${args} > /dev/full`);
      expect(r.status, args).toBe(1);
      expect(r.stderr, args).toBe('netmon: cannot write the output: ENOSPC\n');
    }
  });

  it('replay: an empty file holds no events (exit 1); a byte-order mark does not cost the first record', async () => {
    const empty = join(dir, 'empty.ndjson');
    writeFileSync(empty, '');
    const r = await runCli(cli, ['replay', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`netmon: ${empty} holds no events (0 lines read)\n`);
    const line = JSON.stringify({ type: 'opened', time: '2026-11-30T05:00:00.000Z', connection: { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 80, remoteAddress: '127.0.0.1', remotePort: 5000, state: 'ESTABLISHED', pid: 1, process: 'x' } });
    const bom = join(dir, 'bom.ndjson');
    writeFileSync(bom, `\ufeff${line}\n${line}\n`);
    const b = await runCli(cli, ['replay', bom, '--json']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('a FIFO or /dev/zero as a baseline or token file is refused at once, with the reason', async () => {
    const fifo = join(dir, 'fifo');
    sh(`mkfifo ${fifo}`);
    const t0 = Date.now();
    const f = await runCli(cli, ['snapshot', '--source', 'scripted', '--baseline', fifo], 10_000);
    expect(f.code).toBe(2);
    expect(f.stderr).toBe(`netmon: cannot read baseline '${fifo}': not a regular file\n`);
    const z = await runCli(cli, ['snapshot', '--source', 'scripted', '--baseline', '/dev/zero'], 10_000);
    expect(z.code).toBe(2);
    expect(z.stderr).toBe("netmon: cannot read baseline '/dev/zero': not a regular file\n");
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(64 * 1024 * 1024 + 1, 0x20));
    const g = await runCli(cli, ['snapshot', '--source', 'scripted', '--baseline', big], 10_000);
    expect(g.stderr).toBe(`netmon: cannot read baseline '${big}': 67108865 bytes is more than a baseline can be (67108864 bytes)\n`);
    const tok = await runCli(cli, ['serve', '--token-file', '/dev/zero', '--source', 'demo'], 10_000);
    expect(tok.code).toBe(2);
    expect(tok.stderr).toBe("netmon: cannot read token file '/dev/zero': not a regular file\n");
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
