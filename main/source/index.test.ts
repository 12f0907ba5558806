import { describe, expect, it } from 'vitest';
import { materializeTable } from '../model/materialize';
import { createPlatformSource, resolveSourceKind } from './index';
import { SourceError } from './types';

describe('source picker', () => {
  it('resolves auto per platform and refuses others clearly', () => {
    expect(resolveSourceKind('auto', 'win32')).toBe('windows');
    expect(resolveSourceKind('auto', 'linux')).toBe('linux');
    expect(resolveSourceKind('demo', 'darwin')).toBe('demo');
    expect(() => resolveSourceKind('auto', 'darwin')).toThrow(SourceError);
    expect(() => createPlatformSource('auto', { platform: 'darwin' })).toThrow(/darwin.*Windows and Linux/);
  });

  it('gives the scripted and demo sources synchronously', async () => {
    const s = createPlatformSource('scripted');
    expect(s.name).toBe('scripted');
    const t = await s.read();
    expect(materializeTable(t, (p) => s.processInfo(p)).map((c) => c.process)).toEqual(['server', 'mdns', 'server']);
    const d = createPlatformSource('demo', { seed: 3, connections: 50 });
    expect(d.name).toBe('demo');
    expect((await d.read()).count).toBeGreaterThanOrEqual(50);
  });

  it('loads the Linux source lazily on the first read and reads the real kernel table', async () => {
    const s = createPlatformSource('linux');
    expect(s.name).toBe('linux');
    const t = await s.read();
    expect(s.name).not.toBe('linux');
    expect(s.name).toMatch(/^linux/);
    expect(t.count).toBeGreaterThanOrEqual(0);
    expect(s).toHaveProperty('load');
    expect(await s.load()).toBeTruthy();
    s.close?.();
  });
});
