// Entry point of the engine worker (bundled to dist/main/engine-worker.cjs): runs the engine off the
// caller's thread — in a worker thread, or in an Electron utility process for the desktop app — and
// answers the host's requests. Arguments are validated again here: the worker trusts nothing that
// crosses a thread or process boundary.
import { encodeBatch, validateBoolean, validateHistoryLimit, validateInterval } from '../../shared/ipc';
import { createPlatformSource } from '../source';
import type { EngineStatus } from '../../shared/ipc';
import { createEngine } from './engine';
import { engineChildPort } from './child-port';
import { createHistory, type RunHistory } from './history';
import { TimelineTracker } from '../../shared/timeline';
import { PortUsageTracker } from '../../shared/port-usage';
import type { WorkerMessage, WorkerRequest } from './protocol';
import type { Engine } from './types';

const port = engineChildPort();
const config = port.config;
const post = (m: WorkerMessage) => port.post(m);

let engine: Engine | null = null;
let history: RunHistory | null = null;
const timeline = new TimelineTracker();
const portUsage = new PortUsageTracker();
try {
  const source = createPlatformSource(config.source, { seed: config.seed, connections: config.connections, churn: config.churn, traffic: config.traffic });
  // The source's dynamic port range (the OS's, or the simulated machine's), read once off the
  // poll path, rides along in every status.
  let portRanges: EngineStatus['portRanges'] | null = null;
  void source.dynamicRanges().then((r) => (portRanges = { ...r.ranges, origin: r.origin }));
  engine = createEngine({ source, intervalMs: config.intervalMs, firstSeq: config.firstSeq, portRanges: () => portRanges });
  if (config.paused) engine.setPaused(true);
  const h = (history = createHistory({ capacity: config.historyCapacity }));
  // The history stamps every batch's connections with the run's times before any viewer sees it.
  engine.onBatch((raw) => {
    const b = h.apply(raw);
    const sample = timeline.apply(b);
    if (sample) b.timeline = sample;
    // Port usage is counted here, off every viewer's main thread, and judged by each viewer.
    const ports = portUsage.apply(b);
    if (ports) b.ports = ports;
    post({ type: 'batch', json: encodeBatch(b), seq: b.seq, status: b.status });
  });
  engine.start();
} catch (e) {
  post({ type: 'fatal', error: e instanceof Error ? e.message : String(e) });
}

function handle(e: Engine, h: RunHistory, req: WorkerRequest): unknown {
  switch (req.op) {
    case 'getSnapshot':
      return JSON.stringify(h.annotate(e.snapshot()));
    case 'getHistory':
      return h.historyJson(validateHistoryLimit(req.arg));
    case 'getTimeline':
      return JSON.stringify(timeline.data());
    case 'getPortUsage':
      return JSON.stringify(portUsage.data());
    case 'setPaused':
      return e.setPaused(validateBoolean(req.arg, 'paused'));
    case 'setInterval':
      return e.setIntervalMs(validateInterval(req.arg));
    case 'getStatus':
      return e.status();
    case 'crash':
      if (config.testHooks) {
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

port.onRequest((req: WorkerRequest) => {
  if (!engine || !history) {
    post({ type: 'response', id: req.id, ok: false, error: 'engine is not running' });
    return;
  }
  try {
    post({ type: 'response', id: req.id, ok: true, value: handle(engine, history, req) });
  } catch (err) {
    post({ type: 'response', id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
