// EngineStatus.notices carries the source's standing notices (e.g. owners hidden without root).
import { describe, expect, it } from 'vitest';
import { createScriptedSource } from '../source/scripted';
import { createEngine } from './engine';

describe('engine notices', () => {
  it('copies the source\'s notices into every status after a poll, and drops them when they go', async () => {
    const base = createScriptedSource([[{ local: '127.0.0.1', localPort: 1, remote: '127.0.0.1', remotePort: 2, pid: 7 }]]);
    let notices = ['owners hidden'];
    const engine = createEngine({ source: { ...base, name: base.name, read: () => base.read(), processInfo: (p) => base.processInfo(p), notices: () => notices } });
    expect((await engine.pollNow()).status.notices).toEqual(['owners hidden']);
    expect(engine.status().notices).toEqual(['owners hidden']);
    notices = [];
    expect((await engine.pollNow()).status.notices).toBeUndefined();
  });
});
