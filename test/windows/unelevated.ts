// Run by native.win.ts through `runas /trustlevel:0x20000` (a restricted token: the Administrators
// group deny-only, as in an unelevated session). Tries the two admin actions on targets the
// elevated test owns and writes the results as JSON to argv[2].
// argv: out.json localAddr localPort remoteAddr remotePort pidToEnd (IPv4 as a.b.c.d).
import { writeFileSync } from 'node:fs';
import { closeTcpConnectionV4, endProcess } from '../../main/source/windows/actions';
import { koffiActionNative } from '../../main/source/windows/index';

const [out, la, lp, ra, rp, pid] = process.argv.slice(2);
const v4 = (text: string) => text.split('.').reduce((n, b) => ((n << 8) | Number(b)) >>> 0, 0);
const result: Record<string, unknown> = {};
try {
  const act = koffiActionNative();
  result.close = closeTcpConnectionV4({ localAddr: v4(la), localPort: Number(lp), remoteAddr: v4(ra), remotePort: Number(rp) }, act);
  result.end = endProcess(Number(pid), act);
} catch (e) {
  result.fatal = String((e as Error).stack ?? e);
}
writeFileSync(out, JSON.stringify(result));
