// Test helpers: connections, batches and a scriptable fake bridge.
import type { TimelineData } from '../../shared/timeline';
import { PortUsageTracker } from '../../shared/port-usage';
import { withCounterRows, type CounterRow } from '../../shared/testing/counters';
import { connectionKey, type Connection, type ConnectionEvent, type TcpState } from '../../shared/connection';
import { alreadyRecording, encodeBatch, type ActionResult, type EndProcessTarget, type EngineStatus, type EventBatch, type History, type NetmonBridge, type ProcessDetails, type RecordingStatus } from '../../shared/ipc';

export function conn(p: Partial<Omit<Connection, 'id'>> & { localPort: number }): Connection {
  const base: Omit<Connection, 'id'> = {
    protocol: 'tcp',
    family: 4,
    localAddress: '127.0.0.1',
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    state: 'ESTABLISHED' as TcpState,
    pid: 100,
    process: 'node',
    ...p,
  };
  if (base.protocol === 'udp') {
    base.remoteAddress = p.remoteAddress ?? null;
    base.remotePort = p.remotePort ?? null;
    base.state = null;
  }
  return { id: connectionKey(base), ...base };
}

export function status(p: Partial<EngineStatus> = {}): EngineStatus {
  return { paused: false, intervalMs: 1000, source: 'scripted', lastPollAt: 1000, lastPollMs: 1.5, lastError: null, ...p };
}

let seq = 0;
export function full(time: number, connections: Connection[], st = status()): EventBatch {
  return { seq: ++seq, time, full: true, connections, events: [], status: st };
}
export function diff(time: number, events: Omit<ConnectionEvent, 'time'>[], st = status()): EventBatch {
  return { seq: ++seq, time, full: false, events: events.map((e) => ({ ...e, time })), status: st };
}

/** A diff batch whose counters section holds `rows` (shared/testing/counters.ts). */
export function diffWithCounters(time: number, rows: readonly CounterRow[], events: Omit<ConnectionEvent, 'time'>[] = [], st = status()): EventBatch {
  return withCounterRows(diff(time, events, st), rows);
}

export class FakeBridge implements NetmonBridge {
  listeners = new Set<(json: string) => void>();
  snapshot: Connection[] = [];
  history: History = { since: 1000, capacity: 100, dropped: 0, events: [] };
  st = status();
  calls: { method: string; args: unknown[] }[] = [];
  details = new Map<number, ProcessDetails>();
  closeResult: ActionResult = { ok: true };
  endResult: ActionResult = { ok: true };
  restartResult: ActionResult = { ok: true };
  names: Record<string, string | null> = {};
  rec: RecordingStatus = { active: false, path: null, format: 'ndjson' };
  recordingListeners = new Set<(s: RecordingStatus) => void>();

  /** Port usage counted from the snapshot and the emitted batches, as the engine worker does. */
  private ports: PortUsageTracker | null = null;
  private portUsage(): PortUsageTracker {
    if (!this.ports) {
      this.ports = new PortUsageTracker();
      this.ports.apply({ time: 1000, full: true, connections: this.snapshot, events: [], status: this.st });
    }
    return this.ports;
  }

  /** Sends a batch to every listener, with its port usage added as the engine adds it. */
  emit(batch: EventBatch): void {
    const ports = batch.ports ?? this.portUsage().apply(batch);
    const json = encodeBatch(ports ? { ...batch, ports } : batch);
    for (const l of this.listeners) l(json);
  }
  onBatch(listener: (json: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  private log(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
  }
  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }
  async getSnapshot() {
    this.log('getSnapshot');
    return { time: 1000, connections: this.snapshot, status: this.st };
  }
  async getHistory(limit?: number) {
    this.log('getHistory', limit);
    return this.history;
  }
  timeline: TimelineData = { since: null, fineWindowMs: 3_600_000, coarseStepMs: 60_000, dropped: 0, samples: [] };
  async getTimeline() {
    this.log('getTimeline');
    return this.timeline;
  }
  async getPortUsage() {
    this.log('getPortUsage');
    return this.portUsage().data();
  }
  async setPaused(paused: boolean) {
    this.log('setPaused', paused);
    this.st = { ...this.st, paused };
    return this.st;
  }
  async setInterval(ms: number) {
    this.log('setInterval', ms);
    this.st = { ...this.st, intervalMs: ms };
    return this.st;
  }
  async getStatus() {
    return this.st;
  }
  async getProcessDetails(pid: number) {
    this.log('getProcessDetails', pid);
    return this.details.get(pid) ?? null;
  }
  async closeConnection(target: unknown) {
    this.log('closeConnection', target);
    return this.closeResult;
  }
  async endProcess(target: EndProcessTarget) {
    this.log('endProcess', target);
    return this.endResult;
  }
  async resolveAddresses(addresses: string[]) {
    this.log('resolveAddresses', addresses);
    const out: Record<string, string | null> = {};
    for (const a of addresses) out[a] = this.names[a] ?? null;
    return out;
  }
  /** As the engine side does: refuses a second start, and tells every listener each change. */
  async setRecording(active: boolean) {
    this.log('setRecording', active);
    if (active && this.rec.active) throw new Error(alreadyRecording(this.rec.path));
    this.pushRecording({ active, path: active ? '/tmp/netmon-rec.ndjson' : null, format: 'ndjson', error: null });
    return this.rec;
  }
  async getRecording() {
    this.log('getRecording');
    return this.rec;
  }
  onRecording(listener: (s: RecordingStatus) => void): () => void {
    this.recordingListeners.add(listener);
    return () => void this.recordingListeners.delete(listener);
  }
  /** The engine side's recording changed (any window, or a write failure): every listener is told. */
  pushRecording(status: RecordingStatus): void {
    this.rec = status;
    for (const l of this.recordingListeners) l(status);
  }
  async restartAsAdmin() {
    this.log('restartAsAdmin');
    return this.restartResult;
  }
}
