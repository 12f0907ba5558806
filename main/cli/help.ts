// Usage texts for `netmon --help` and `netmon <command> --help`.
import { FILTER_HELP } from '../../shared/filter-help';
import { DEFAULT_INTERVAL_MS, MAX_INTERVAL_MS, MIN_INTERVAL_MS } from '../../shared/ipc';
import { CONNECTION_JSON_FIELDS } from '../../shared/connection';
import { MAX_ESTATS_CONNECTIONS } from '../source/windows/estats';

/** `text` broken at spaces into lines of at most `width` characters: the first starts with `first`, the rest with `rest`. */
function wrapWords(text: string, first: string, rest: string, width: number): string {
  const lines: string[] = [];
  let indent = first;
  let cur = first;
  for (const word of text.split(' ')) {
    if (cur.length > indent.length && cur.length + 1 + word.length > width) {
      lines.push(cur);
      indent = cur = rest;
    }
    cur += (cur.length > indent.length ? ' ' : '') + word;
  }
  lines.push(cur);
  return lines.join('\n');
}

/** `a, b, c` broken into indented lines of at most `width` characters. */
const wrapList = (items: readonly string[], indent: string, width: number): string => wrapWords(items.join(', '), indent, indent, width);

/** `--interval MS` of every command that polls twice (top, and snapshot / ports / baseline save when rates are needed). */
export const TWO_POLL_INTERVAL_HELP = `time between the two polls (default ${DEFAULT_INTERVAL_MS}, ${MIN_INTERVAL_MS}-${MAX_INTERVAL_MS})`;

/**
 * Why and when a one-shot command polls twice; `also`: its own reasons beyond the filter and
 * --interval (snapshot: --sort rate, --traffic, a text table with traffic columns). Ends with a newline.
 */
export function twoPollsNote(also: string | null = null): string {
  return `${wrapWords(
    'Rates (sendRate, receiveRate, bytes/s) and limitedBy need two polls: the rate is what moved between them (on Linux a ' +
      'connection opened between the two has its bytes over the interval as its rate; limitedBy needs it in both). ' +
      `netmon polls twice, --interval apart (default ${DEFAULT_INTERVAL_MS} ms), and uses the second table when --filter ` +
      `uses rate, sendrate, recvrate or limited:${also ? `, when ${also}` : ''}, or when --interval is given. Otherwise it ` +
      'polls once, and those values are unknown (null), so rate> would match nothing.',
    '',
    '',
    96,
  )}
`;
}

/**
 * What the traffic fields count, for the help of the commands that print them. Sent is RFC 4898
 * HCDataOctetsOut (Linux tcpi_bytes_sent, Windows EStats DataBytesOut): retransmitted bytes count
 * again, while the peer's received bytes count each byte once, in order.
 */
export const TRAFFIC_FIELDS_HELP = wrapWords(
  'Traffic (TCP): SENT (bytesSent) counts every byte put on the wire, retransmissions included (RFC 4898 ' +
    'DataOctetsOut: Linux tcpi_bytes_sent, Windows DataBytesOut); RECEIVED (bytesReceived) counts payload ' +
    "received in order, each byte once. So one end's SENT exceeds the other end's RECEIVED by the bytes it " +
    'retransmitted. ' +
    'Where the OS gives nothing (UDP, listeners, TIME-WAIT, the procfs backend, Windows without administrator; ' +
    `on Windows also SYN-SENT and SYN-RECEIVED, and connections beyond the ${MAX_ESTATS_CONNECTIONS.toLocaleString('en-US')} EStats is read for a poll) ` +
    'the value is — (null in JSON, empty in CSV), never 0; when a --filter or --sort reads traffic ' +
    'and the source has no counters, or left some beyond its cap, netmon says why on stderr.',
  '',
  '',
  96,
);

/**
 * The `--tables MODE` entry of every command that reads the table, its description starting at
 * column `col` (the other options' column in that help).
 */
export function tablesHelp(col: number): string {
  return wrapWords(
    `Linux: where the tables come from: auto (netlink sock_diag, falling back to procfs where it is refused; ` +
      'the default), netlink (fail rather than fall back), procfs (/proc/net: no traffic counters, no IPv6 scope ids). ' +
      'netlink or procfs with another source (demo, or windows) is refused',
    '  --tables MODE'.padEnd(col),
    ' '.repeat(col),
    96,
  );
}

/** The --source and --tables entries of snapshot and watch, descriptions at column `col`. */
const sourceHelp = (col: number): string =>
  `${wrapWords(
    'where connections come from: auto (this OS; default), linux, windows, demo (a simulated busy machine, deterministic)',
    '  --source KIND'.padEnd(col),
    ' '.repeat(col),
    96,
  )}\n${tablesHelp(col)}`;

/**
 * netmon's exit codes and what each means, as `netmon --help` lists them; the README's "Exit codes:"
 * sentence says the same words (a test compares them). 3 comes from `ports --check` (main/cli/ports.ts).
 */
export const EXIT_CODES: readonly (readonly [code: number, meaning: string])[] = [
  [0, 'ok (also on Ctrl-C)'],
  [1, 'failed while working: the connection table could not be read, the output could not be written, or a replayed file holds no events'],
  [2, 'bad usage, also a file or directory named that cannot be used (missing, of the wrong kind, unreadable), said before anything runs'],
  [3, '`ports --check` found an address at or over the threshold'],
];

export const MAIN_HELP = `netmon — live TCP/UDP connection monitor

Usage:
  netmon snapshot [options]   print the current connection table and exit
  netmon watch [options]      stream opened / closed / changed events until Ctrl-C
  netmon ports [options]      ephemeral port usage per local address (port exhaustion)
  netmon top [options]        the busiest connections or processes (rate, bytes, RTT)
  netmon baseline save FILE   mark what is normal now; then snapshot/watch --baseline FILE
  netmon replay FILE...       print the events of recordings (NDJSON or CSV), filtered
  netmon serve [options]      run the app in a browser (loopback web server)
  netmon agent [options]      headless: export metrics and events to Prometheus, OTLP, syslog
  netmon help [command]       show help for a command
  netmon --version

Exit codes:
${EXIT_CODES.map(([code, meaning]) => wrapWords(meaning, `  ${code}  `, '     ', 92)).join('\n')}
Run \`netmon <command> --help\` for the options of a command.
`;

export const SNAPSHOT_HELP = `Usage: netmon snapshot [--json | --csv] [--filter EXPR] [--sort rate|bytes] [--traffic]
                       [--interval MS] [--source KIND] [--tables MODE] [--baseline FILE]

Reads the connection table (twice when rates are needed: see below) and prints it: an
aligned table with a header by default, one JSON object per line with --json, or CSV with a
header row with --csv. JSON and CSV carry every field of a connection, null (CSV: empty)
where unknown; times are ISO 8601 UTC; CSV addresses carry their IPv6 scope (fe80::1%2) and
cells that would start a spreadsheet formula (= + - @ tab CR) are prefixed with '. The
fields, in order:
${wrapList(CONNECTION_JSON_FIELDS, '  ', 92)}
firstSeenAt, lastChangeAt and preexisting mean what the app shows: a row already there at the
first poll is preexisting (open before netmon looked), first seen and last changed at that
poll, as the app shows rows open when it started; a row new at the second poll (when netmon
polls twice) is not preexisting and first seen then.
The text table gets the traffic columns (SEND/S RECV/S SENT RECEIVED RTT RETRANS LIMITED, as
netmon top prints them) when --filter or --sort reads a traffic field, or with --traffic.
${TRAFFIC_FIELDS_HELP}

${twoPollsNote('--sort rate or --traffic is given or the text table shows the traffic columns')}
Options:
  --json             NDJSON output
  --csv              CSV output (RFC 4180)
  -f, --filter EXPR  only connections matching EXPR (see below)
  --sort rate|bytes  busiest first, by send + receive rate (polls twice) or by bytes moved, as
                     netmon top ranks them; rows without the value come last
  --traffic          the traffic columns in the text table, polling twice for the rates (JSON
                     and CSV always carry those fields; with --traffic they poll twice too)
  -i, --interval MS  ${TWO_POLL_INTERVAL_HELP}
  --baseline FILE    only connections that depart from the baseline FILE (netmon baseline --help)
${sourceHelp(21)}
  -h, --help         this help

${FILTER_HELP}
`;

export const WATCH_HELP = `Usage: netmon watch [--json] [--interval MS] [--filter EXPR] [--source KIND] [--tables MODE]
                   [--initial] [--utc] [--date] [--baseline FILE] [--traffic]
                   [--output FILE [--format ndjson|csv] [--max-size BYTES] [--max-files N] [--quiet]]

Polls the connection table and prints one line per event until stopped (Ctrl-C or SIGTERM
exit 0 after flushing output). Connections that already exist when watching starts are not
reported unless --initial is given (then each is reported once as "opened"). A failed poll
prints a line to stderr and polling goes on. With --filter, a connection is reported by an
opened or changed event whose row matches (or counts as reported when it matches at the
start); one that comes to match without an event of its own (a counter or rate update: rates
exist from the second poll, so rate> matches nothing at the first) is reported then, with or
without --initial: text MATCHED, JSON an "opened" event with "matched":true (a "changed" one if
it was reported before). A reported connection that stops matching, by a change (the changed
event itself) or by its traffic, gets one line: text UNMATCHED, JSON a "changed" event with
"matched":false; its changes are then not shown until it matches again, and its close is shown
whether its last row matches or not. Closes of connections never reported are not shown. When
the filter reads traffic and the source has no counters (the procfs backend, Windows without
administrator), netmon says why on stderr, once.

Text lines:  TIME TYPE PROTO LOCAL→REMOTE STATE pid PID PROCESS   (changed: (OLD→NEW) state)
             with --traffic, or a --filter that reads traffic, followed by
             (send/s RATE, recv/s RATE, sent BYTES, received BYTES, rtt MS, retrans N, limited BY)
JSON lines:  {"type":"opened|closed|changed","time":ISO-8601,"connection":{…},"previousState":…}
             ("matched":true on an event of a connection that came to match the filter,
             "matched":false on a changed event of one that stopped matching)
Every connection carries the run's times, as the app's events do: firstSeenAt (the poll that
first saw it; for connections present at start, the first poll, with preexisting true),
lastChangeAt (its last state or owner change, else firstSeenAt) and preexisting.

Options:
  --json              NDJSON output
  -i, --interval MS   poll interval, ${MIN_INTERVAL_MS}–${MAX_INTERVAL_MS} ms (default 1000)
  -f, --filter EXPR   only events whose connection matches EXPR (see below)
${sourceHelp(22)}
  --initial           report the connections present at start as "opened"
  --baseline FILE     only events whose connection departs from the baseline FILE
  --traffic           text lines end with the connection's traffic (implied when --filter
                      reads a traffic field; JSON events always carry it)
  --utc               print text times in UTC (suffixed Z) instead of local time
  --date              print the date and zone in text lines (2024-05-01T14:03:07.250+02:00);
                      JSON times are always ISO 8601 UTC
  -q, --quiet         print nothing to stdout (useful with --output)
  -o, --output FILE   also record the events to FILE, rotating it: when FILE would grow past
                      --max-size it becomes FILE.1 (FILE.1 becomes FILE.2, …); an existing
                      FILE is appended to
  --format FMT        recording format: ndjson (default; the --json lines) or csv (with a
                      header row at the top of every file)
  --max-size BYTES    rotate the recording at this size (default 10MiB; suffixes K, M, G = KiB, MiB, GiB)
  --max-files N       files kept, FILE included (default 5)
  -h, --help          this help

${FILTER_HELP}
`;
