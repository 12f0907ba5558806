// Debian's rsyslog as the tests' syslog receiver: run in the foreground on a loopback port with a
// config of the test's own, writing every raw message as one line to a file; over plain TCP or,
// with the rsyslog-openssl driver, TLS (RFC 5425). Plus an RFC 5424 parser for what it wrote.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, requireTool, start, until, type Started } from './helpers';

// RFC 5424 §6 with the structured data netmon writes: one SD-ELEMENT of PARAM="VALUE" pairs.
const PARAM_VALUE = String.raw`(?:[^"\\\]]|\\["\\\]])*`;
const RFC5424 = new RegExp(
  String.raw`^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) ` +
    String.raw`\[([^ =\]"]{1,32})((?: [^ =\]"]{1,32}="${PARAM_VALUE}")*)\] \uFEFF(.*)$`,
);

export interface Syslog5424 {
  pri: number;
  hostname: string;
  msgId: string;
  params: Record<string, string>;
  msg: string;
}

/** Parses one line as RFC 5424; throws saying why not. */
export function parse5424(line: string): Syslog5424 {
  const m = RFC5424.exec(line);
  if (!m) throw new Error(`not RFC 5424: ${JSON.stringify(line)}`);
  const params: Record<string, string> = {};
  for (const p of m[8].matchAll(new RegExp(String.raw` ([^ =\]"]+)="(${PARAM_VALUE})"`, 'g'))) params[p[1]] = p[2].replace(/\\(["\\\]])/g, '$1');
  return { pri: Number(m[1]), hostname: m[3], msgId: m[6], params, msg: m[9] };
}

/** TLS files for rsyslog's ossl driver (PEM paths). */
export interface RsyslogTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface Rsyslog {
  port: number;
  /** Starts rsyslogd (unless it runs) and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops it (SIGTERM) and resolves with its exit code; null when it was not running. */
  stop(): Promise<number | null>;
  /** Every message written so far, one per line. */
  received(): string[];
}

/** An rsyslog receiver in `dir` (its config, work files and out.log), plain TCP or TLS. */
export async function rsyslogReceiver(dir: string, tls?: RsyslogTls): Promise<Rsyslog> {
  requireTool('/usr/sbin/rsyslogd', 'rsyslog');
  const libDirs = ['/usr/lib', ...readdirSync('/usr/lib').map((d) => join('/usr/lib', d))];
  if (tls && !libDirs.some((d) => existsSync(join(d, 'rsyslog', 'lmnsd_ossl.so')))) {
    throw new Error("rsyslog's TLS driver is missing: install Debian's rsyslog-openssl (npm run setup does)");
  }
  const port = await freePort();
  const out = join(dir, 'out.log');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    [
      tls
        ? `global(workDirectory="${dir}" defaultNetstreamDriver="ossl" defaultNetstreamDriverCAFile="${tls.caFile}" defaultNetstreamDriverCertFile="${tls.certFile}" defaultNetstreamDriverKeyFile="${tls.keyFile}")`
        : `global(workDirectory="${dir}")`,
      // anon: the receiver proves itself to the agent; it does not ask the agent for a certificate.
      tls ? 'module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")' : 'module(load="imtcp")',
      `input(type="imtcp" port="${port}" address="127.0.0.1")`,
      'template(name="raw" type="string" string="%rawmsg%\\n")',
      `action(type="omfile" file="${out}" template="raw")`,
      '',
    ].join('\n'),
  );
  let proc: Started | null = null;
  return {
    port,
    async start() {
      if (proc) return;
      const p = (proc = start('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslog.pid')]));
      await until(10_000, p.output, () =>
        new Promise<true | undefined>((res) => {
          const s = connect(port, '127.0.0.1', () => (s.destroy(), res(true)));
          s.on('error', () => res(undefined));
        }),
      );
    },
    async stop() {
      const p = proc;
      proc = null;
      return p ? p.stop() : null;
    },
    received: () => completeLines(existsSync(out) ? readFileSync(out, 'utf8') : ''),
  };
}

/**
 * The lines of `text` that are whole: rsyslog may be writing the last one as it is read, and a cut
 * line is not a malformed message (a test that read it failed once with "not RFC 5424").
 */
export function completeLines(text: string): string[] {
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
}
