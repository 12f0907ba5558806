// Entry point of the engine worker (bundled to dist/main/engine-worker.cjs): runs the engine off the
// caller's thread — in a worker thread, or in an Electron utility process for the desktop app — and
// answers the host's requests. Arguments are validated again here: the worker trusts nothing that
// crosses a thread or process boundary.
import { validateBoolean, validateInterval } from '../../shared/ipc';
import { createPlatformSource } from '../source';
import type { EngineStatus } from '../../shared/ipc';
import { createEngine } from './engine';
import { engineChildPort } from './child-port';
import { createBatchPipeline, type BatchPipeline } from './batch-pipeline';
import type { HistoryRecord } from './history';
import type { WorkerConfig, WorkerMessage, WorkerRequest } from './protocol';
import type { Engine } from './types';

const port = engineChildPort();
const post = (m: WorkerMessage) => port.post(m);

let config: WorkerConfig | null = null;
let engine: Engine | null = null;
let pipeline: BatchPipeline | null = null;

/**
 * Starts the engine from the whole configuration and returns what answers requests (see
 * EngineChildPort.serve: none comes before this).
 */
function start(c: WorkerConfig): (req: WorkerRequest) => void {
  config = c;
  try {
    const source = createPlatformSource(c.source, { seed: c.seed, connections: c.connections, churn: c.churn, traffic: c.traffic, linux: c.tables ? { tables: c.tables } : undefined });
    // The source's dynamic port range (the OS's, or the simulated machine's), read once off the
    // poll path, rides along in every status.
    let portRanges: EngineStatus['portRanges'] | null = null;
    void source.dynamicRanges().then((r) => (portRanges = { ...r.ranges, origin: r.origin }));
    const e = createEngine({ source, intervalMs: c.intervalMs, firstSeq: c.firstSeq, portRanges: () => portRanges });
    if (c.paused) e.setPaused(true);
    // The history stamps every batch's connections with the run's times before any viewer sees it.
    // Its events live in the host's mirror, which outlives this thread: each batch's record goes
    // with it, and a worker that replaces one that crashed starts from the mirror's seed.
    let record: HistoryRecord | undefined;
    const p = createBatchPipeline(c.historyCapacity, { seed: c.history, keepEvents: false, keepSeries: false, onRecord: (r) => (record = r) });
    e.onBatch((raw) => {
      record = undefined;
      const { batch: b, json } = p.process(raw, e.rateTotals());
      post({ type: 'batch', json, seq: b.seq, status: b.status, history: record, timeline: b.timeline, ports: b.ports });
    });
    engine = e;
    pipeline = p;
    e.start();
    // Paused from the start (a replacement for an engine that was paused, or `serve --paused`): one
    // poll all the same, so the table a late viewer gets is the present one, not empty.
    if (c.paused) void e.pollNow().catch(() => undefined);
  } catch (err) {
    post({ type: 'fatal', error: err instanceof Error ? err.message : String(err) });
  }
  return answer;
}

port.serve(start);

function handle(e: Engine, { history: h }: BatchPipeline, req: WorkerRequest): unknown {
  switch (req.op) {
    case 'getSnapshot':
      return JSON.stringify(h.annotate(e.snapshot()));
    case 'setPaused':
      return e.setPaused(validateBoolean(req.arg, 'paused'));
    case 'setInterval':
      return e.setIntervalMs(validateInterval(req.arg));
    case 'getStatus':
      return e.status();
    case 'crash':
      if (config?.testHooks) {
        // Thrown outside any handler, so it takes the thread down like a real bug would.
        setImmediate(() => {
          throw new Error('engine worker: crash requested by test');
        });
        return null;
      }
      throw new Error('unknown request: crash');
    default:
      throw new Error(`unknown request: ${String((req as { op: unknown }).op)}`);
  }
}

function answer(req: WorkerRequest): void {
  // Not a request (it crossed a thread or process boundary): nothing to answer, nothing to throw.
  if (typeof req !== 'object' || req === null) return;
  if (!engine || !pipeline) {
    post({ type: 'response', id: req.id, ok: false, error: 'engine is not running' });
    return;
  }
  try {
    post({ type: 'response', id: req.id, ok: true, value: handle(engine, pipeline, req) });
  } catch (err) {
    post({ type: 'response', id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}
