#!/bin/sh
# Makes sure Debian's chromium is installed at /usr/bin/chromium for the browser test
# (playwright-core drives it; no browser download through playwright).
set -e
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
export DEBIAN_FRONTEND=noninteractive
# another apt-get (scripts/prefetch-tools.js, the services) may hold the lock: wait for it
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || true
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
test -x /usr/bin/chromium
