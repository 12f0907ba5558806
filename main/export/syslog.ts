// RFC 5424 syslog messages for connection events, and RFC 6587 octet-counting framing.
// Grammar: RFC 5424 §6 (https://www.rfc-editor.org/rfc/rfc5424#section-6).
import { TRAFFIC_FIELDS, type ConnectionEvent } from '../../shared/connection';
import { eventMatchedMark, eventTypeWord, formatEndpoint, isoTime, ownerlessState, remoteEndpoint } from '../../shared/format';

/**
 * SD-ID of netmon's structured data: `name@PEN`. 32473 is the Private Enterprise Number RFC 5612
 * reserves for documentation and examples; netmon has no PEN of its own.
 */
export const SD_ID = 'netmon@32473';
/** local0 (RFC 5424 §6.2.1 facility 16), severity informational (6). */
export const DEFAULT_FACILITY = 16;
const SEVERITY_INFO = 6;

export interface SyslogHeader {
  /** 0–23 (RFC 5424 table 1). */
  facility: number;
  /** HOSTNAME: 1–255 printable US-ASCII, no spaces (sanitized here). */
  hostname: string;
  /** APP-NAME, 1–48 printable US-ASCII. */
  appName: string;
  /** PROCID, the agent's process id. */
  procId: number;
}

/** Printable US-ASCII (33–126) only, cut to `max`; "-" (NILVALUE) when nothing is left. */
export function printAscii(text: string, max: number): string {
  const clean = text.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` take a backslash. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** The event's fields as SD-PARAMs, in a fixed order; absent / null fields are left out. */
export function eventParams(e: ConnectionEvent, seq: number): Array<[string, string]> {
  const c = e.connection;
  const p: Array<[string, string | number | boolean | null | undefined]> = [
    ['seq', seq],
    ['type', e.type],
    // A filtered stream's mark: true came to match the agent's filter, false stopped matching.
    ['matched', eventMatchedMark(e)],
    ['protocol', c.protocol],
    ['family', c.family === 6 ? 'ipv6' : 'ipv4'],
    ['localAddress', c.localAddress],
    ['localPort', c.localPort],
    ['localScopeId', c.localScopeId],
    ['remoteAddress', c.remoteAddress],
    ['remotePort', c.remotePort],
    ['remoteScopeId', c.remoteScopeId],
    ['state', c.state],
    ['previousState', e.previousState],
    ['pid', c.pid],
    ['previousPid', e.previousPid],
    ['process', c.process],
    ['processPath', c.processPath],
    ['processStartTime', isoTime(c.processStartTime)],
    // The run's times, as every other output carries them (the engine's history stamps them).
    ['createdAt', isoTime(c.createdAt)],
    ['firstSeenAt', isoTime(c.firstSeenAt)],
    ['lastChangeAt', isoTime(c.lastChangeAt)],
    ['preexisting', c.preexisting],
    ['remoteHost', c.remoteHost],
    // Every traffic field, by the one list every output takes its columns from.
    ...TRAFFIC_FIELDS.map((f): [string, string | number | null | undefined] => [f, c[f]]),
  ];
  return p.filter((kv): kv is [string, string | number | boolean] => kv[1] !== null && kv[1] !== undefined).map(([k, v]) => [k, String(v)]);
}

/**
 * One line a person reads, e.g. `opened tcp 10.0.0.5:50522 -> 203.0.113.7:443 ESTABLISHED pid 4120 (curl)`,
 * `changed tcp … ESTABLISHED -> FIN-WAIT-2 (no owner)` for a socket no process owns (ownerlessState).
 */
export function eventText(e: ConnectionEvent): string {
  const c = e.connection;
  const remote = remoteEndpoint(c);
  const state = e.type === 'changed' && e.previousState !== undefined ? `${e.previousState ?? 'none'} -> ${c.state ?? 'none'}` : (c.state ?? '');
  // A socket no process owns (TIME-WAIT, an orphan: PID 0) reads as everywhere else, `FIN-WAIT-2 (no owner)`.
  const owner = c.pid === null ? '' : ownerlessState(c) !== null ? ' (no owner)' : ` pid ${c.pid}${c.process ? ` (${c.process})` : ''}`;
  return `${eventTypeWord(e).toLowerCase()} ${c.protocol} ${formatEndpoint(c.localAddress, c.localPort, c.localScopeId)} -> ${remote} ${state}`.trimEnd() + owner;
}

/**
 * One RFC 5424 SYSLOG-MSG for a connection event: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * [netmon@32473 …] BOM MSG`. TIMESTAMP is the event's poll time (UTC, milliseconds); MSGID the
 * event type; `seq` numbers the agent's events so a receiver can drop the duplicates a reconnect
 * may resend.
 */
export function formatSyslog(e: ConnectionEvent, seq: number, h: SyslogHeader): string {
  const pri = h.facility * 8 + SEVERITY_INFO;
  const sd = `[${SD_ID}${eventParams(e, seq).map(([k, v]) => ` ${k}="${escapeParamValue(v)}"`).join('')}]`;
  const time = Number.isFinite(e.time) ? new Date(e.time).toISOString() : '-';
  return `<${pri}>1 ${time} ${printAscii(h.hostname, 255)} ${printAscii(h.appName, 48)} ${h.procId} ${printAscii(e.type, 32)} ${sd} \uFEFF${eventText(e)}`;
}

/** RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes (UTF-8). */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
