// The process-level guard of `netmon serve`: an escaped exception or rejection is one log line and
// the process lives on (checked in a real child process, where Node would otherwise exit 1).
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { installProcessGuard } from '../../main/server/guard';

describe('installProcessGuard', () => {
  it('logs one line per escaped error, rate-limited, and detaches', () => {
    const proc = new EventEmitter();
    const lines: string[] = [];
    let t = 0;
    const remove = installProcessGuard((l) => lines.push(l), { maxPerMinute: 2, now: () => t }, proc);
    proc.emit('uncaughtException', new TypeError('Invalid URL\nsecond line'));
    proc.emit('unhandledRejection', 'a string');
    proc.emit('uncaughtException', new Error('third'));
    expect(lines).toEqual([
      'netmon serve: internal error (uncaught exception), still serving: TypeError: Invalid URL second line',
      'netmon serve: internal error (unhandled rejection), still serving: a string',
    ]);
    t = 60_000;
    proc.emit('uncaughtException', new Error('fourth'));
    expect(lines.slice(2)).toEqual([
      'netmon serve: 1 more internal error(s) were not shown',
      'netmon serve: internal error (uncaught exception), still serving: Error: fourth',
    ]);
    remove();
    expect(proc.listenerCount('uncaughtException') + proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('keeps a real process alive through a throw and a rejection', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'netmon-guard-')), 'probe.cjs');
    await build({
      stdin: {
        contents: `
          import { installProcessGuard } from './main/server/guard';
          installProcessGuard((l) => process.stderr.write(l + '\\n'));
          setTimeout(() => { throw new TypeError('Invalid URL'); }, 0);
          void Promise.reject(new Error('nobody awaited this'));
          setTimeout(() => process.stdout.write('alive\\n'), 100);
        `,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: out,
      logLevel: 'error',
    });
    const r = spawnSync(process.execPath, [out], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('alive\n');
    expect(r.stderr.trim().split('\n').sort()).toEqual([
      'netmon serve: internal error (uncaught exception), still serving: TypeError: Invalid URL',
      'netmon serve: internal error (unhandled rejection), still serving: Error: nobody awaited this',
    ]);
  });
});
