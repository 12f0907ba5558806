import { describe, expect, it } from 'vitest';
import { prng } from '../main/model/random';
import { conn } from '../renderer/test/fixtures';
import { BaselineFormatError, compileBaseline, listenerPorts, makeBaseline, parseBaseline } from './baseline';

const range = { low: 49152, high: 65535 };
const normal = [
  conn({ localAddress: '0.0.0.0', localPort: 22, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0, process: 'sshd', pid: 10 }),
  conn({ localAddress: '10.0.0.5', localPort: 22, remoteAddress: '198.51.100.9', remotePort: 51000, process: 'sshd', pid: 11 }),
  conn({ localAddress: '10.0.0.5', localPort: 50001, remoteAddress: '203.0.113.7', remotePort: 443, process: 'Updater.exe', pid: 20 }),
  conn({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 5353, process: 'mdns', pid: 30 }),
  conn({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 53001, process: 'resolver', pid: 31 }),
  conn({ localAddress: '10.0.0.5', localPort: 50002, remoteAddress: '192.0.2.1', remotePort: 80, state: 'TIME-WAIT', process: null, pid: 0 }),
];

describe('baseline', () => {
  it('records listeners, outbound destinations and ephemeral UDP owners, never ephemeral ports', () => {
    const b = makeBaseline(normal, range, Date.UTC(2026, 10, 30), 'web-01');
    expect(b.listeners).toEqual([
      { process: 'mdns', protocol: 'udp', family: 4, localAddress: '0.0.0.0', port: 5353 },
      { process: 'sshd', protocol: 'tcp', family: 4, localAddress: '0.0.0.0', port: 22 },
    ]);
    // The ownerless TIME-WAIT row is a destination of "no process"; the accepted ssh connection is covered by its listener.
    expect(b.outbound).toEqual([
      { process: null, protocol: 'tcp', remoteAddress: '192.0.2.1', remotePort: 80 },
      { process: 'updater.exe', protocol: 'tcp', remoteAddress: '203.0.113.7', remotePort: 443 },
    ]);
    expect(b.ephemeral).toEqual([{ process: 'resolver', protocol: 'udp' }]);
    expect(b.createdAt).toBe('2026-11-30T00:00:00.000Z');
    expect(JSON.stringify(b)).not.toContain('50001');
  });

  it('a baselined connection closing as an orphan (PID 0, no owner) is not a new destination, and an orphan is recorded as no process', () => {
    const m = compileBaseline(makeBaseline(normal, range, 0, null));
    const listening = listenerPorts(normal);
    // Updater.exe closed its connection before the server did: Windows lists the end under PID 0
    // (System Idle Process), the Linux source with PID 0 and no name.
    const windows = conn({ localAddress: '10.0.0.5', localPort: 50011, remoteAddress: '203.0.113.7', remotePort: 443, state: 'FIN-WAIT-2', process: 'System Idle Process', pid: 0 });
    const linux = { ...windows, localPort: 50012, id: 'linux', process: null };
    expect([m.departure(windows, listening), m.departure(linux, listening)]).toEqual([null, null]);
    // To a destination not in the baseline it is new, whoever listed it.
    expect(m.departure({ ...windows, remoteAddress: '198.51.100.200' }, listening)).toBe('new destination');
    const b = makeBaseline([windows], range, 0, null);
    expect(b.outbound).toEqual([{ process: null, protocol: 'tcp', remoteAddress: '203.0.113.7', remotePort: 443 }]);
  });

  it('flags only what departs, and survives a save / reopen', () => {
    const b = parseBaseline(JSON.stringify(makeBaseline(normal, range, 0, null)), 'b.json');
    const m = compileBaseline(b);
    const later = [
      ...normal,
      // Same process, same destination, new ephemeral port and new accepted client: normal.
      conn({ localAddress: '10.0.0.5', localPort: 61000, remoteAddress: '203.0.113.7', remotePort: 443, process: 'updater.exe', pid: 99 }),
      conn({ localAddress: '10.0.0.5', localPort: 22, remoteAddress: '198.51.100.77', remotePort: 52000, process: 'sshd', pid: 12 }),
      // TIME-WAIT (no owner) towards a known destination: normal.
      conn({ localAddress: '10.0.0.5', localPort: 61001, remoteAddress: '203.0.113.7', remotePort: 443, state: 'TIME-WAIT', process: null, pid: 0 }),
      // Departures:
      conn({ localAddress: '0.0.0.0', localPort: 4444, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0, process: 'nc', pid: 50 }),
      conn({ localAddress: '127.0.0.1', localPort: 22, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0, process: 'sshd', pid: 51 }),
      conn({ localAddress: '10.0.0.5', localPort: 61002, remoteAddress: '203.0.113.66', remotePort: 443, process: 'updater.exe', pid: 20 }),
      conn({ localAddress: '10.0.0.5', localPort: 61003, remoteAddress: '203.0.113.7', remotePort: 443, process: 'powershell.exe', pid: 52 }),
      conn({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 60000, process: 'beacon', pid: 53 }),
      // A live process towards a destination only ever seen in TIME-WAIT: its owner is new there.
      conn({ localAddress: '10.0.0.5', localPort: 61004, remoteAddress: '192.0.2.1', remotePort: 80, process: 'curl', pid: 54 }),
    ];
    const listening = listenerPorts(later);
    const out = later.map((c) => [c.process, c.localPort, m.departure(c, listening)]).filter(([, , d]) => d !== null);
    expect(out).toEqual([
      ['nc', 4444, 'new listener'],
      ['sshd', 22, 'new listener'],
      ['updater.exe', 61002, 'new destination'],
      ['powershell.exe', 61003, 'new destination'],
      ['beacon', 60000, 'new process'],
      ['curl', 61004, 'new destination'],
    ]);
  });

  it('refuses a broken file with the file name and the entry at fault', () => {
    const good = makeBaseline(normal, range, 0, null);
    expect(() => parseBaseline('{', 'x.json')).toThrow(/^x\.json: not JSON/);
    expect(() => parseBaseline('[]', 'x.json')).toThrow('x.json: expected a JSON object');
    expect(() => parseBaseline(JSON.stringify({ ...good, format: 'other' }), 'x.json')).toThrow('x.json: not a netmon baseline (format is "other", expected "netmon-baseline")');
    expect(() => parseBaseline(JSON.stringify({ ...good, version: 2 }), 'x.json')).toThrow('x.json: unsupported version 2 (this netmon reads version 1)');
    const badListener = { ...good, listeners: [...good.listeners, { process: 'x', protocol: 'sctp', family: 4, localAddress: '0.0.0.0', port: 1 }] };
    expect(() => parseBaseline(JSON.stringify(badListener), 'x.json')).toThrow(/^x\.json: listeners\[2\] needs/);
    expect(() => parseBaseline(JSON.stringify({ ...good, dynamicRange: { low: 9, high: 3 } }), 'x.json')).toThrow(BaselineFormatError);
    expect(() => parseBaseline(JSON.stringify({ ...good, outbound: {} }), 'x.json')).toThrow('x.json: "outbound" must be an array');
  });

  it('refuses out-of-range fields: ports past 65535, addresses that are no IP address or of the other family', () => {
    const good = makeBaseline(normal, range, 0, null);
    const listener = (e: object) => JSON.stringify({ ...good, listeners: [{ process: 'x', protocol: 'tcp', family: 4, localAddress: '0.0.0.0', port: 1, ...e }] });
    const outbound = (e: object) => JSON.stringify({ ...good, outbound: [{ process: 'x', protocol: 'tcp', remoteAddress: '10.0.0.1', remotePort: 443, ...e }] });
    expect(parseBaseline(listener({}), 'x.json').listeners).toHaveLength(1);
    expect(() => parseBaseline(listener({ port: 65536 }), 'x.json')).toThrow(/^x\.json: listeners\[0\] needs .*port \(0-65535\)$/);
    expect(() => parseBaseline(listener({ localAddress: 'anything' }), 'x.json')).toThrow(/^x\.json: listeners\[0\] needs .*localAddress \(an IP address\)/);
    expect(() => parseBaseline(listener({ localAddress: '::' }), 'x.json')).toThrow('x.json: listeners[0]: localAddress "::" is not an IPv4 address');
    expect(() => parseBaseline(outbound({ remotePort: 70000 }), 'x.json')).toThrow(/^x\.json: outbound\[0\] needs .*remotePort \(0-65535\)$/);
    expect(() => parseBaseline(outbound({ remoteAddress: '999.1.1.1' }), 'x.json')).toThrow(/^x\.json: outbound\[0\] needs .*remoteAddress \(an IP address\)/);
  });
  it('refuses a whole number written with a fraction or an exponent (443.0 reads as 443), naming the entry, line and column', () => {
    // netmon writes ports, families, the range and the version as digits only; JSON.parse alone
    // would take "port": 443.0 for 443 and match rows against a file netmon never wrote.
    const text = JSON.stringify(makeBaseline(normal, range, 0, null), null, 2);
    const refused = (from: string, to: string, path: string) => {
      const bad = text.replace(from, to);
      expect(bad).not.toBe(text);
      const at = bad.indexOf(to) + to.indexOf(': ') + 2;
      const line = bad.slice(0, at).split('\n').length;
      const column = at - bad.lastIndexOf('\n', at - 1);
      const literal = to.slice(to.indexOf(': ') + 2).replace(/,$/, '');
      expect(() => parseBaseline(bad, 'b.json')).toThrow(
        new BaselineFormatError(`b.json: ${path}: ${literal} at line ${line}, column ${column} is written with a fraction or an exponent; this field is a whole number (digits only)`),
      );
    };
    refused('"port": 22', '"port": 22.0', 'listeners[1].port');
    refused('"family": 4', '"family": 4e0', 'listeners[0].family');
    refused('"remotePort": 443', '"remotePort": 4.43E2', 'outbound[1].remotePort');
    refused('"low": 49152', '"low": 49152.0', 'dynamicRange.low');
    refused('"high": 65535', '"high": 65535.00', 'dynamicRange.high');
    refused('"version": 1,', '"version": 1.0,', 'version');
    // Any JSON whitespace before the key; a key written with escapes.
    refused('"port": 22', '\r"port": 22.0', 'listeners[1].port');
    refused('"port": 5353', '"\\u0070ort": 5353e0', 'listeners[0].port');
    // What the reader never reads is not looked at: unknown members, a port in an ephemeral entry, text in strings.
    const ignored = text
      .replace('"host": null', '"host": "\\"port\\": 1.5", "x": {"port": 1.5, "listeners": [{"port": 2.5}]}')
      .replace('{\n      "process": "resolver"', '{\n      "port": 53.0, "family": 4.0,\n      "process": "resolver"');
    expect([ignored.includes('"x": {"port": 1.5'), ignored.includes('"port": 53.0')]).toEqual([true, true]);
    expect(parseBaseline(ignored, 'b.json')).toEqual({ ...parseBaseline(text, 'b.json'), host: '"port": 1.5' });
  });

  it('quotes what it refuses in a short excerpt: a value nested too deep for JSON.stringify or megabytes long', () => {
    // Before: JSON.stringify of the whole value threw RangeError ("netmon: Maximum call stack size
    // exceeded", no file named) or put a 5 MB string into the message.
    const good = makeBaseline(normal, range, 0, null);
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => parseBaseline(`{"format":${nested}}`, 'x.json')).toThrow(`x.json: not a netmon baseline (format is ${'['.repeat(57)}..., expected "netmon-baseline")`);
    expect(() => parseBaseline(JSON.stringify({ ...good, version: 'v'.repeat(5_000_000) }), 'x.json')).toThrow(`x.json: unsupported version "${'v'.repeat(56)}... (this netmon reads version 1)`);
    expect(() => parseBaseline(`{"format":"netmon-baseline","version":${nested}}`, 'x.json')).toThrow(`x.json: unsupported version ${'['.repeat(57)}... (this netmon reads version 1)`);
  });
  it('any JSON a baseline file can hold gives a baseline or a BaselineFormatError, never another error (seeded fuzz)', () => {
    const good = JSON.parse(JSON.stringify(makeBaseline(normal, range, 0, null))) as Record<string, unknown>;
    const rand = prng(5);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const LEAVES = [0, -1, 1.5, 65536, 2 ** 53, '', 'tcp', 'udp', 'netmon-baseline', '0.0.0.0', '::', 'fe80::1%2', 'x'.repeat(5000), true, null];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.4) return pick(LEAVES);
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 3) }, () => value(depth + 1));
      const keys = ['format', 'version', 'low', 'high', 'process', 'protocol', 'family', 'localAddress', 'port', 'remoteAddress', 'remotePort', '__proto__'];
      return JSON.parse(`{${keys.filter(() => rand() < 0.3).map((k) => `${JSON.stringify(k)}:${JSON.stringify(value(depth + 1))}`).join(',')}}`) as unknown;
    };
    for (let i = 0; i < 1000; i++) {
      // Near-valid: a good baseline with one part (or one field of one entry) replaced.
      const b = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
      const key = pick(['format', 'version', 'dynamicRange', 'listeners', 'outbound', 'ephemeral', 'createdAt', 'host', '__proto__']);
      const list = b[key];
      if (Array.isArray(list) && list.length > 0 && rand() < 0.7) (list[0] as Record<string, unknown>)[pick(['process', 'protocol', 'family', 'localAddress', 'port', 'remoteAddress', 'remotePort'])] = value(1);
      else b[key] = value(0);
      const text = rand() < 0.1 ? JSON.stringify(value(0)) : JSON.stringify(b);
      try {
        parseBaseline(text, 'x.json');
      } catch (e) {
        if (!(e instanceof BaselineFormatError)) throw new Error(`${(e as Error).name} for ${text.slice(0, 300)}: ${(e as Error).message}`, { cause: e });
        expect((e as Error).message.length).toBeLessThan(600);
      }
    }
  });
});
