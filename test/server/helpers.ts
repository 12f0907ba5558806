// Test doubles and small HTTP helpers for the server tests.
import http from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineHost } from '../../main/engine/types';
import type { Connection } from '../../shared/connection';
import type { EngineStatus, EventBatch, Snapshot } from '../../shared/ipc';
import { encodeBatch } from '../../shared/ipc';

/** A loopback TCP connection for batches fed to a fake engine. */
export const LOOPBACK_CONN: Connection = {
  id: 'tcp4 127.0.0.1:5000 127.0.0.1:6000',
  protocol: 'tcp',
  family: 4,
  localAddress: '127.0.0.1',
  localPort: 5000,
  remoteAddress: '127.0.0.1',
  remotePort: 6000,
  state: 'ESTABLISHED',
  pid: 42,
  process: 'node',
};

export interface FakeEngine extends EngineHost {
  emit(batch: EventBatch): void;
  listeners(): number;
  calls: string[];
  state: EngineStatus;
}

export function fakeEngine(): FakeEngine {
  const listeners = new Set<(json: string) => void>();
  const state: EngineStatus = {
    paused: false,
    intervalMs: 1000,
    source: 'scripted',
    lastPollAt: null,
    lastPollMs: null,
    lastError: null,
  };
  const calls: string[] = [];
  const snapshot = (): Snapshot => ({ time: 1000, connections: [], status: { ...state } });
  return {
    calls,
    state,
    emit(batch) {
      const json = encodeBatch(batch);
      for (const l of listeners) l(json);
    },
    listeners: () => listeners.size,
    onBatch(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async getSnapshot() {
      calls.push('getSnapshot');
      return snapshot();
    },
    async getTimeline() {
      calls.push('getTimeline');
      return { since: 1000, fineWindowMs: 3_600_000, coarseStepMs: 60_000, dropped: 0, samples: [] };
    },
    async getPortUsage() {
      calls.push('getPortUsage');
      return { latest: null, trend: [], marks: [], droppedMarks: 0 };
    },
    async getHistory(limit) {
      calls.push(`getHistory:${limit}`);
      return { since: 1000, capacity: 10, dropped: 0, events: [] };
    },
    async setPaused(p) {
      calls.push(`setPaused:${p}`);
      state.paused = p;
      return { ...state };
    },
    async setInterval(ms) {
      calls.push(`setInterval:${ms}`);
      state.intervalMs = ms;
      return { ...state };
    },
    async getStatus() {
      return { ...state };
    },
    async close() {
      calls.push('close');
    },
  };
}

/** A throwaway "built renderer" plus a secret file beside it that traversal must not reach. */
export function fakeStaticDir(): { root: string; secretName: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'netmon-static-'));
  const root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>netmon</title><div id="root"></div>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
  return { root, secretName: 'secret.txt' };
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw GET with full control over headers (fetch() refuses to set Host). */
export function get(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathAndQuery, method: 'GET', headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export const TEST_TOKEN = 'test-token-0123456789abcdef';
