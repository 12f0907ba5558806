// The utility-process adapter with a stand-in UtilityProcess: requests made before 'spawn' are
// queued, messages and exits pass through, terminate() kills and waits (bounded).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { utilityProcessSpawner, withFallback, type UtilityProcessLike } from '../../main/electron/engine-process';
import type { EngineChild } from '../../main/engine/host';
import { decodeEngineConfigArg, serveUtility } from '../../main/engine/child-port';
import type { WorkerConfig } from '../../main/engine/protocol';
import type { HistorySeed } from '../../main/engine/history';
import type { WorkerRequest } from '../../main/engine/protocol';

function fakeApi(opts: { exitOnKill?: boolean } = {}) {
  const made: { modulePath: string; args: string[]; options: unknown; proc: EventEmitter & UtilityProcessLike; posted: unknown[]; killed: number }[] = [];
  return {
    made,
    fork(modulePath: string, args: string[], options: { serviceName: string; stdio: 'inherit' | 'ignore'; env: NodeJS.ProcessEnv }) {
      const ee = new EventEmitter();
      const rec = { modulePath, args, options, posted: [] as unknown[], killed: 0, proc: ee as EventEmitter & UtilityProcessLike };
      Object.assign(ee, {
        postMessage: (m: unknown) => rec.posted.push(m),
        kill: () => {
          rec.killed++;
          if (opts.exitOnKill !== false) setImmediate(() => ee.emit('exit', 15));
          return true;
        },
      });
      made.push(rec);
      return rec.proc;
    },
  };
}

describe('utilityProcessSpawner', () => {
  it('passes the configuration as one argument and queues requests until the process is up', async () => {
    const api = fakeApi();
    const child = utilityProcessSpawner(api)('/app/dist/main/engine-worker.cjs', { source: 'demo', intervalMs: 500, firstSeq: 7 });
    const m = api.made[0];
    expect(m.modulePath).toBe('/app/dist/main/engine-worker.cjs');
    expect(decodeEngineConfigArg(m.args)).toEqual({ source: 'demo', intervalMs: 500, firstSeq: 7 });
    expect(m.options).toMatchObject({ serviceName: 'netmon engine', stdio: 'inherit' });
    child.postMessage({ id: 1, op: 'getStatus' });
    expect(m.posted).toEqual([]);
    m.proc.emit('spawn');
    expect(m.posted).toEqual([{ id: 1, op: 'getStatus' }]);
    child.postMessage({ id: 2, op: 'history', arg: { since: 3 } });
    expect(m.posted).toHaveLength(2);

    const got: unknown[] = [];
    const exits: number[] = [];
    const errors: string[] = [];
    child.on('message', (msg) => got.push(msg));
    child.on('exit', (code) => exits.push(code));
    child.on('error', (e) => errors.push((e as Error).message));
    m.proc.emit('message', { type: 'response', id: 1, ok: true, value: 1 });
    m.proc.emit('error', 'FatalError', 'v8::Isolate');
    expect(got).toEqual([{ type: 'response', id: 1, ok: true, value: 1 }]);
    expect(errors).toEqual(['FatalError at v8::Isolate']);
    await child.terminate();
    expect(m.killed).toBe(1);
    expect(exits).toEqual([15]);
    // Gone: later requests are dropped, terminate() is immediate.
    child.postMessage({ id: 3, op: 'getStatus' });
    expect(m.posted).toHaveLength(2);
    await child.terminate();
    expect(m.killed).toBe(1);
  });

  it("a restarted engine's history seed goes as the first message, not in its one argument (50,000 rows would not fit a command line)", async () => {
    const api = fakeApi();
    const seed: HistorySeed = { since: 1000, rows: Array.from({ length: 50_000 }, (_, i): [string, number, number, boolean] => [`tcp4 10.0.0.5:${i} 10.1.2.3:443`, 1000 + i, 2000 + i, i % 2 === 0]) };
    const child = utilityProcessSpawner(api)('/x.cjs', { source: 'demo', firstSeq: 9, history: seed });
    const m = api.made[0];
    // Windows' command line holds 32,767 characters.
    expect(m.args[0].length).toBeLessThan(1000);
    expect(decodeEngineConfigArg(m.args)).toEqual({ source: 'demo', firstSeq: 9, historyFollows: true });
    child.postMessage({ id: 1, op: 'getStatus' });
    m.proc.emit('spawn');
    expect(m.posted).toEqual([{ id: 0, op: 'seedHistory', arg: seed }, { id: 1, op: 'getStatus' }]);
    // The engine's side puts them back together, starts from them, and hears only the request.
    const heard: WorkerRequest[] = [];
    const started: WorkerConfig[] = [];
    let deliver: (d: unknown) => void = () => undefined;
    serveUtility(decodeEngineConfigArg(m.args), (l) => (deliver = l), (c) => (started.push(c), (r) => heard.push(r)));
    expect(started).toEqual([]);
    for (const msg of m.posted) deliver(msg);
    expect(started).toEqual([{ source: 'demo', firstSeq: 9, history: seed }]);
    expect(heard).toEqual([{ id: 1, op: 'getStatus' }]);
    await child.terminate();
  });

  it('serveUtility: no seed to wait for, or a malformed one, and the engine still starts', () => {
    let deliver: (d: unknown) => void = () => undefined;
    const started: WorkerConfig[] = [];
    const heard: unknown[] = [];
    serveUtility({ source: 'demo' }, (l) => (deliver = l), (c) => (started.push(c), (r) => heard.push(r)));
    expect(started).toEqual([{ source: 'demo' }]);
    deliver({ id: 0, op: 'seedHistory', arg: { since: 1, rows: [] } });
    // Not waited for: a late seed is a request like any other (and the engine refuses it).
    expect(heard).toHaveLength(1);
    for (const arg of [null, 5, { since: 'x', rows: [] }, { since: 1, rows: [['id', 1, 2, 'yes']] }, { since: 1, rows: {} }]) {
      const got: WorkerConfig[] = [];
      serveUtility({ source: 'demo', historyFollows: true }, (l) => (deliver = l), (c) => (got.push(c), () => undefined));
      deliver({ id: 0, op: 'seedHistory', arg });
      expect(got).toEqual([{ source: 'demo' }]);
    }
  });

  it('terminate() does not hang on a process that never reports its exit', async () => {
    const api = fakeApi({ exitOnKill: false });
    const child = utilityProcessSpawner(api)('/x.cjs', { source: 'demo' });
    const t0 = Date.now();
    await child.terminate();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(api.made[0].killed).toBe(1);
  }, 10_000);

  it('decodeEngineConfigArg refuses a missing or non-object configuration', () => {
    expect(() => decodeEngineConfigArg(['x'])).toThrow(/no --engine-config/);
    expect(() => decodeEngineConfigArg(['--engine-config=[1]'])).toThrow(/not an object/);
    expect(() => decodeEngineConfigArg(['--engine-config={'])).toThrow();
  });
});

describe('withFallback', () => {
  function fakeChild(name: string, made: string[]) {
    return () => {
      made.push(name);
      const ee = new EventEmitter();
      return Object.assign(ee, { postMessage: () => undefined, terminate: async () => undefined }) as unknown as EngineChild & EventEmitter;
    };
  }

  it('switches to the worker thread for good after two silent exits in a row, saying why once', () => {
    const made: string[] = [];
    const why: string[] = [];
    let last: (EngineChild & EventEmitter) | null = null;
    const primary = () => (last = fakeChild('utility', made)());
    const spawn = withFallback(primary, fakeChild('worker', made), { onFallback: (w) => why.push(w) });
    spawn('/e.cjs', { source: 'demo' });
    last!.emit('exit', 1);
    spawn('/e.cjs', { source: 'demo' });
    last!.emit('exit', 1);
    spawn('/e.cjs', { source: 'demo' });
    spawn('/e.cjs', { source: 'demo' });
    expect(made).toEqual(['utility', 'utility', 'worker', 'worker']);
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/ended 2 times before its first message \(last exit code 1\); the engine now runs in a worker thread/);
  });

  it('keeps the utility process when it crashes after it has spoken (a real fault, contained)', () => {
    const made: string[] = [];
    let last: (EngineChild & EventEmitter) | null = null;
    const spawn = withFallback(() => (last = fakeChild('utility', made)()), fakeChild('worker', made), { onFallback: () => undefined });
    for (let i = 0; i < 4; i++) {
      spawn('/e.cjs', { source: 'demo' });
      last!.emit('message', { type: 'batch' });
      last!.emit('exit', 139);
    }
    spawn('/e.cjs', { source: 'demo' });
    last!.emit('exit', 1); // one silent exit alone is not enough
    spawn('/e.cjs', { source: 'demo' });
    expect(made.every((m) => m === 'utility')).toBe(true);
  });
});
