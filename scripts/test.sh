#!/usr/bin/env bash
# Runs every test the way CI does: installs what is missing, then the whole pytest suite (browser and PostgreSQL
# tests included). pytest's exit 5 (no tests collected) counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
python3 -m pytest --screenshot only-on-failure --output artifacts "$@"
status=$?
if [ $status -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit $status
