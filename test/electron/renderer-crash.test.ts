import { describe, expect, it } from 'vitest';
import { createRendererCrashPolicy } from '../../main/electron/renderer-crash';

describe('renderer crash policy', () => {
  it('reloads and says so, at most three times a minute; ignores a clean exit', () => {
    let t = 0;
    const decide = createRendererCrashPolicy({ now: () => t });
    expect(decide({ reason: 'clean-exit', exitCode: 0 })).toEqual({ action: 'ignore' });
    for (let i = 0; i < 3; i++) {
      const d = decide({ reason: 'crashed', exitCode: -1073741819 });
      expect(d).toMatchObject({ action: 'reload', message: 'The netmon window crashed and was reloaded.' });
      t += 1000;
    }
    const fourth = decide({ reason: 'oom', exitCode: 1 });
    expect(fourth).toMatchObject({ action: 'give-up' });
    expect(fourth.action !== 'ignore' && fourth.detail).toMatch(/Reason: oom \(exit code 1\)/);
    t += 61_000;
    expect(decide({ reason: 'crashed', exitCode: 1 }).action).toBe('reload');
  });
});
