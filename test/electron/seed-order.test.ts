// The engine entry starts its engine in `config.then(start)` and refuses requests until then
// ("engine is not running"). The host sends the seed and the requests queued before 'spawn' in one
// go; a message channel that delivers them in one task (no microtask checkpoint between) hands the
// requests to the engine before it has started, and each is refused.
import { describe, expect, it } from 'vitest';
import { utilityConfig } from '../../main/engine/child-port';
import type { WorkerRequest } from '../../main/engine/protocol';

describe('utilityConfig: requests right behind the seed', () => {
  it('reach the engine only after it has started from the seeded configuration', async () => {
    let deliver: (d: unknown) => void = () => undefined;
    const port = utilityConfig({ source: 'demo', historyFollows: true }, (l) => (deliver = l));
    // As worker.ts: started in a then(), requests before that refused.
    let started = false;
    void port.config.then(() => (started = true));
    const refused: WorkerRequest[] = [];
    port.onRequest((r) => {
      if (!started) refused.push(r);
    });
    deliver({ id: 0, op: 'seedHistory', arg: { since: 1, rows: [] } });
    deliver({ id: 1, op: 'getSnapshot' });
    await new Promise((r) => setTimeout(r, 0));
    expect(refused).toEqual([]);
  });
});
