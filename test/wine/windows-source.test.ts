// The real Windows source (koffi → iphlpapi.dll / kernel32.dll) in Windows Node under Wine, against
// sockets the probe opens in its own process. One Windows Node run does all the checks.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PID_UNKNOWN, PROTO_TCP, PROTO_UDP, type RowFields } from '../../main/model/rows';
import { bundleForWindows, prepareWine, runWindowsNode, winPath, RUNTIME_DIR } from './wine-env';

/** What the probe writes for each row (see probe.ts). */
interface Row extends RowFields {
  createdAt: number | null;
}
type Attempt<T> = { ok: true; value: T } | { ok: false; error: string; code?: number };
interface Read {
  rows: Row[];
  functions: { active: (string | null)[]; skipped: string[] };
  firstReadMs: number;
  secondReadMs: number;
}
interface Probe {
  pid: number;
  platform: string;
  fatal?: string;
  sockets: { listen4: number; client4: number; listen6: number; client6: number; udp4: number; udp6: number };
  reads: Record<'auto' | 'table2' | 'legacy', Attempt<Read>>;
  processInfo: Record<'self' | 'idle' | 'system' | 'bogus', { pid: number; name: string | null; path: string | null } | null>;
  nullSize: Attempt<unknown>;
  tinyBuffer: { code: number; needed: number };
  closeV4: Attempt<{ ok: boolean; reason?: string; code: number; needsAdmin?: boolean }>;
  afterClose: Row[];
  endBogus: Attempt<{ ok: boolean; reason?: string; code: number }>;
  endSystem: Attempt<{ ok: boolean; reason?: string; code: number }>;
  endChild: { pid: number; result: Attempt<{ ok: boolean; reason?: string; code: number }> };
  childExit: number | string | null;
  details: { pid: number; name: string | null; startTime: number | null } | null;
}

const LOOP4 = [0x7f000001, 0, 0, 0];
const LOOP6 = [0, 0, 0, 1];
const ESTAB = 5;
const LISTEN = 2;

let probe: Probe;
let runMs = 0;

function ok<T>(a: Attempt<T>): T {
  if (!a.ok) throw new Error(`probe step failed: ${a.error}`);
  return a.value;
}

beforeAll(async () => {
  const w = prepareWine();
  const script = await bundleForWindows(join(__dirname, 'probe.ts'), 'probe.cjs');
  const outFile = join(RUNTIME_DIR, `probe-${process.pid}.json`);
  rmSync(outFile, { force: true });
  const r = runWindowsNode(w, script, [winPath(outFile)], 240_000);
  runMs = r.ms;
  if (!existsSync(outFile)) throw new Error(`the probe wrote no result (exit ${r.status}).\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  probe = JSON.parse(readFileSync(outFile, 'utf8')) as Probe;
  rmSync(outFile, { force: true });
  console.log(`[wine] Windows Node run took ${runMs} ms; Wine reports the probe's sockets with pid ${JSON.stringify(
    ok(probe.reads.table2).rows.filter((x) => x.lport === probe.sockets.listen4).map((x) => x.pid),
  )} (probe pid ${probe.pid})`);
  console.log(`[wine] read ms: ${JSON.stringify(Object.fromEntries(Object.entries(probe.reads).map(([k, v]) => [k, v.ok ? [v.value.firstReadMs.toFixed(2), v.value.secondReadMs.toFixed(2)] : v.error])))}`);
  console.log(`[wine] functions: ${JSON.stringify(Object.fromEntries(Object.entries(probe.reads).map(([k, v]) => [k, v.ok ? v.value.functions : null])))}`);
  const auto = probe.reads.auto.ok ? probe.reads.auto.value.rows : [];
  console.log(`[wine] OWNER_MODULE createdAt of the probe's rows: ${JSON.stringify(auto.filter((x) => x.proto === PROTO_TCP && Object.values(probe.sockets).includes(x.lport)).map((x) => x.createdAt))}`);
  console.log(`[wine] close: ${JSON.stringify(probe.closeV4)} after: ${JSON.stringify(probe.afterClose.map((x) => [x.lport, x.rport, x.state]))}`);
  console.log(`[wine] end: bogus ${JSON.stringify(probe.endBogus)} child ${JSON.stringify(probe.endChild)} exit ${probe.childExit}`);
});

describe('Windows source under Wine', () => {
  it('ran in Windows Node without a fatal error', () => {
    expect(probe.fatal).toBeUndefined();
    expect(probe.platform).toBe('win32');
  });

  function expectOwnSockets(rows: Row[], withPid: boolean) {
    const s = probe.sockets;
    const find = (family: number, lport: number, rport: number) => rows.filter((r) => r.proto === PROTO_TCP && r.family === family && r.lport === lport && r.rport === rport);
    const l4 = find(4, s.listen4, 0);
    expect(l4).toHaveLength(1);
    expect(l4[0].state).toBe(LISTEN);
    expect(l4[0].laddr).toEqual(LOOP4);
    const c4 = find(4, s.client4, s.listen4);
    expect(c4).toHaveLength(1);
    expect(c4[0].state).toBe(ESTAB);
    expect(c4[0].raddr).toEqual(LOOP4);
    expect(find(4, s.listen4, s.client4)[0]?.state).toBe(ESTAB);
    const l6 = find(6, s.listen6, 0);
    expect(l6).toHaveLength(1);
    expect(l6[0].state).toBe(LISTEN);
    expect(l6[0].laddr).toEqual(LOOP6);
    const c6 = find(6, s.client6, s.listen6);
    expect(c6).toHaveLength(1);
    expect(c6[0].state).toBe(ESTAB);
    expect(c6[0].raddr).toEqual(LOOP6);
    expect(find(6, s.listen6, s.client6)[0]?.state).toBe(ESTAB);
    for (const r of [l4[0], c4[0], l6[0], c6[0]]) {
      if (withPid) expect(r.pid).not.toBe(PID_UNKNOWN);
      else expect(r.pid).toBe(PID_UNKNOWN);
    }
  }

  it('GetTcpTable2 / GetTcp6Table2 see the probe\'s IPv4 and IPv6 listeners and connections', () => {
    const r = ok(probe.reads.table2);
    expect(r.functions.active).toEqual(['GetTcpTable2', 'GetTcp6Table2']);
    expectOwnSockets(r.rows, true);
  });

  it('the forced fallback GetTcpTable / GetTcp6Table decodes the same connections (no PID)', () => {
    const legacy = ok(probe.reads.legacy);
    expect(legacy.functions.active).toEqual(['GetTcpTable', 'GetTcp6Table']);
    expectOwnSockets(legacy.rows, false);
    const key = (x: Row) => `${x.family} ${x.laddr} ${x.lport} ${x.raddr} ${x.rport} ${x.state}`;
    const own = new Set(Object.values(probe.sockets));
    const mine = (rows: Row[]) => rows.filter((x) => own.has(x.lport) || own.has(x.rport)).map(key).sort();
    expect(mine(legacy.rows)).toEqual(mine(ok(probe.reads.table2).rows));
  });

  it('the default mode reads TCP (extended or *2) plus UDP endpoints', () => {
    const r = ok(probe.reads.auto);
    expectOwnSockets(r.rows, true);
    const s = probe.sockets;
    const u4 = r.rows.filter((x) => x.proto === PROTO_UDP && x.family === 4 && x.lport === s.udp4);
    const u6 = r.rows.filter((x) => x.proto === PROTO_UDP && x.family === 6 && x.lport === s.udp6);
    expect(u4).toHaveLength(1);
    expect(u4[0].laddr).toEqual(LOOP4);
    expect(u4[0].state).toBe(0);
    expect(u4[0].rport).toBe(0);
    expect(u6).toHaveLength(1);
    expect(u6[0].laddr).toEqual(LOOP6);
    // OWNER_MODULE creation times: Wine 8 leaves them 0 (→ NaN → null in JSON); where present
    // they must be plausible epoch ms (this machine's last day).
    for (const x of r.rows.filter((y) => y.proto === PROTO_TCP && y.lport === s.client4)) {
      if (x.createdAt !== null) expect(Math.abs(Date.now() - x.createdAt)).toBeLessThan(86_400_000);
    }
  });

  it('error paths: NULL size pointer → ERROR_INVALID_PARAMETER message; tiny buffer → 122 with the size needed', () => {
    expect(probe.nullSize.ok).toBe(false);
    if (!probe.nullSize.ok) {
      expect(probe.nullSize.code).toBe(87);
      expect(probe.nullSize.error).toMatch(/GetTcpTable2 failed: invalid parameter \(ERROR_INVALID_PARAMETER\)/);
    }
    expect(probe.tinyBuffer.code).toBe(122);
    expect(probe.tinyBuffer.needed).toBeGreaterThanOrEqual(4 + 28 * 4);
    expect((probe.tinyBuffer.needed - 4) % 28).toBe(0);
  });

  it('process names: System Idle / System, and the probe itself by image name', () => {
    expect(probe.processInfo.idle?.name).toBe('System Idle Process');
    expect(probe.processInfo.system?.name).toBe('System');
    expect(probe.processInfo.self?.name?.toLowerCase()).toBe('node.exe');
    expect(probe.processInfo.self?.path).toMatch(/node\.exe$/i);
    expect(probe.processInfo.bogus).toEqual({ pid: 0x7ffffff0, name: null, path: null });
    // GetProcessTimes through koffi: the probe started moments ago.
    expect(probe.details?.name?.toLowerCase()).toBe('node.exe');
    expect(Math.abs(Date.now() - (probe.details?.startTime ?? 0))).toBeLessThan(10 * 60_000);
  });

  it('close connection: SetTcpEntry(DELETE_TCB) answers with a well-formed result', () => {
    // Wine 8's SetTcpEntry is a stub that returns NO_ERROR and closes nothing (logged above);
    // on Windows a non-elevated caller gets needsAdmin.
    const r = ok(probe.closeV4);
    if (r.ok) expect(r.code).toBe(0);
    else expect(r.reason).toMatch(/close connection: /);
    expect(probe.afterClose.length).toBeGreaterThan(0);
  });

  it('end process: a bogus PID fails with the OS reason; PID 4 is refused; a child node.exe is ended', () => {
    const bogus = ok(probe.endBogus);
    expect(bogus.ok).toBe(false);
    expect(bogus.reason).toBe('end process 2147483632: no process with this PID (it may have exited)');
    expect(bogus.code).toBe(87);
    expect(ok(probe.endSystem).ok).toBe(false);
    const child = ok(probe.endChild.result);
    expect(child).toEqual({ ok: true, code: 0 });
    expect(probe.childExit).toBe(1);
  });
});
