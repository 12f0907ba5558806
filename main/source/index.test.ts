import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { materializeTable } from '../model/materialize';
import { createPlatformSource, resolveSourceKind, sourceDynamicRanges } from './index';
import { createScriptedSource } from './scripted';
import { SourceError } from './types';

describe('source picker', () => {
  it('resolves auto per platform and refuses others clearly', () => {
    expect(resolveSourceKind('auto', 'win32')).toBe('windows');
    expect(resolveSourceKind('auto', 'linux')).toBe('linux');
    expect(resolveSourceKind('demo', 'darwin')).toBe('demo');
    expect(() => resolveSourceKind('auto', 'darwin')).toThrow(SourceError);
    expect(() => createPlatformSource('auto', { platform: 'darwin' })).toThrow(/darwin.*Windows and Linux/);
    // An unknown kind is refused, not quietly turned into a simulated source.
    expect(() => createPlatformSource('nonsense' as never)).toThrow(/^unknown source "nonsense"; expected one of auto, linux, windows, demo$/);
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

describe('dynamic port ranges come from the source', () => {
  const windowsDefault = { low: 49152, high: 65535 };
  it('demo and scripted: the range of the simulated machine, whatever the host has', async () => {
    for (const kind of ['demo', 'scripted'] as const) {
      const r = await createPlatformSource(kind).dynamicRanges();
      expect(r.ranges).toEqual({ tcp: windowsDefault, udp: windowsDefault });
      expect(r.origin).toBe(`the ${kind} source (a simulated Windows machine's default range)`);
    }
  });

  it('linux: the kernel ip_local_port_range, through the lazily loaded source', async () => {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const s = createPlatformSource('linux');
    try {
      const r = await s.dynamicRanges();
      expect(r).toEqual({ ranges: { tcp: { low, high }, udp: { low, high } }, origin: '/proc/sys/net/ipv4/ip_local_port_range' });
    } finally {
      s.close?.();
    }
  });

  it('a source that does not say, or fails to, gets the default with that reason, never the host range', async () => {
    const silent = createScriptedSource([], { name: 'quiet' });
    expect(await sourceDynamicRanges(silent)).toEqual({
      ranges: { tcp: windowsDefault, udp: windowsDefault },
      origin: 'default 49152-65535 (the quiet source does not say)',
    });
    const failing = Object.assign(createScriptedSource([], { name: 'broken' }), { dynamicRanges: () => Promise.reject(new Error('netsh: not found')) });
    expect((await sourceDynamicRanges(failing)).origin).toBe('default 49152-65535 (the broken source could not say: netsh: not found)');
  });
});
