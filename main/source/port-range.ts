// The OS's dynamic (ephemeral) port range, for the port-usage report. One function per OS behind
// one entry point; the readers take their I/O as arguments so they are tested without the OS.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { childEnv } from '../child-env';
import { checkPortRange, DEFAULT_DYNAMIC_RANGE, type PortRange } from '../../shared/ports';
import type { Protocol } from '../../shared/connection';

export interface DynamicRanges {
  ranges: Record<Protocol, PortRange>;
  /** Where the numbers came from, e.g. `/proc/sys/net/ipv4/ip_local_port_range`, `netsh`, or why the default is used. */
  origin: string;
}

/** Parses `/proc/sys/net/ipv4/ip_local_port_range` ("32768\t60999\n"); throws RangeError on anything else. */
export function parseLinuxPortRange(text: string): PortRange {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!m) throw new RangeError(`ip_local_port_range: expected two numbers, got ${JSON.stringify(text.slice(0, 40))}`);
  return checkPortRange({ low: Number(m[1]), high: Number(m[2]) }, 'ip_local_port_range');
}

/**
 * Parses `netsh int ipv4 show dynamicport tcp|udp` output. The labels are translated on
 * non-English Windows ("Start Port", "Startport", …), so this reads the two numbers after the
 * dashed rule: start port, then number of ports.
 */
export function parseNetshDynamicPort(text: string): PortRange {
  const body = text.includes('---') ? text.slice(text.lastIndexOf('---') + 3) : text;
  const nums = [...body.matchAll(/:\s*(\d+)/g)].map((m) => Number(m[1]));
  if (nums.length < 2) throw new RangeError(`netsh dynamicport: expected a start port and a number of ports, got ${JSON.stringify(text.trim().slice(0, 80))}`);
  const [start, count] = nums;
  return checkPortRange({ low: start, high: start + count - 1 }, 'netsh dynamic port range');
}

const LINUX_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 5000, windowsHide: true, env: childEnv() }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** The IANA default range (49152–65535) for both protocols, with why it stands in. */
export function defaultDynamicRanges(why: string): DynamicRanges {
  return {
    ranges: { tcp: { ...DEFAULT_DYNAMIC_RANGE }, udp: { ...DEFAULT_DYNAMIC_RANGE } },
    origin: `default ${DEFAULT_DYNAMIC_RANGE.low}-${DEFAULT_DYNAMIC_RANGE.high} (${why})`,
  };
}

/**
 * The dynamic port range of this machine per protocol. Linux: one range for TCP and UDP
 * (`net.ipv4.ip_local_port_range`, which IPv6 shares). Windows: `netsh int ipv4 show dynamicport`
 * for TCP and UDP. Never throws: where the OS will not say, the IANA default 49152–65535 and the
 * reason are returned.
 */
export async function readDynamicRanges(
  platform: NodeJS.Platform = process.platform,
  io: { readFile: (p: string) => Promise<string>; run: (cmd: string, args: string[]) => Promise<string> } = {
    readFile: (p) => readFile(p, 'utf8'),
    run,
  },
): Promise<DynamicRanges> {
  const fallback = defaultDynamicRanges;
  try {
    if (platform === 'linux') {
      const r = parseLinuxPortRange(await io.readFile(LINUX_RANGE_FILE));
      return { ranges: { tcp: r, udp: { ...r } }, origin: LINUX_RANGE_FILE };
    }
    if (platform === 'win32') {
      const [tcp, udp] = await Promise.all(
        (['tcp', 'udp'] as const).map(async (p) => parseNetshDynamicPort(await io.run('netsh', ['int', 'ipv4', 'show', 'dynamicport', p]))),
      );
      return { ranges: { tcp, udp }, origin: 'netsh int ipv4 show dynamicport' };
    }
    return fallback(`no dynamic range reader for ${platform}`);
  } catch (e) {
    return fallback(e instanceof Error ? e.message : String(e));
  }
}
