// Traffic in the one-shot and streaming commands' output (issue 11): snapshot's text table shows
// the traffic columns when it sorts or filters by them (or --traffic asks); a source without
// counters is said on stderr by every command whose filter or sort reads them; --tables picks the
// Linux backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTION_JSON_FIELDS } from '../../shared/connection';
import { tableFromSpecs, type RowSpec } from '../model/build';
import type { RowTable } from '../model/rows';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import type { ConnectionSource } from '../source/types';
import { parseCommandLine } from './args';
import type { CliIo, SourceOptions } from './io';
import { main } from './main';
import { trafficScript } from './traffic-fixture';

// Port 3 has retransmitted twice; the listener and the UDP socket have no counters.
const SCRIPT: ScriptStep[] = trafficScript(2);

/** The same rows as the procfs backend gives them: no counters, and the note saying why. */
function noCounters(specs: RowSpec[]): RowTable {
  const t = tableFromSpecs(specs.map(({ counters: _c, ...s }) => s));
  t.countersNote = 'not available with the procfs backend';
  return t;
}
const NO_COUNTERS: ScriptStep[] = [noCounters(SCRIPT[0] as RowSpec[]), noCounters(SCRIPT[1] as RowSpec[])];
const NOTE = 'netmon: per-connection counters: not available with the procfs backend\n';

interface Run {
  code: number;
  out: string;
  err: string;
  /** The options each createSource call got. */
  created: (SourceOptions | undefined)[];
}

/** Runs `argv`; `watch` is stopped after `polls` reads of the script. */
async function run(argv: string[], script: ScriptStep[], opts: { polls?: number; platform?: NodeJS.Platform } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const created: (SourceOptions | undefined)[] = [];
  const ac = new AbortController();
  let reads = 0;
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    createSource: (_kind, o): ConnectionSource => {
      created.push(o);
      const s = createScriptedSource(script, { processes: { 10: 'curl', 20: 'sshd' } });
      const read = s.read.bind(s);
      s.read = () => {
        if (opts.polls !== undefined && ++reads === opts.polls + 1) ac.abort();
        return read();
      };
      return s;
    },
    stop: ac.signal,
    platform: opts.platform,
  };
  const timer = setTimeout(() => ac.abort(), 5000);
  const code = await main(argv, io);
  clearTimeout(timer);
  return { code, out, err, created };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempFile = (name: string): string => {
  const d = mkdtempSync(join(tmpdir(), 'netmon-traffic-out-'));
  dirs.push(d);
  return join(d, name);
};

/** The text table's lines split into cells (two or more blanks apart). */
const cells = (out: string): string[][] => out.trimEnd().split('\n').map((l) => l.trim().split(/ {2,}/));
const TRAFFIC_HEADER = ['SEND/S', 'RECV/S', 'SENT', 'RECEIVED', 'RTT', 'RETRANS', 'LIMITED', 'PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PID', 'PROCESS'];
const PLAIN_HEADER = ['PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PID', 'PROCESS'];

describe('snapshot text shows the traffic it sorts or filters by', () => {
  it('--sort rate: the traffic columns as top prints them, busiest first, with the rates of two polls', async () => {
    const r = await run(['snapshot', '--sort', 'rate', '-i', '100'], SCRIPT);
    expect([r.code, r.err]).toEqual([0, '']);
    const t = cells(r.out);
    expect(t[0]).toEqual(TRAFFIC_HEADER);
    expect(t.slice(1).map((c) => c[8])).toEqual(['10.0.0.1:1', '10.0.0.1:2', '10.0.0.1:3', '10.0.0.1:4', '0.0.0.0:5353']);
    // Port 1: 60,000 B sent over ~0.1 s; its totals, RTT, retransmits; the listener and UDP show —.
    expect(t[1][0]).toMatch(/^\d+(\.\d+)? KiB\/s$/);
    expect(t[1].slice(2, 7)).toEqual(['58.6 KiB', '19.5 KiB', '1.5 ms', '0', '—']);
    expect(t[3].slice(2, 6)).toEqual(['10 B', '10 B', '1.5 ms', '2']);
    expect(t[4].slice(0, 7)).toEqual(['—', '—', '—', '—', '—', '—', '—']);
    expect(t[5].slice(0, 8)).toEqual(['—', '—', '—', '—', '—', '—', '—', 'udp']);
  });

  it('--sort bytes and traffic filters show them too, and poll twice so the rates are known', async () => {
    const bytes = await run(['snapshot', '--sort', 'bytes', '-i', '100'], SCRIPT);
    const t = cells(bytes.out);
    expect(t[0]).toEqual(TRAFFIC_HEADER);
    expect(t.slice(1, 3).map((c) => [c[8], c[2]])).toEqual([['10.0.0.1:2', '4.77 MiB'], ['10.0.0.1:1', '58.6 KiB']]);
    expect(t[1][0]).toMatch(/KiB\/s$/); // second poll: a rate, not —
    for (const filter of ['retrans>0', 'sent>1M', 'rtt>1ms', 'recv>0', 'limited:app', 'rate>100k']) {
      const r = await run(['snapshot', '--filter', filter, '-i', '100'], SCRIPT);
      expect([filter, cells(r.out)[0]]).toEqual([filter, TRAFFIC_HEADER]);
    }
    expect(parseCommandLine(['snapshot', '--filter', 'retrans>0'])).toMatchObject({ options: { traffic: true, warmUpMs: 1000 } });
    expect(parseCommandLine(['snapshot', '--sort', 'bytes'])).toMatchObject({ options: { traffic: true, warmUpMs: 1000 } });
  });

  it('--traffic asks for them without sorting or filtering; without any of these the table is as before', async () => {
    const asked = await run(['snapshot', '--traffic', '-i', '100'], SCRIPT);
    const t = cells(asked.out);
    expect(t[0]).toEqual(TRAFFIC_HEADER);
    expect(t.slice(1).map((c) => c[8])).toEqual(['10.0.0.1:1', '10.0.0.1:2', '10.0.0.1:3', '10.0.0.1:4', '0.0.0.0:5353']); // the usual order
    expect(t[1][0]).toMatch(/KiB\/s$/);
    expect(parseCommandLine(['snapshot', '--traffic'])).toMatchObject({ options: { traffic: true, warmUpMs: 1000 } });
    const plain = await run(['snapshot', '--filter', 'port:1,2'], SCRIPT);
    expect(cells(plain.out)[0]).toEqual(PLAIN_HEADER);
    expect(parseCommandLine(['snapshot', '--filter', 'port:1'])).toMatchObject({ options: { traffic: false, warmUpMs: null } });
  });

  it('JSON and CSV keep their fields; only --traffic (or a rate) makes them poll twice', async () => {
    for (const argv of [['--json'], ['--json', '--traffic'], ['--json', '--sort', 'bytes'], ['--json', '--filter', 'retrans>0']]) {
      const r = await run(['snapshot', ...argv, '-i', '100'], SCRIPT);
      const first = JSON.parse(r.out.split('\n')[0]) as Record<string, unknown>;
      expect(Object.keys(first)).toEqual([...CONNECTION_JSON_FIELDS]);
    }
    const csv = await run(['snapshot', '--csv', '--traffic', '-i', '100'], SCRIPT);
    expect(csv.out.split('\r\n')[0]).toBe(CONNECTION_JSON_FIELDS.join(','));
    expect(parseCommandLine(['snapshot', '--json', '--sort', 'bytes'])).toMatchObject({ options: { warmUpMs: null } });
    expect(parseCommandLine(['snapshot', '--csv', '--filter', 'sent>1M'])).toMatchObject({ options: { warmUpMs: null } });
    expect(parseCommandLine(['snapshot', '--json', '--traffic'])).toMatchObject({ options: { warmUpMs: 1000 } });
    const withRates = await run(['snapshot', '--json', '--traffic', '-i', '100'], SCRIPT);
    expect((JSON.parse(withRates.out.split('\n')[0]) as { sendRate: number }).sendRate).toBeGreaterThan(60_000 / 0.1 / 2);
  });
});

describe('a source without counters is said whenever the filter or sort reads traffic', () => {
  it('snapshot: a traffic filter, --sort and --traffic say it; exit 0 as top', async () => {
    for (const argv of [['--filter', 'rate>1'], ['--sort', 'rate'], ['--sort', 'bytes'], ['--filter', 'sent>0'], ['--traffic'], ['--json', '--filter', 'rate>1']]) {
      const r = await run(['snapshot', ...argv, '-i', '100'], NO_COUNTERS);
      expect([argv, r.code, r.err]).toEqual([argv, 0, NOTE]);
    }
    const empty = await run(['snapshot', '--filter', 'rate>1', '-i', '100'], NO_COUNTERS);
    expect(empty.out.trimEnd().split('\n')).toHaveLength(1); // the header: nothing can match
    const top = await run(['top', '-i', '100'], NO_COUNTERS);
    expect([top.code, top.err]).toEqual([0, NOTE]);
  });

  it('snapshot without traffic terms says nothing (JSON carries the nulls as always)', async () => {
    for (const argv of [[], ['--json'], ['--filter', 'port:1']]) {
      const r = await run(['snapshot', ...argv], NO_COUNTERS);
      expect([argv, r.code, r.err]).toEqual([argv, 0, '']);
    }
  });

  it('ports and baseline save with a traffic filter say it; without one, nothing', async () => {
    const ports = await run(['ports', '--filter', 'rate>1', '-i', '100'], NO_COUNTERS);
    expect([ports.code, ports.err]).toEqual([0, NOTE]);
    const plainPorts = await run(['ports'], NO_COUNTERS);
    expect(plainPorts.err).toBe('');
    const file = tempFile('b.json');
    const saved = await run(['baseline', 'save', file, '--filter', 'sent>1k'], NO_COUNTERS);
    expect(saved.code).toBe(0);
    expect(saved.err.split(/(?<=\n)/)[0]).toBe(NOTE);
    const plainSaved = await run(['baseline', 'save', file], NO_COUNTERS);
    expect(plainSaved.err).not.toContain('counters');
  });

  it('watch with a traffic filter says it once; without one, nothing', async () => {
    const w = await run(['watch', '-i', '100', '--filter', 'rate>1'], NO_COUNTERS, { polls: 3 });
    expect(w.code).toBe(0);
    expect(w.err.split('\n').filter((l) => l.includes('counters'))).toEqual([NOTE.trimEnd()]);
    const plain = await run(['watch', '-i', '100', '--filter', 'port:1'], NO_COUNTERS, { polls: 2 });
    expect(plain.err).not.toContain('counters');
    const withCounters = await run(['watch', '-i', '100', '--filter', 'rate>1'], SCRIPT, { polls: 2 });
    expect(withCounters.err).not.toContain('counters');
  });
});

describe('a source that left connections beyond its cap (Windows EStats) says so where traffic is read', () => {
  /** SCRIPT's rows with their counters, and a scope saying `beyondCap` connections were left unread. */
  const scoped = (beyondCap: number): ScriptStep[] =>
    SCRIPT.map((step) => {
      const t = tableFromSpecs(step as RowSpec[]);
      t.countersScope = { states: ['ESTABLISHED', 'CLOSE-WAIT'], cap: 2000, beyondCap };
      return t;
    });
  const CAP = 'netmon: per-connection counters: read for at most 2,000 connections a poll; the connections beyond that show — until a read one closes\n';

  it('snapshot --traffic and top say it on stderr (exit 0); under the cap, or without traffic terms, nothing', async () => {
    for (const argv of [['snapshot', '--traffic'], ['top']]) {
      const r = await run([...argv, '-i', '100'], scoped(5));
      expect([argv, r.code, r.err]).toEqual([argv, 0, CAP]);
      const room = await run([...argv, '-i', '100'], scoped(0));
      expect([argv, room.err]).toEqual([argv, '']);
    }
    expect((await run(['snapshot'], scoped(5))).err).toBe('');
  });

  it('watch says it once however the count moves', async () => {
    const steps = scoped(5);
    (steps[1] as RowTable).countersScope!.beyondCap = 9;
    const w = await run(['watch', '-i', '100', '--filter', 'rate>1'], steps, { polls: 3 });
    expect(w.err.split(/(?<=\n)/).filter((l) => l.includes('counters'))).toEqual([CAP]);
  });
});

describe('--tables auto|netlink|procfs', () => {
  const COMMANDS: string[][] = [['snapshot'], ['watch'], ['ports'], ['top'], ['baseline', 'save', 'f.json']];

  it('every command that reads the table takes it; a bad value is refused', () => {
    for (const cmd of COMMANDS) {
      expect(parseCommandLine([...cmd, '--tables', 'procfs'])).toMatchObject({ options: { tables: 'procfs' } });
      expect(parseCommandLine([...cmd])).toMatchObject({ options: { tables: null } });
      expect(() => parseCommandLine([...cmd, '--tables', 'ss'])).toThrow('bad --tables "ss": expected auto, netlink or procfs');
    }
  });

  it('reaches the source, for one-shot commands and watch', async () => {
    const snap = await run(['snapshot', '--source', 'linux', '--tables', 'procfs'], SCRIPT);
    expect([snap.code, snap.created]).toEqual([0, [{ tables: 'procfs' }]]);
    const top = await run(['top', '--tables', 'netlink', '-i', '100'], SCRIPT, { platform: 'linux' });
    expect([top.code, top.created]).toEqual([0, [{ tables: 'netlink' }]]);
    const w = await run(['watch', '-i', '100', '--tables', 'procfs'], SCRIPT, { polls: 1, platform: 'linux' });
    expect([w.code, w.created]).toEqual([0, [{ tables: 'procfs' }]]);
    const none = await run(['snapshot', '--source', 'linux'], SCRIPT);
    expect(none.created).toEqual([{ tables: null }]);
  });

  it('is Linux only: refused (exit 2, before reading) with another source; auto is the default everywhere', async () => {
    for (const [argv, platform] of [
      [['snapshot', '--source', 'demo', '--tables', 'procfs'], 'linux'],
      [['ports', '--source', 'windows', '--tables', 'netlink'], 'linux'],
      [['watch', '--tables', 'procfs'], 'win32'],
    ] as const) {
      const r = await run([...argv], SCRIPT, { platform });
      expect([r.code, r.created]).toEqual([2, []]);
      expect(r.err).toMatch(/^netmon: --tables (procfs|netlink) applies to the linux source only \(this run reads the (demo|windows) source\)\n/);
    }
    const auto = await run(['snapshot', '--source', 'demo', '--tables', 'auto'], SCRIPT);
    expect(auto.code).toBe(0);
  });
});

describe('watch and replay text lines show the traffic their filter reads, or --traffic asks for', () => {
  const TRAFFIC_END = / {2}\(send\/s [^,]+, recv\/s [^,]+, sent [^,]+, received [^,]+, rtt [^,]+, retrans [^,]+, limited [^,)]+\)$/;

  it('watch --filter rate>…: the MATCHED line ends with the rate it matched by', async () => {
    const w = await run(['watch', '-i', '100', '--utc', '--filter', 'rate>100k'], SCRIPT, { polls: 2 });
    const lines = w.out.trimEnd().split('\n');
    // The run stops at the script's third read, which is still shown: the table then stands still,
    // so the rate falls to 0 and the connection it reported leaves the filter (UNMATCHED).
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z MATCHED tcp 10\.0\.0\.1:1→10\.0\.0\.9:443 ESTABLISHED pid 10 curl {2}\(send\/s \d+(\.\d+)? KiB\/s, recv\/s \d+(\.\d+)? KiB\/s, sent 58\.6 KiB, received 19\.5 KiB, rtt 1\.5 ms, retrans 0, limited —\)$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z UNMATCHED tcp 10\.0\.0\.1:1→10\.0\.0\.9:443 ESTABLISHED pid 10 curl {2}\(send\/s 0 B\/s, recv\/s 0 B\/s, sent 58\.6 KiB, received 19\.5 KiB, rtt 1\.5 ms, retrans 0, limited —\)$/);
    expect(parseCommandLine(['watch', '--filter', 'rtt>1ms'])).toMatchObject({ options: { traffic: true } });
  });

  it('watch --traffic without a traffic filter; neither: the line as before', async () => {
    const asked = await run(['watch', '-i', '100', '--initial', '--traffic', '--filter', 'proto:udp'], SCRIPT, { polls: 1 });
    expect(asked.out.trimEnd().split('\n')).toEqual([expect.stringMatching(/ OPENED {2}udp 0\.0\.0\.0:5353→\*:\* — pid 20 sshd {2}\(send\/s —, recv\/s —, sent —, received —, rtt —, retrans —, limited —\)$/)]);
    const plain = await run(['watch', '-i', '100', '--initial', '--filter', 'lport:1'], SCRIPT, { polls: 1 });
    expect(plain.out.trimEnd().split('\n')).toEqual([expect.stringMatching(/ OPENED {2}tcp 10\.0\.0\.1:1→10\.0\.0\.9:443 ESTABLISHED pid 10 curl$/)]);
    expect(parseCommandLine(['watch', '--filter', 'lport:1'])).toMatchObject({ options: { traffic: false } });
    // JSON events carry every field already; --traffic changes nothing there.
    const json = await run(['watch', '-i', '100', '--initial', '--json', '--traffic', '--filter', 'lport:1'], SCRIPT, { polls: 1 });
    expect(JSON.parse(json.out)).toMatchObject({ type: 'opened', connection: { localPort: 1, bytesSent: 0 } });
  });

  it('replay: the same rule on recorded events', async () => {
    const file = tempFile('rec.ndjson');
    const rec = await run(['watch', '-i', '100', '--initial', '--quiet', '--output', file], SCRIPT, { polls: 2 });
    expect(rec.code).toBe(0);
    const busy = await run(['replay', file, '--filter', 'sent>50k'], []);
    const lines = busy.out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(TRAFFIC_END);
    expect(lines.some((l) => / sent 4\.77 MiB, /.test(l))).toBe(true);
    const plain = await run(['replay', file, '--filter', 'lport:2'], []);
    expect(plain.out).not.toContain('send/s');
    const asked = await run(['replay', file, '--traffic', '--filter', 'lport:2'], []);
    for (const l of asked.out.trimEnd().split('\n')) expect(l).toMatch(TRAFFIC_END);
  });
});
