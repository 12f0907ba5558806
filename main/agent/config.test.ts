import { describe, expect, it } from 'vitest';
import { prng } from '../model/random';
import { AgentConfigError, otlpConfig, parseHostPort, validateAgentConfig } from './config';
import { parseAgentArgs, runAgent, sourceLine } from './cli';
import { FileArgError } from '../cli/file-args';

const files = (map: Record<string, string>) => (f: string) => {
  if (!(f in map)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${f}'`), { code: 'ENOENT' });
  return map[f];
};
const err = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AgentConfigError) return e.message;
    throw e;
  }
  throw new Error('expected an AgentConfigError');
};

describe('agent config', () => {
  it('reads a full config', () => {
    const c = validateAgentConfig(
      { source: 'linux', intervalMs: 500, filter: 'state:estab', metrics: { listen: '[::1]:9100', tokenFile: '/t', topProcesses: 5 } },
      'n.json',
    );
    expect(c.source).toBe('linux');
    expect(c.intervalMs).toBe(500);
    expect(c.filter?.source).toBe('state:estab');
    expect(c.metrics).toEqual({ listen: { host: '::1', port: 9100 }, tokenFile: '/t', allowRemote: false, topProcesses: 5 });
  });

  it('names the file, the key path and what was expected', () => {
    expect(err(() => validateAgentConfig({ metrics: { listen: 9464, tokenFile: '/t' } }, 'n.json'))).toBe(
      'n.json: metrics.listen: expected "HOST:PORT" (e.g. "127.0.0.1:9464" or "[::1]:9464"), got 9464',
    );
    expect(err(() => validateAgentConfig({ metrics: { tokenFile: '/t', topProcesse: 3 } }, 'n.json'))).toBe(
      'n.json: metrics.topProcesse: unknown key; expected one of listen, tokenFile, allowRemote, topProcesses',
    );
    expect(err(() => validateAgentConfig({ intervalMs: 5 }, 'n.json'))).toBe('n.json: intervalMs: expected an integer from 100 to 60000, got 5');
    expect(err(() => validateAgentConfig({ source: 'bsd' }, 'n.json'))).toMatch(/^n\.json: source: expected one of auto, linux, windows, demo, got "bsd"$/);
    expect(err(() => validateAgentConfig({ filter: 'port:(' }, 'n.json'))).toMatch(/^n\.json: filter: /);
    expect(err(() => validateAgentConfig({ metrics: { listen: '127.0.0.1:9464' } }, 'n.json'))).toBe(
      'n.json: metrics.tokenFile: expected the path of a file holding the bearer token, got nothing',
    );
    expect(err(() => validateAgentConfig([1], 'n.json'))).toBe('n.json: expected an object, got [1]');
  });

  it('refuses a whole-number setting written with a fraction or an exponent (1000.0 reads as 1000), naming key, line and column', () => {
    const full = { intervalMs: 1000, metrics: { tokenFile: '/t', topProcesses: 5 }, syslog: { url: 'tcp://h:514', facility: 16, queueSize: 100 }, otlp: { url: 'http://127.0.0.1:4318/v1/logs', queueSize: 200 } };
    const text = JSON.stringify(full, null, 2);
    const read = (t: string) => parseAgentArgs(['--config', 'n.json'], files({ 'n.json': t }), 'linux');
    expect(read(text)?.intervalMs).toBe(1000);
    for (const [from, to, path] of [
      ['"intervalMs": 1000', '"intervalMs": 1000.0', 'intervalMs'],
      ['"topProcesses": 5', '"topProcesses": 5e0', 'metrics.topProcesses'],
      ['"facility": 16', '"facility": 1.6E1', 'syslog.facility'],
      ['"queueSize": 100', '"queueSize": 100.000', 'syslog.queueSize'],
      ['"queueSize": 200', '\t"\\u0071ueueSize":\r200e+0', 'otlp.queueSize'],
    ]) {
      const bad = text.replace(from, to);
      const literal = /[\d.eE+]+$/.exec(to)![0];
      const at = bad.indexOf(literal, bad.indexOf(to));
      const line = bad.slice(0, at).split('\n').length;
      const column = at - bad.lastIndexOf('\n', at - 1);
      // JSON.parse alone reads the same config.
      expect(JSON.parse(bad)).toEqual(full);
      expect(err(() => read(bad))).toBe(`n.json: ${path}: ${literal} at line ${line}, column ${column} is written with a fraction or an exponent; this field is a whole number (digits only)`);
    }
    // A setting whose value is not read as a number, and text in strings, are not looked at.
    const ignored = text.replace('"tokenFile": "/t"', '"tokenFile": "/t\\"intervalMs\\": 1.5"').replace('"url": "tcp://h:514"', '"url": "tcp://h:514", "appName": "q\\"queueSize\\":1e3"');
    expect(read(ignored)?.metrics?.tokenFile).toBe('/t"intervalMs": 1.5');
  });

  it('parses HOST:PORT and refuses near misses', () => {
    expect(parseHostPort('localhost:1', 'x')).toEqual({ host: 'localhost', port: 1 });
    for (const bad of ['::1:9464', '127.0.0.1', '127.0.0.1:65536', ':9464', '[::1]', 'a b:1']) expect(() => parseHostPort(bad, 'x')).toThrow(AgentConfigError);
  });

  it('flags override the file and say which flag is wrong', () => {
    const read = files({ 'n.json': JSON.stringify({ intervalMs: 2000, metrics: { tokenFile: '/t' } }) });
    const c = parseAgentArgs(['--config', 'n.json', '--metrics', '127.0.0.1:9999', '--interval', '300'], read);
    expect(c?.intervalMs).toBe(300);
    expect(c?.metrics?.listen).toEqual({ host: '127.0.0.1', port: 9999 });
    expect(c?.metrics?.tokenFile).toBe('/t');
    expect(err(() => parseAgentArgs(['--interval', 'fast'], read))).toBe('--interval: expected an integer from 100 to 60000, got "fast"');
    expect(err(() => parseAgentArgs(['--metrics', '127.0.0.1:9464'], read))).toMatch(/--metrics needs --metrics-token-file/);
    expect(() => parseAgentArgs(['--config', 'missing.json'], read)).toThrow(new FileArgError('read', 'agent config', 'missing.json', 'no such file'));
    expect(err(() => parseAgentArgs(['--config', 'bad.json'], files({ 'bad.json': '{"a":' })))).toMatch(/^bad\.json: not valid JSON: /);
    expect(err(() => parseAgentArgs(['--bogus'], read))).toBe('unknown option --bogus for "agent"');
    expect(parseAgentArgs(['--help'], read)).toBeNull();
  });

  it('--tables (and "tables" in the file) chooses the linux source\'s tables, refused with another source as every command refuses it', () => {
    const read = files({ 'n.json': JSON.stringify({ source: 'linux', tables: 'netlink' }), 'd.json': JSON.stringify({ source: 'demo', tables: 'procfs' }) });
    expect(parseAgentArgs([], read, 'linux')?.tables).toBe('auto');
    expect(parseAgentArgs(['--tables', 'procfs'], read, 'linux')).toMatchObject({ source: 'auto', tables: 'procfs' });
    expect(parseAgentArgs(['--tables=procfs', '--source', 'linux'], read, 'win32')).toMatchObject({ source: 'linux', tables: 'procfs' });
    expect(parseAgentArgs(['--config', 'n.json'], read, 'linux')).toMatchObject({ source: 'linux', tables: 'netlink' });
    expect(parseAgentArgs(['--config', 'n.json', '--tables', 'procfs'], read, 'linux')?.tables).toBe('procfs');
    expect(parseAgentArgs(['--tables', 'auto', '--source', 'demo'], read, 'linux')?.tables).toBe('auto');
    expect(err(() => parseAgentArgs(['--tables', 'proc'], read, 'linux'))).toBe('--tables: expected one of auto, netlink, procfs, got "proc"');
    expect(err(() => parseAgentArgs(['--tables'], read, 'linux'))).toBe('--tables needs a value');
    expect(err(() => validateAgentConfig({ tables: 'ss' }, 'n.json'))).toBe('n.json: tables: expected one of auto, netlink, procfs, got "ss"');
    expect(err(() => parseAgentArgs(['--tables', 'procfs', '--source', 'demo'], read, 'linux'))).toBe('--tables procfs applies to the linux source only (this run reads the demo source)');
    expect(err(() => parseAgentArgs(['--tables', 'netlink'], read, 'win32'))).toBe('--tables netlink applies to the linux source only (this run reads the windows source)');
    expect(err(() => parseAgentArgs(['--config', 'd.json'], read, 'linux'))).toBe('--tables procfs applies to the linux source only (this run reads the demo source)');
  });

  it('says once what it reads from, and again when that changes; nothing before a successful poll', () => {
    const status = { source: 'linux-procfs', intervalMs: 200, lastPollAt: 1, lastError: null, countersNote: 'not available with the procfs backend' };
    expect(sourceLine(status)).toBe('netmon agent: reading connections from linux-procfs every 200 ms; per-connection counters: not available with the procfs backend\n');
    expect(sourceLine({ ...status, source: 'linux-netlink', countersNote: null })).toBe('netmon agent: reading connections from linux-netlink every 200 ms\n');
    expect(sourceLine({ ...status, lastPollAt: null })).toBeNull();
    expect(sourceLine({ ...status, lastError: 'EPERM' })).toBeNull();
  });

  it('reads the otlp object and refuses what is not an http(s) endpoint or a clean header', () => {
    expect(otlpConfig({ url: 'http://127.0.0.1:4318/v1/logs', headers: { 'x-tenant': 'ops' } }, 'o')).toEqual({
      url: 'http://127.0.0.1:4318/v1/logs', encoding: 'protobuf', headers: { 'x-tenant': 'ops' }, queueSize: 50_000,
    });
    expect(otlpConfig({ url: 'http://h/v1/logs', encoding: 'json' }, 'o').encoding).toBe('json');
    expect(err(() => otlpConfig({ url: 'http://h/v1/logs', encoding: 'proto' }, 'n.json: otlp'))).toBe('n.json: otlp.encoding: expected one of protobuf, json, got "proto"');
    expect(err(() => otlpConfig({ url: 'ftp://h/v1/logs' }, 'n.json: otlp'))).toMatch(/^n\.json: otlp\.url: expected an http:\/\/ or https:\/\/ URL/);
    expect(err(() => otlpConfig({ url: 'not a url' }, 'o'))).toMatch(/^o\.url: /);
    expect(err(() => otlpConfig({ url: 'http://h', headers: { a: 'x\r\nInjected: 1' } }, 'o'))).toBe('o.headers.a: expected a one-line string, got "x\\r\\nInjected: 1"');
    expect(err(() => otlpConfig({ url: 'http://h', headers: { 'a b': 'x' } }, 'o'))).toBe('o.headers: expected HTTP header names, got "a b"');
    expect(parseAgentArgs(['--otlp', 'https://c:4318/v1/logs'], () => '')?.otlp?.url).toBe('https://c:4318/v1/logs');
    // --otlp replaces the file's URL and keeps its encoding and headers.
    const file = files({ 'n.json': JSON.stringify({ otlp: { url: 'http://a/v1/logs', encoding: 'json', headers: { 'x-t': '1' }, queueSize: 7 } }) });
    expect(parseAgentArgs(['--config', 'n.json', '--otlp', 'http://b/v1/logs'], file)?.otlp).toEqual({ url: 'http://b/v1/logs', encoding: 'json', headers: { 'x-t': '1' }, queueSize: 7 });
  });

  it('--syslog and --syslog-ca-file replace only their settings; a CA file is for tls:// only', () => {
    const file = files({ 'n.json': JSON.stringify({ syslog: { url: 'tls://siem:6514', caFile: '/a.pem', facility: 3, appName: 'edge', queueSize: 9 } }) });
    const rest = { facility: 3, appName: 'edge', queueSize: 9 };
    expect(parseAgentArgs(['--config', 'n.json', '--syslog-ca-file', '/b.pem'], file)?.syslog).toEqual({ target: { protocol: 'tls', host: 'siem', port: 6514 }, caFile: '/b.pem', ...rest });
    expect(parseAgentArgs(['--config', 'n.json', '--syslog', 'tls://[::1]:7514'], file)?.syslog).toEqual({ target: { protocol: 'tls', host: '::1', port: 7514 }, caFile: '/a.pem', ...rest });
    expect(parseAgentArgs(['--syslog', 'tls://127.0.0.1:6514', '--syslog-ca-file', '/c.pem'], () => '')?.syslog).toMatchObject({ target: { protocol: 'tls', host: '127.0.0.1', port: 6514 }, caFile: '/c.pem', facility: 16 });
    expect(parseAgentArgs(['--syslog', 'tls://127.0.0.1:6514'], () => '')?.syslog?.caFile).toBeNull();
    expect(err(() => parseAgentArgs(['--syslog-ca-file', '/c.pem'], () => ''))).toBe('--syslog-ca-file needs --syslog tls://HOST:PORT (or syslog in the config file)');
    expect(err(() => parseAgentArgs(['--syslog', 'tcp://h:514', '--syslog-ca-file', '/c.pem'], () => ''))).toBe('--syslog-ca-file: a CA file is for a tls:// receiver, not tcp://h:514');
    expect(err(() => parseAgentArgs(['--config', 'n.json', '--syslog', 'tcp://h:514'], file))).toBe(
      '--syslog.caFile: expected no CA file for a tcp:// receiver (a CA file is for tls://), got "/a.pem"',
    );
    expect(err(() => validateAgentConfig({ syslog: { url: 'tcp://h:514', caFile: '/a.pem' } }, 'n.json'))).toMatch(/^n\.json: syslog\.caFile: expected no CA file/);
  });

  it('runAgent: exit 2 with the message for a bad config or token, 0 with the help', async () => {
    const run = async (argv: string[], map: Record<string, string>) => {
      let err = '';
      let out = '';
      const code = await runAgent(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), stop: AbortSignal.abort(), readFile: files(map) });
      return { code, err, out };
    };
    expect(await run(['--config', 'n.json'], { 'n.json': '{"metrics":{"tokenFile":"/t","listen":"x"}}' })).toEqual({
      code: 2, out: '', err: 'netmon: n.json: metrics.listen: expected "HOST:PORT" (e.g. "127.0.0.1:9464" or "[::1]:9464"), got "x"\nRun `netmon agent --help` for usage.\n',
    });
    expect((await run(['--metrics', '127.0.0.1:0', '--metrics-token-file', '/t'], { '/t': 'short\n' })).err).toBe(
      'netmon: metrics token file: /t: token must be at least 16 URL-safe characters (A-Z a-z 0-9 _ -)\nRun `netmon agent --help` for usage.\n',
    );
    expect(await run(['--tables', 'procfs', '--source', 'demo', '--otlp', 'http://127.0.0.1:1/v1/logs'], {})).toEqual({
      code: 2, out: '', err: 'netmon: --tables procfs applies to the linux source only (this run reads the demo source)\nRun `netmon agent --help` for usage.\n',
    });
    const help = await run(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--metrics-token-file FILE/);
    expect(help.out).toMatch(/\[--source KIND\] \[--tables MODE\]/);
    expect(help.out).toMatch(/ {2}--tables MODE {14}Linux: where the tables come from: auto /);
  });
  it('a value nested deeper than JSON.stringify can go, or megabytes long, is refused naming its key with a short excerpt', async () => {
    // Before: the excerpt was JSON.stringify of the whole value, which threw RangeError (stack
    // overflow) out of the parser — "netmon: unexpected error" with a stack, exit 1 — or echoed it whole.
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(err(() => validateAgentConfig({ metrics: JSON.parse(nested) }, 'n.json'))).toBe(`n.json: metrics: expected an object, got ${'['.repeat(57)}...`);
    expect(err(() => parseAgentArgs(['--config', 'n.json'], files({ 'n.json': `{"otlp":{"url":${nested}}}` })))).toMatch(/^n\.json: otlp\.url: expected an http:\/\/ .*, got \[{57}\.\.\.$/);
    expect(err(() => validateAgentConfig({ syslog: { url: 'tcp://h:514', appName: 'a'.repeat(5_000_000) } }, 'n.json'))).toBe(
      `n.json: syslog.appName: expected 1-48 printable ASCII characters without spaces (RFC 5424 APP-NAME), got "${'a'.repeat(56)}...`,
    );
    // A filter past the length limit is quoted up to the limit, not whole.
    const long = err(() => validateAgentConfig({ filter: 'x'.repeat(1_000_000) }, 'n.json'));
    expect(long).toMatch(/^n\.json: filter: filter too long: 1000000 characters, at most 4096/);
    expect(long.length).toBeLessThan(4300);
    let stderr = '';
    const code = await runAgent(['--config', 'n.json'], { stdout: () => {}, stderr: (t) => (stderr += t), stop: AbortSignal.abort(), readFile: files({ 'n.json': `{"metrics":${nested}}` }) });
    expect({ code, stderr }).toEqual({ code: 2, stderr: `netmon: n.json: metrics: expected an object, got ${'['.repeat(57)}...\nRun \`netmon agent --help\` for usage.\n` });
  });
  it('any JSON a config file can hold gives a config or an AgentConfigError, never another error (seeded fuzz)', () => {
    const rand = prng(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const KEYS = ['source', 'intervalMs', 'filter', 'metrics', 'syslog', 'otlp', 'listen', 'tokenFile', 'allowRemote', 'topProcesses', 'url', 'caFile', 'facility', 'appName', 'queueSize', 'encoding', 'headers', '__proto__', 'constructor', 'toString', 'x-tenant'];
    const LEAVES = [0, -1, 1.5, 2 ** 53, 1e308, '', 'demo', 'state:estab (', '127.0.0.1:9464', '[::1]:0', 'tcp://h:514', 'tls://[::1]:6514', 'http://127.0.0.1:4318/v1/logs', 'json', '\u0000', 'a\r\nb', 'x'.repeat(300), true, false, null];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 4 || r < 0.35) return pick(LEAVES);
      if (r < 0.5) return Array.from({ length: Math.floor(rand() * 3) }, () => value(depth + 1));
      return JSON.parse(`{${KEYS.filter(() => rand() < 0.3).map((k) => `${JSON.stringify(k)}:${JSON.stringify(value(depth + 1))}`).join(',')}}`) as unknown;
    };
    for (let i = 0; i < 600; i++) {
      const v = value(0);
      try {
        validateAgentConfig(v, 'n.json');
      } catch (e) {
        if (!(e instanceof AgentConfigError)) throw new Error(`${(e as Error).name} for ${JSON.stringify(v)}: ${(e as Error).message}`, { cause: e });
        expect((e as Error).message.length).toBeLessThan(600);
      }
    }
  });
});
