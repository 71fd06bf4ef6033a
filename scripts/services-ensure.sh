#!/bin/sh
# Makes sure Debian's PostgreSQL server and Redis server are installed, for the n8n queue-mode test
# (scripts/services.js starts private instances of them on 127.0.0.1; nothing here starts a server).
# Installs only what is missing, with apt-get, as scripts/chromium-ensure.sh does for the browser.
# The packages' own services (a cluster on 5432, redis on 6379) are never started: when the machine
# has no /usr/sbin/policy-rc.d, one that denies every service start is in place during the install.
set -e
need=""
pg_bin=""
for dir in /usr/lib/postgresql/*/bin; do
  if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then pg_bin="$dir"; fi
done
[ -n "$pg_bin" ] || need="$need postgresql"
[ -x /usr/bin/redis-server ] || need="$need redis-server"
if [ -z "$need" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
export DEBIAN_FRONTEND=noninteractive
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  policy=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\n# temporary: scripts/services-ensure.sh installs packages without starting their services\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
# another apt-get on the machine (a parallel test installing the browser) holds the lock: wait for it
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || true
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $need >/dev/null
for dir in /usr/lib/postgresql/*/bin; do
  if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then pg_bin="$dir"; fi
done
test -n "$pg_bin"
test -x /usr/bin/redis-server
