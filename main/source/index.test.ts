import net from 'node:net';
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
    // An unknown kind is refused, not quietly turned into a simulated source.
    expect(() => createPlatformSource('nonsense' as never)).toThrow(/^unknown source "nonsense"; expected one of auto, windows, linux, scripted, demo$/);
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
    // A listener of our own: the first read must list it, owned by this process.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const s = createPlatformSource('linux');
    expect(s.name).toBe('linux');
    try {
      const t = await s.read();
      expect(s.name).toMatch(/^linux-(netlink|procfs)$/);
      const ours = materializeTable(t, (p) => s.processInfo(p)).filter((c) => c.localPort === port && c.state === 'LISTEN');
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatchObject({ protocol: 'tcp', family: 4, localAddress: '127.0.0.1', pid: process.pid });
      expect(await s.load()).toHaveProperty('read');
    } finally {
      s.close?.();
      server.close();
    }
  });
});
