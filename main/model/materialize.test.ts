import { describe, expect, it } from 'vitest';
import { tableFromSpecs } from './build';
import { materializeRow, materializeTable } from './materialize';
import { createRowTable, PID_UNKNOWN, PROTO_UDP, ROW_WORDS, W } from './rows';

describe('materializeRow', () => {
  it('builds a TCP IPv4 connection with process info', () => {
    const t = tableFromSpecs([{ local: '127.0.0.1', localPort: 8080, remote: '10.1.2.3', remotePort: 51000, state: 'CLOSE-WAIT', pid: 42 }]);
    const c = materializeRow(t, 0, (pid) => (pid === 42 ? { pid, name: 'node.exe', path: 'C:\\node.exe' } : null));
    expect(c).toEqual({
      id: 'tcp4 127.0.0.1:8080 10.1.2.3:51000',
      protocol: 'tcp',
      family: 4,
      localAddress: '127.0.0.1',
      localPort: 8080,
      remoteAddress: '10.1.2.3',
      remotePort: 51000,
      state: 'CLOSE-WAIT',
      pid: 42,
      process: 'node.exe',
      processPath: 'C:\\node.exe',
    });
  });

  it('keeps IPv6 scope ids only when non-zero and maps PID_UNKNOWN to null', () => {
    const t = tableFromSpecs([
      { local: 'fe80::1', localPort: 22, localScopeId: 7, remote: 'fe80::2', remotePort: 40000, pid: null },
      { local: '::', localPort: 22, state: 'LISTEN', pid: 0 },
    ]);
    const [a, b] = [materializeRow(t, 0), materializeRow(t, 1)];
    expect(a.localScopeId).toBe(7);
    expect('remoteScopeId' in a).toBe(false);
    expect(a.pid).toBeNull();
    expect(a.process).toBeNull();
    expect(a.id).toBe('tcp6 [fe80::1%7]:22 [fe80::2]:40000');
    expect(b).toMatchObject({ localAddress: '::', remoteAddress: '::', remotePort: 0, state: 'LISTEN', pid: 0 });
    expect('localScopeId' in b).toBe(false);
  });

  it('gives UDP endpoints no remote side and no state', () => {
    const t = tableFromSpecs([{ protocol: 'udp', local: '0.0.0.0', localPort: 53, pid: 900 }]);
    const c = materializeRow(t, 0);
    expect(c).toMatchObject({ protocol: 'udp', remoteAddress: null, remotePort: null, state: null, pid: 900 });
    expect(c.id).toBe('udp4 0.0.0.0:53 *');
  });

  it('keeps the peer of a connected UDP socket', () => {
    const t = createRowTable(1);
    const o = 0;
    t.words[o + W.PROTO] = PROTO_UDP;
    t.words[o + W.FAMILY] = 4;
    t.words[o + W.LADDR] = 0x7f000001;
    t.words[o + W.LPORT] = 5353;
    t.words[o + W.RADDR] = 0x7f000002;
    t.words[o + W.RPORT] = 9;
    t.words[o + W.PID] = PID_UNKNOWN;
    t.count = 1;
    expect(materializeRow(t, 0)).toMatchObject({ remoteAddress: '127.0.0.2', remotePort: 9, state: null, pid: null });
    expect(t.words.length).toBe(ROW_WORDS);
  });

  it('uses createdAt only where known', () => {
    const t = tableFromSpecs([
      { local: '1.2.3.4', localPort: 1, remote: '5.6.7.8', remotePort: 2, createdAt: 1_700_000_000_000 },
      { local: '1.2.3.4', localPort: 1, remote: '5.6.7.8', remotePort: 3 },
    ]);
    expect(materializeRow(t, 0).createdAt).toBe(1_700_000_000_000);
    expect('createdAt' in materializeRow(t, 1)).toBe(false);
  });

  it('reports unknown state numbers as null rather than inventing a name', () => {
    const t = tableFromSpecs([{ local: '1.2.3.4', localPort: 1, remote: '5.6.7.8', remotePort: 2 }]);
    t.words[W.STATE] = 99;
    expect(materializeRow(t, 0).state).toBeNull();
  });
});

describe('materializeTable', () => {
  it('materializes one row per socket, with ids unique among rows sharing an endpoint', () => {
    const t = tableFromSpecs([
      { local: '127.0.0.1', localPort: 1, remote: '127.0.0.1', remotePort: 2, pid: 7 },
      { local: '127.0.0.1', localPort: 2, remote: '127.0.0.1', remotePort: 1, pid: 7 },
      { local: '127.0.0.1', localPort: 1, remote: '127.0.0.1', remotePort: 2, pid: 7 },
    ]);
    const rows = materializeTable(t);
    expect(rows.map((c) => c.localPort)).toEqual([1, 2, 1]);
    expect(rows.map((c) => c.id)).toEqual(['tcp4 127.0.0.1:1 127.0.0.1:2', 'tcp4 127.0.0.1:2 127.0.0.1:1', 'tcp4 127.0.0.1:1 127.0.0.1:2 #2']);
  });

  it('uses the slots it is given', () => {
    const t = tableFromSpecs([
      { protocol: 'udp', local: '0.0.0.0', localPort: 5353, pid: 1 },
      { protocol: 'udp', local: '0.0.0.0', localPort: 5353, pid: 2 },
    ]);
    expect(materializeTable(t, undefined, undefined, Uint32Array.of(2, 0)).map((c) => c.id)).toEqual(['udp4 0.0.0.0:5353 * #3', 'udp4 0.0.0.0:5353 *']);
  });
});
