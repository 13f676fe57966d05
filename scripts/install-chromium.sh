#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with playwright-core (no browser download: this
# machine reaches Debian's packages, not a browser vendor's). Installs it when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Installing Chromium needs root: run 'apt-get install -y chromium' as root, then again." >&2
    exit 1
  fi
}
export DEBIAN_FRONTEND=noninteractive
run_as_root apt-get install -y --no-install-recommends chromium \
  || { run_as_root apt-get update && run_as_root apt-get install -y --no-install-recommends chromium; }
