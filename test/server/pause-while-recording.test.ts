// A viewer never pauses a recording: while the server records, setPaused(true) is refused and the
// engine keeps polling; resuming and pausing with no recording work as before.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineRecorder } from '../../main/server/recording';
import { createHandlers } from '../../main/server/rpc';
import { PAUSE_REFUSED_WHILE_RECORDING } from '../../shared/ipc';
import { fakeEngine } from './helpers';

describe('pause while recording (browser mode)', () => {
  it('refuses to pause the poll while a recording is written, allows it once it stops', async () => {
    const engine = fakeEngine();
    const recorder = createEngineRecorder({ engine, dir: mkdtempSync(path.join(os.tmpdir(), 'netmon-rec-')) });
    const h = createHandlers({ engine, recorder });
    await recorder.setRecording(true, 'ndjson');
    await expect(h.setPaused([true])).rejects.toThrow(PAUSE_REFUSED_WHILE_RECORDING);
    expect(engine.state.paused).toBe(false);
    expect(engine.calls).not.toContain('setPaused:true');
    await expect(h.setPaused([false])).resolves.toMatchObject({ paused: false });
    await recorder.setRecording(false, 'ndjson');
    await expect(h.setPaused([true])).resolves.toMatchObject({ paused: true });
    recorder.close();
  });
});
