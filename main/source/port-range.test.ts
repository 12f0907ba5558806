import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLinuxPortRange, parseNetshDynamicPort, readDynamicRanges } from './port-range';

const NETSH_EN = `
Protocol tcp Dynamic Port Range
---------------------------------
Start Port      : 49152
Number of Ports : 16384

`;
const NETSH_DE = `
Dynamischer Portbereich für tcp-Protokoll
---------------------------------
Startport       : 10000
Anzahl der Ports: 1000
`;

describe('dynamic port range', () => {
  it('reads this kernel’s ip_local_port_range', async () => {
    const text = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const [low, high] = text.trim().split(/\s+/).map(Number);
    const r = await readDynamicRanges('linux');
    expect(r).toEqual({ ranges: { tcp: { low, high }, udp: { low, high } }, origin: '/proc/sys/net/ipv4/ip_local_port_range' });
  });

  it('parses netsh output in any language by its numbers', () => {
    expect(parseNetshDynamicPort(NETSH_EN)).toEqual({ low: 49152, high: 65535 });
    expect(parseNetshDynamicPort(NETSH_DE)).toEqual({ low: 10000, high: 10999 });
    expect(() => parseNetshDynamicPort('The requested operation requires elevation.')).toThrow(/expected a start port/);
    expect(() => parseNetshDynamicPort('---\nStart: 65000\nCount: 1000')).toThrow(/not a range of ports/);
  });

  it('asks netsh for TCP and UDP on Windows, and falls back to the default with the reason', async () => {
    const calls: string[] = [];
    const r = await readDynamicRanges('win32', {
      readFile: () => Promise.reject(new Error('unused')),
      run: async (cmd, args) => (calls.push(`${cmd} ${args.join(' ')}`), args[4] === 'tcp' ? NETSH_EN : NETSH_DE),
    });
    expect(calls).toEqual(['netsh int ipv4 show dynamicport tcp', 'netsh int ipv4 show dynamicport udp']);
    expect(r.ranges).toEqual({ tcp: { low: 49152, high: 65535 }, udp: { low: 10000, high: 10999 } });
    const broken = await readDynamicRanges('win32', { readFile: () => Promise.reject(new Error('x')), run: () => Promise.reject(new Error('netsh not found')) });
    expect(broken).toEqual({ ranges: { tcp: { low: 49152, high: 65535 }, udp: { low: 49152, high: 65535 } }, origin: 'default 49152-65535 (netsh not found)' });
  });

  it('refuses a malformed kernel answer', () => {
    expect(() => parseLinuxPortRange('32768')).toThrow(/expected two numbers/);
    expect(() => parseLinuxPortRange('60999 32768')).toThrow(/not a range of ports/);
    expect(parseLinuxPortRange('32768\t60999\n')).toEqual({ low: 32768, high: 60999 });
  });
});
