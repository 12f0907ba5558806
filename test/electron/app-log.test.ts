import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLog, formatLogLine } from '../../main/electron/app-log';

describe('app log', () => {
  it('writes one line an entry, with time and level, creating the folder', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-log-')), 'logs');
    const echoed: string[] = [];
    const log = createAppLog({ dir, now: () => new Date(Date.UTC(2026, 10, 30, 4, 0, 0)), echo: (l) => echoed.push(l) });
    log.write('error', 'engine worker crashed (exit code 3221225477); restarting');
    log.write('info', 'two\nlines');
    log.close();
    const text = readFileSync(path.join(dir, 'netmon.log'), 'utf8');
    expect(text).toBe('2026-11-30T04:00:00.000Z ERROR engine worker crashed (exit code 3221225477); restarting\n2026-11-30T04:00:00.000Z INFO two\\nlines\n');
    expect(echoed.join('')).toBe(text);
  });

  it('rotates, keeping three files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-log-'));
    const log = createAppLog({ dir, maxBytes: 200 });
    for (let i = 0; i < 40; i++) log.write('warn', `entry ${i} ${'x'.repeat(40)}`);
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['netmon.log', 'netmon.log.1', 'netmon.log.2']);
    expect(readFileSync(path.join(dir, 'netmon.log'), 'utf8')).toMatch(/entry 39 /);
  });

  it('never throws when the log cannot be written', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'netmon-log-'));
    const file = path.join(base, 'not-a-dir');
    writeFileSync(file, 'x');
    const echoed: string[] = [];
    const log = createAppLog({ dir: path.join(file, 'logs'), echo: (l) => echoed.push(l) });
    expect(() => log.write('error', 'lost')).not.toThrow();
    expect(echoed.join('')).toMatch(/cannot write the log/);
  });

  it('formats a line', () => {
    expect(formatLogLine(new Date(0), 'warn', 'a\r\nb')).toBe('1970-01-01T00:00:00.000Z WARN a\\nb\n');
  });
});
