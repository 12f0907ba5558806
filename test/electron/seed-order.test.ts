// The engine starts from the seeded configuration only when the seed's message arrives; the host
// sends the seed and the requests queued before 'spawn' in one go, so requests can come right
// behind the seed, even in the same task: each must reach the started engine, none be refused.
import { describe, expect, it } from 'vitest';
import { serveUtility } from '../../main/engine/child-port';
import type { WorkerRequest } from '../../main/engine/protocol';

describe('serveUtility: requests right behind the seed', () => {
  it('reach the engine only after it has started from the seeded configuration', () => {
    let deliver: (d: unknown) => void = () => undefined;
    let started = false;
    const refused: WorkerRequest[] = [];
    const answered: WorkerRequest[] = [];
    serveUtility({ source: 'demo', historyFollows: true }, (l) => (deliver = l), () => {
      started = true;
      return (r) => (started ? answered : refused).push(r);
    });
    // A request that overtakes the seed waits for it, as do the ones behind it.
    deliver({ id: 2, op: 'getStatus' });
    expect(started).toBe(false);
    deliver({ id: 0, op: 'seedHistory', arg: { since: 1, rows: [] } });
    deliver({ id: 1, op: 'getSnapshot' });
    expect(refused).toEqual([]);
    expect(answered).toEqual([{ id: 2, op: 'getStatus' }, { id: 1, op: 'getSnapshot' }]);
  });
});
