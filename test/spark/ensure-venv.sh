#!/usr/bin/env bash
# The Python virtual environment for the Spark SQL harness (pyspark, pinned in requirements.txt;
# the first run downloads ~450 MB). Prints its directory. SPARK_PARSER_VENV overrides the location
# (default: test/spark/.venv), SPARK_PARSER_PYTHON the python3 that builds it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
VENV_PYTHON="${SPARK_PARSER_PYTHON:-python3}" exec "$here/../helpers/ensure-venv.sh" \
  "$here/requirements.txt" "${SPARK_PARSER_VENV:-$here/.venv}" "spark parser"
