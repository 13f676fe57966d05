#!/usr/bin/env bash
# Makes sure a Python virtual environment exists and matches a requirements file, then prints its
# directory (the only line on stdout). Usage: ensure-venv.sh <requirements.txt> <venv directory> <label>
#
# The environment is rebuilt only when it is missing or when the requirements (or the python3 that
# builds it) changed: a sha256 of both is stored inside the environment once pip has finished, so
# an interrupted install is redone on the next call. A lock serializes concurrent callers (several
# vitest workers may start at once). pip's output goes to a log that is printed only on failure.
# VENV_PYTHON overrides the python3 that builds it.
set -euo pipefail
requirements="$1"
venv="$2"
label="$3"
python="${VENV_PYTHON:-python3}"

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

echo "$label: creating $venv from $requirements" >&2
rm -rf "$venv"
log="$(mktemp)"
if ! { "$python" -m venv "$venv" &&
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "$label: creating the virtual environment failed" >&2
  exit 1
fi
rm -f "$log"
echo "$wanted" >"$stamp_file"
echo "$venv"
