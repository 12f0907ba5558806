import { describe, expect, it } from 'vitest';
import { escapeParamValue, formatSyslog, octetFrame, printAscii } from './syslog';
import { parseSyslogUrl } from './syslog-exporter';
import { syslogConfig } from '../agent/config';

const e = {
  type: 'opened' as const,
  time: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  connection: { id: 'x', protocol: 'udp' as const, family: 4 as const, localAddress: '0.0.0.0', localPort: 53, remoteAddress: null, remotePort: null, state: null, pid: null, process: null },
};

describe('RFC 5424 formatting', () => {
  it('writes header, structured data and message', () => {
    expect(formatSyslog(e, 7, { facility: 16, hostname: 'web 01', appName: 'netmon', procId: 42 })).toBe(
      '<134>1 2026-01-02T03:04:05.006Z web01 netmon 42 opened [netmon@32473 seq="7" type="opened" protocol="udp" family="ipv4" localAddress="0.0.0.0" localPort="53"] \uFEFFopened udp 0.0.0.0:53 -> *:*',
    );
  });

  it('a listener has no remote side in the message text; the structured data keeps what the OS reports', () => {
    const listen = { ...e, connection: { ...e.connection, protocol: 'tcp' as const, localPort: 80, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN' as const } };
    const msg = formatSyslog(listen, 1, { facility: 16, hostname: 'h', appName: 'netmon', procId: 1 });
    expect(msg).toContain('remoteAddress="0.0.0.0" remotePort="0" state="LISTEN"');
    expect(msg.endsWith('\uFEFFopened tcp 0.0.0.0:80 -> *:* LISTEN')).toBe(true);
  });

  it('a socket no process owns (PID 0: a Linux orphan, Windows TIME-WAIT) reads "(no owner)" after its state in the text, pid 0 in the structured data', () => {
    const tcp = { ...e.connection, protocol: 'tcp' as const, localAddress: '10.0.0.5', localPort: 40001, remoteAddress: '203.0.113.7', remotePort: 443 };
    const orphan = { ...e, type: 'changed' as const, previousState: 'ESTABLISHED' as const, previousPid: 4120, connection: { ...tcp, state: 'FIN-WAIT-2' as const, pid: 0 } };
    const msg = formatSyslog(orphan, 2, { facility: 16, hostname: 'h', appName: 'netmon', procId: 1 });
    expect(msg).toContain(' pid="0" previousPid="4120"');
    expect(msg.endsWith('\uFEFFchanged tcp 10.0.0.5:40001 -> 203.0.113.7:443 ESTABLISHED -> FIN-WAIT-2 (no owner)')).toBe(true);
    const tw = { ...e, connection: { ...tcp, state: 'TIME-WAIT' as const, pid: 0, process: 'System Idle Process' } };
    expect(formatSyslog(tw, 3, { facility: 16, hostname: 'h', appName: 'netmon', procId: 1 }).endsWith(' TIME-WAIT (no owner)')).toBe(true);
    // Another user's socket without root: no PID, no owner text (unknown is not "no owner").
    expect(formatSyslog({ ...e, connection: { ...tcp, state: 'FIN-WAIT-2' as const } }, 4, { facility: 16, hostname: 'h', appName: 'netmon', procId: 1 }).endsWith(' FIN-WAIT-2')).toBe(true);
  });

  it('escapes PARAM-VALUE and keeps header fields printable ASCII', () => {
    expect(escapeParamValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    expect(printAscii('  ', 10)).toBe('-');
    expect(printAscii('höst name', 4)).toBe('hstn');
  });

  it('frames by octet count (UTF-8 bytes, not characters)', () => {
    expect(octetFrame('é').toString('utf8')).toBe('2 é');
  });

  it('reads syslog URLs and config, refusing near misses', () => {
    expect(parseSyslogUrl('tls://[::1]:6514')).toEqual({ protocol: 'tls', host: '::1', port: 6514 });
    for (const bad of ['udp://h:514', 'tcp://h', 'tcp://h:0', 'tcp://h:70000', 'h:514']) expect(parseSyslogUrl(bad)).toBeNull();
    expect(() => syslogConfig({ url: 'udp://h:514' }, 'n.json: syslog')).toThrow('n.json: syslog.url: expected "tcp://HOST:PORT" or "tls://HOST:PORT", got "udp://h:514"');
    expect(() => syslogConfig({ url: 'tcp://h:514', facility: 24 }, 's')).toThrow('s.facility: expected an integer from 0 to 23, got 24');
    expect(() => syslogConfig({ url: 'tcp://h:514', appName: 'net mon' }, 's')).toThrow(/s\.appName: expected 1-48 printable ASCII/);
    expect(syslogConfig({ url: 'tcp://h:514' }, 's')).toEqual({ target: { protocol: 'tcp', host: 'h', port: 514 }, caFile: null, facility: 16, appName: 'netmon', queueSize: 50_000 });
  });
});
