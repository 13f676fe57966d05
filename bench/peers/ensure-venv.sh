#!/usr/bin/env bash
# The Python virtual environment with the benchmark's peer systems (pinned in requirements.txt).
# Prints its directory. BENCH_PEERS_VENV overrides the location (default: bench/peers/.venv).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../../test/helpers/ensure-venv.sh" "$here/requirements.txt" "${BENCH_PEERS_VENV:-$here/.venv}" "bench peers"
