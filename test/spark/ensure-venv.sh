#!/usr/bin/env bash
# Makes sure the Python virtual environment for the Spark SQL parser harness exists and matches
# requirements.txt, then prints its directory (the only line on stdout).
#
# The environment is rebuilt only when it is missing or when requirements.txt (or the python3 that
# builds it) changed: a sha256 of both is stored inside the environment once pip has finished, so
# an interrupted install is redone on the next call. A lock serializes concurrent callers (several
# vitest workers may start at once). pip's output goes to a log that is printed only on failure.
#
# SPARK_PARSER_VENV overrides the location (default: test/spark/.venv beside this script).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
requirements="$here/requirements.txt"
venv="${SPARK_PARSER_VENV:-$here/.venv}"
python="${SPARK_PARSER_PYTHON:-python3}"

stamp_of_inputs() {
  { sha256sum <"$requirements"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9

wanted="$(stamp_of_inputs)"
stamp_file="$venv/.requirements.sha256"
if [ -x "$venv/bin/python" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$wanted" ]; then
  echo "$venv"
  exit 0
fi

echo "spark parser: creating $venv from $requirements (first run downloads ~450 MB)" >&2
rm -rf "$venv"
log="$(mktemp)"
if ! { "$python" -m venv "$venv" &&
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "spark parser: creating the virtual environment failed" >&2
  exit 1
fi
rm -f "$log"
echo "$wanted" >"$stamp_file"
echo "$venv"
