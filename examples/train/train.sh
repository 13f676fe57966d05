#!/usr/bin/env bash
# Regenerates the example churn models and the golden predictions from the Telco data.
# Creates a virtual environment with the pinned requirements on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
# save_model needs no tracking store; keep its scratch files out of the checkout.
MLFLOW_TRACKING_URI="file://$(mktemp -d)" MLFLOW_DISABLE_TELEMETRY=true "$venv/bin/python" "$here/train_churn_models.py" "$@"
