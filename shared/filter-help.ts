// The filter language's documentation, one text for `netmon <command> --help` and the app's
// filter help, so the two cannot drift apart.
import { MAX_FILTER_LENGTH } from './filter-lexer';

/** Plain text, lines ≤ 96 columns, no trailing newline. */
export const FILTER_HELP = `Filter expressions (the same in the app and the CLI; quote EXPR for the shell):
  Terms side by side must all match; A | B matches either; ( ) group; -TERM or -( … ) negates.
  AND binds tighter than |:  proto:udp | port:22 family:4  =  proto:udp | (port:22 family:4).
  Case does not matter. Lists: port:80,443 (or port:80|443 without spaces) match any value.
  word              any field as netmon prints it contains it: endpoint text (1.2.3.4:80,
                    [fe80::1%2]:22, *:* for the remote side of a listener or UDP socket, which
                    have none, LOCAL→REMOTE as watch prints it),
                    port, pid, state, process name or path, protocol (tcp6), host name;
                    a bare CIDR such as 10.0.0.0/8 means addr:
  port:N  port:A-B  local or remote port (lport: / rport: for one side); port>1023 and the other
                    comparisons work too. A listener or UDP socket has no remote port or address:
                    rport:, raddr: and the remote half of port: / addr: never match it
  addr:IP           exact address (IPv4 also matches its ::ffff: form; fe80::1%2 only scope 2);
                    addr:CIDR (10.0.0.0/8, fe80::/10); addr:ENDPOINT as printed (1.2.3.4:80,
                    [fe80::1%2]:22); addr:*:* = no remote side (listeners, UDP); other text
                    matches as a substring
                    (laddr: / raddr: for one side)
  state:NAME        TCP state; - _ and case ignored (time_wait, TIME-WAIT), ss/netstat names
                    (estab, syn-recv, listening) and unambiguous prefixes work; state:none = UDP
  pid:N  pid:A-B    owning process id
  proc:TEXT         process name or path contains TEXT (proc:"my app" for spaces)
  owner:none        no process owns the socket (TIME-WAIT, an orphan after close(): shown
                    as "FIN-WAIT-2 (no owner)"); owner:unknown = an owner netmon cannot name,
                    shown as (unknown) (another user's socket without root)
  family:4|6        also ipv4 / ipv6
  proto:tcp|udp     also protocol:, and tcp4 / tcp6 / udp4 / udp6
  host:TEXT         reverse-DNS name of the remote address contains TEXT (needs name resolution:
                    the app's setting; the CLI never resolves and warns)
  Traffic (TCP, where the OS gives counters), compared with > >= < <= = (or key:VALUE for =;
  there is no != or <>: negate, -retrans:0):
  rate>1M           send + receive rate in bytes/s (sendrate / recvrate for one direction)
  sent>=10MiB       bytes sent, retransmitted bytes included (recv: bytes received in order);
                    units B, k M G or kB MB GB (×1000), Ki Mi Gi or KiB MiB GiB (×1024); rates
                    may end in /s (rate>1MB/s)
  rtt>100ms         smoothed round-trip time; units us (µs), ms (default), s
  retrans>0         retransmitted segments, a whole number (k M G allowed)
  limited:rwin      what limited the sender: rwin (receiver), cwnd (network), app (sender)
  A row without the value (UDP, no counters yet) never matches a comparison, so -rate>1M does
  match it. At most ${MAX_FILTER_LENGTH} characters.
  Examples:  state:estab -addr:127.0.0.0/8      port:80,443 | proc:nginx      -state:listen family:6
             state:listen -port:0-1023          10.0.0.0/8 rate>1MiB
             (rtt>100ms | retrans>0) -state:time-wait`;
