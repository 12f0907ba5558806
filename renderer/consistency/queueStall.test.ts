// A batch the store cannot apply must not stop the batches after it: a malformed event is skipped
// (the rest of its batch applies), and a batch that throws anyway is dropped with an error while
// the queue goes on — before, one such batch left every later one waiting with no task scheduled.
import { describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../shared/ipc';
import { BatchQueue } from '../store/batchQueue';
import { ConnectionStore } from '../store/store';
import { conn, diff, full } from '../test/fixtures';

function setup() {
  const store = new ConnectionStore();
  store.applyBatch(full(1000, [conn({ localPort: 1 })]));
  const tasks: (() => void)[] = [];
  const queue = new BatchQueue(store, { startLater: true, schedule: (fn) => tasks.push(fn) });
  const errors: unknown[] = [];
  const drain = () => {
    for (let fn = tasks.shift(); fn; fn = tasks.shift()) {
      try {
        fn();
      } catch (e) {
        errors.push(e); // in the app: an uncaught error in a MessageChannel task
      }
    }
  };
  return { store, queue, drain, errors };
}

describe('BatchQueue: a batch the store cannot apply', () => {
  it('skips a malformed event (with a warning) and applies the rest of its batch and the batches after it', () => {
    const { store, queue, drain, errors } = setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const a = conn({ localPort: 2 });
    const b = conn({ localPort: 3 });
    const c = conn({ localPort: 4 });
    // Passes decodeBatch (it checks seq and that events is an array); the null connection would throw in the store.
    const bad = { ...diff(2000, [{ type: 'opened', connection: c }]), events: [{ type: 'opened', time: 2000, connection: null }, { type: 'opened', time: 2000, connection: c }] } as unknown as EventBatch;
    queue.push(bad);
    queue.push(diff(3000, [{ type: 'opened', connection: a }])); // arrives before the bad one's task ran
    drain();
    queue.push(diff(4000, [{ type: 'opened', connection: b }])); // the next poll
    drain();
    expect(errors).toEqual([]);
    expect([a, b, c].map((x) => store.rows.has(x.id))).toEqual([true, true, true]);
    expect(queue.pending).toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipped 1 malformed event'));
    warn.mockRestore();
  });

  it('drops a batch that throws anyway, says so, closes what it opened, and goes on', () => {
    const { store, queue, drain, errors } = setup();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const a = conn({ localPort: 2 });
    const begin = store.beginBatch.bind(store);
    let calls = 0;
    vi.spyOn(store, 'beginBatch').mockImplementation((batch) => {
      if (calls++ === 0) throw new Error('boom');
      return begin(batch);
    });
    queue.push(diff(2000, []));
    queue.push(diff(3000, [{ type: 'opened', connection: a }]));
    drain();
    expect(errors).toEqual([]);
    expect(store.rows.has(a.id)).toBe(true);
    expect(queue.pending).toBe(0);
    expect(error).toHaveBeenCalledWith('netmon: dropped a batch that could not be applied', expect.any(Error));
    // Nothing left open: a sweep reaches subscribers at once.
    const heard: unknown[] = [];
    store.subscribe((ch) => heard.push(ch));
    store.sweep();
    expect(heard).toHaveLength(1);
    error.mockRestore();
  });
});
