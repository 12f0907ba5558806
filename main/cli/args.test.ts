import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from '../../shared/connection';
import { MAIN_HELP, SNAPSHOT_HELP, WATCH_HELP } from './help';
import { parseCommandLine, parseSize, UsageError, type Command } from './args';

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be rejected`);
}

function watch(argv: string[]) {
  const c: Command = parseCommandLine(['watch', ...argv]);
  if (c.kind !== 'watch') throw new Error(`expected watch, got ${c.kind}`);
  return c.options;
}

const listenRow: Omit<Connection, 'id'> = {
  protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 22, remoteAddress: '0.0.0.0', remotePort: 0,
  state: 'LISTEN', pid: 1, process: 'sshd',
};
const listen: Connection = { id: connectionKey(listenRow), ...listenRow };

describe('parseCommandLine', () => {
  it('snapshot defaults and output choices', () => {
    expect(parseCommandLine(['snapshot'])).toEqual({ kind: 'snapshot', options: { output: 'table', filter: null, traffic: false, source: 'auto', tables: null, baseline: null, sort: null, warmUpMs: null } });
    const j = parseCommandLine(['snapshot', '--json', '--source', 'demo']);
    expect(j.kind === 'snapshot' && j.options).toMatchObject({ output: 'json', source: 'demo' });
    const c = parseCommandLine(['snapshot', '--csv', '--source=linux']);
    expect(c.kind === 'snapshot' && c.options).toMatchObject({ output: 'csv', source: 'linux' });
  });

  it('compiles the filter, including a negated one given as the next argument', () => {
    const c = parseCommandLine(['snapshot', '--filter', '-state:listen']);
    if (c.kind !== 'snapshot' || !c.options.filter) throw new Error('no filter');
    expect(c.options.filter.match(listen)).toBe(false);
    expect(c.options.filter.match({ ...listen, state: 'ESTABLISHED' })).toBe(true);
    const w = watch(['-f', 'port:22']);
    expect(w.filter?.source).toBe('port:22');
  });

  it('watch defaults', () => {
    expect(watch([])).toEqual({
      json: false, intervalMs: 1000, filter: null, source: 'auto', tables: null, initial: false, utc: false, date: false, quiet: false, record: null, baseline: null, traffic: false,
    });
  });

  it('ports and baseline commands, and --baseline on snapshot and watch', () => {
    expect(parseCommandLine(['ports'])).toEqual({
      kind: 'ports',
      options: { json: false, thresholdPercent: 80, trendSeconds: 0, check: false, filter: null, source: 'auto', tables: null, warmUpMs: null },
    });
    const p = parseCommandLine(['ports', '--json', '--threshold', '90', '--trend', '30', '--check']);
    expect(p.kind === 'ports' && p.options).toMatchObject({ json: true, thresholdPercent: 90, trendSeconds: 30, check: true });
    expect(() => parseCommandLine(['ports', '--threshold', '0'])).toThrow('bad --threshold "0": expected a whole number from 1 to 100');
    expect(() => parseCommandLine(['ports', '--trend', '601'])).toThrow('bad --trend "601": expected a whole number from 1 to 600');
    expect(parseCommandLine(['baseline', 'save', 'b.json', '--source', 'demo'])).toEqual({
      kind: 'baseline-save',
      options: { file: 'b.json', filter: null, source: 'demo', tables: null, warmUpMs: null },
    });
    expect(() => parseCommandLine(['baseline', 'save'])).toThrow('baseline save needs a FILE to write');
    expect(() => parseCommandLine(['baseline', 'load', 'x'])).toThrow('unknown baseline action "load": expected save');
    expect(parseCommandLine(['baseline']).kind).toBe('help');
    const s = parseCommandLine(['snapshot', '--baseline', 'b.json']);
    expect(s.kind === 'snapshot' && s.options.baseline).toBe('b.json');
    expect(watch(['--baseline', 'b.json']).baseline).toBe('b.json');
    expect(() => parseCommandLine(['snapshot', '--baseline='])).toThrow(/--baseline needs a file name/);
  });

  it('watch with a recording', () => {
    const w = watch(['--json', '--interval', '200', '--initial', '-o', 'rec.csv', '--format', 'csv', '--max-size', '64K', '--max-files=3', '-q']);
    expect(w).toMatchObject({ json: true, intervalMs: 200, initial: true, quiet: true });
    expect(w.record).toEqual({ path: 'rec.csv', format: 'csv', maxBytes: 65536, maxFiles: 3 });
    expect(watch(['--output', 'r.ndjson']).record).toEqual({ path: 'r.ndjson', format: 'ndjson', maxBytes: 10 * 1024 * 1024, maxFiles: 5 });
  });

  it('help and version', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help', text: MAIN_HELP });
    expect(parseCommandLine(['help'])).toEqual({ kind: 'help', text: MAIN_HELP });
    expect(parseCommandLine(['help', 'watch'])).toEqual({ kind: 'help', text: WATCH_HELP });
    expect(parseCommandLine(['snapshot', '-h'])).toEqual({ kind: 'help', text: SNAPSHOT_HELP });
    expect(parseCommandLine(['watch', '--help', '--json'])).toEqual({ kind: 'help', text: WATCH_HELP });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(WATCH_HELP).toMatch(/--initial/);
  });

  it('serve passes its arguments through untouched', () => {
    expect(parseCommandLine(['serve', '--port', '0', '--whatever'])).toEqual({ kind: 'serve', argv: ['--port', '0', '--whatever'] });
    expect(parseCommandLine(['help', 'serve'])).toEqual({ kind: 'serve', argv: ['--help'] });
  });
});

describe('options and operands in any order (every command)', () => {
  const replay = (argv: string[]) => {
    const c = parseCommandLine(['replay', ...argv]);
    if (c.kind !== 'replay') throw new Error(`expected replay, got ${c.kind}`);
    return c.options;
  };
  it('replay: files before, after and between the options', () => {
    const want = { files: ['a.ndjson', 'b.csv'], output: 'json', utc: true, date: false };
    expect(replay(['a.ndjson', 'b.csv', '--json', '--utc'])).toMatchObject(want);
    expect(replay(['--json', 'a.ndjson', 'b.csv', '--utc'])).toMatchObject(want);
    expect(replay(['--json', '--utc', 'a.ndjson', 'b.csv'])).toMatchObject(want);
    expect(replay(['a.ndjson', '--json', 'b.csv', '--utc'])).toMatchObject(want);
    // An option's value is never taken for a file, even one that looks like an option.
    const f = replay(['--filter', '-state:listen', 'a.ndjson']);
    expect(f.files).toEqual(['a.ndjson']);
    expect(f.filter?.source).toBe('-state:listen');
    // `--` ends the options: a file whose name starts with a dash.
    expect(replay(['--csv', '--', '-odd.ndjson', '--json']).files).toEqual(['-odd.ndjson', '--json']);
    expect(replay(['--csv', '--', '-odd.ndjson']).output).toBe('csv');
  });

  it('baseline save: FILE before or after the options', () => {
    const want = { kind: 'baseline-save', options: { file: 'b.json', filter: null, source: 'demo', tables: null, warmUpMs: null } };
    expect(parseCommandLine(['baseline', 'save', 'b.json', '--source', 'demo'])).toEqual(want);
    expect(parseCommandLine(['baseline', 'save', '--source', 'demo', 'b.json'])).toEqual(want);
    expect(parseCommandLine(['baseline', 'save', '--source=demo', '--', 'b.json'])).toEqual(want);
    expect(parseCommandLine(['baseline', '--source', 'demo', 'save', 'b.json'])).toEqual(want);
    expect(() => parseCommandLine(['baseline', '--source', 'demo'])).toThrow('baseline needs an action: save FILE');
    expect(() => parseCommandLine(['baseline', 'save', '--source', 'demo'])).toThrow('baseline save needs a FILE to write');
    expect(() => parseCommandLine(['baseline', 'save', 'a.json', 'b.json'])).toThrow('unexpected argument "b.json" for "baseline"');
  });

  it('commands without operands take their options in any order and refuse a stray word wherever it stands', () => {
    const a = parseCommandLine(['snapshot', '--json', '--source', 'demo', '--filter', 'port:443']);
    const b = parseCommandLine(['snapshot', '--filter', 'port:443', '--source', 'demo', '--json']);
    expect(a.kind === 'snapshot' && b.kind === 'snapshot' && [a.options.output, a.options.source, b.options.output, b.options.source]).toEqual(['json', 'demo', 'json', 'demo']);
    for (const cmd of ['snapshot', 'watch', 'ports', 'top']) {
      expect(() => parseCommandLine([cmd, '--json', 'extra'])).toThrow(`unexpected argument "extra" for "${cmd}"`);
      expect(() => parseCommandLine([cmd, 'extra', '--json'])).toThrow(`unexpected argument "extra" for "${cmd}"`);
    }
  });
});

describe('usage errors (exit code 2) say what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [[], /no command given/],
    [['snap'], /unknown command "snap"/],
    [['--json'], /expected a command before --json/],
    [['help', 'nope'], /unknown command "nope"/],
    [['snapshot', '--jsno'], /unknown option --jsno/],
    [['snapshot', '--interval', '5'], /bad --interval "5": expected a whole number from 100 to 60000/],
    [['snapshot', '--intervals', '5'], /unknown option --intervals for "snapshot" \(did you mean --interval\?\)/],
    [['watch', '--inter', '5'], /did you mean --interval/],
    [['snapshot', '-x'], /unknown option -x/],
    [['snapshot', 'extra'], /unexpected argument "extra"/],
    [['snapshot', '--filter'], /--filter needs a value/],
    [['snapshot', '--json=yes'], /--json takes no value/],
    [['snapshot', '--json', '--json'], /more than once/],
    [['snapshot', '--json', '--csv'], /cannot be combined/],
    [['snapshot', '--source', 'mac'], /bad --source "mac": expected one of auto, linux, windows, demo$/],
    [['watch', '--interval', '10'], /bad --interval "10": expected a whole number from 100 to 60000/],
    [['watch', '--interval', 'fast'], /bad --interval "fast"/],
    [['watch', '--format', 'csv'], /--format only applies to a recording/],
    [['watch', '--max-files', '2'], /--max-files only applies/],
    [['watch', '-o', 'x', '--format', 'xml'], /bad --format "xml"/],
    [['watch', '-o', 'x', '--max-size', 'lots'], /bad --max-size "lots"/],
    [['watch', '-o', 'x', '--max-files', '0'], /bad --max-files "0"/],
    [['watch', '-o', ''], /--output needs a file name/],
    [['watch', '--quiet'], /--quiet without --output/],
  ];
  it.each(cases)('%j', (argv, re) => {
    const e = usageError(argv);
    expect(e.message).toMatch(re);
    expect(e.exitCode).toBe(2);
  });

  it('a bad filter shows the expression with a caret under the fault', () => {
    const e = usageError(['watch', '--filter', 'state:listen colour:red']);
    expect(e.message.split('\n')).toEqual([
      expect.stringMatching(/^bad --filter: unknown key "colour:"/),
      '  state:listen colour:red',
      '               ^^^^^^',
    ]);
    expect(usageError(['snapshot', '--filter', 'port:70000']).message).toMatch(/bad port 70000/);
  });
});

describe('parseSize', () => {
  it.each([
    ['1048576', 1048576],
    ['512K', 512 * 1024],
    ['10M', 10 * 1024 * 1024],
    ['10MiB', 10 * 1024 * 1024],
    ['1g', 1024 ** 3],
    ['2kb', 2048],
  ])('%s → %d', (s, n) => expect(parseSize(s)).toBe(n));
  it.each(['', '0', '-5', '1.5M', '10X', 'M'])('%j is rejected', (s) => expect(parseSize(s)).toBeNull());
});

describe('a misspelled filter operator or unit, as the CLI shows it', () => {
  const shown = (argv: string[]): string => {
    try {
      parseCommandLine(argv);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`${argv.join(' ')} parsed`);
  };

  it('the caret is under the operator, not the value', () => {
    expect(shown(['snapshot', '--filter', 'state:estab sent=>1M'])).toContain(
      'reversed operator "=>": write sent>=1M\n  state:estab sent=>1M\n                  ^^',
    );
  });

  it('the caret is under the part after the rate', () => {
    expect(shown(['watch', '--filter', 'rate>1M/h'])).toContain('only "/s" may follow it, not "/h" (write 1M or 1M/s)\n  rate>1M/h\n         ^^');
  });
});
