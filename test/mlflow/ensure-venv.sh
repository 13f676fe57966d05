#!/usr/bin/env bash
# The Python virtual environment with a real MLflow server and client (pinned in requirements.txt).
# Prints its directory. MLFLOW_TEST_VENV overrides the location (default: test/mlflow/.venv).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../helpers/ensure-venv.sh" "$here/requirements.txt" "${MLFLOW_TEST_VENV:-$here/.venv}" "mlflow"
