#!/usr/bin/env bash
# Installs what netmon's commands need, and only what is missing, so `npm test` and `npm run serve`
# can run it first on a fresh machine and again on every run (a second run takes a moment):
#   - system tools the tests drive: Chromium (UI end to end), Wine (the Windows source for real),
#     iproute2's `ss` and `ip` (cross-checks, network namespaces), Prometheus, rsyslog with its
#     OpenSSL driver and the openssl CLI (the agent's exporters against real receivers, over TLS
#     with certificates the tests make);
#   - the project's npm dependencies (`npm ci`, repeated only when package-lock.json changed).
# Electron's binary cannot be fetched everywhere: the desktop shell is optional for building and testing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || [ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/lib/wine/wine64 ] || have wine64 || need+=(wine64)
have ss && have ip || need+=(iproute2)
[ -x /usr/bin/prometheus ] || need+=(prometheus)
[ -x /usr/sbin/rsyslogd ] || need+=(rsyslog)
# rsyslog's OpenSSL stream driver: the TLS syslog receiver (RFC 5425) of the agent's tests.
compgen -G '/usr/lib/*/rsyslog/lmnsd_ossl.so' >/dev/null || [ -e /usr/lib/rsyslog/lmnsd_ossl.so ] || need+=(rsyslog-openssl)
have openssl || need+=(openssl)
# systemd-analyze checks the agent's unit file (nothing is started: no systemd runs here).
[ -x /usr/bin/systemd-analyze ] || need+=(systemd)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif have sudo; then sudo="sudo"; else
    echo "setup: need ${need[*]} but am not root and have no sudo; install them and run again" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
stamp=node_modules/.netmon-lock-sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
echo "setup: ok"
