#!/usr/bin/env bash
# Runs every test the way CI does: installs what is missing, then the whole pytest suite (browser and PostgreSQL
# tests included), then the library's and the web app's tests again on the plain libraries instead of the engine's
# fast paths into their internals (SOURCECHECK_ENGINE_INTERNALS=off: indexer/engine), then the library's, the web
# app's, the reviewer workflow's and the reliability tests on the PostgreSQL search backend
# (SOURCECHECK_TEST_SEARCH_BACKEND=postgresql: tests/conftest.py starts a server and sets SOURCECHECK_SEARCH_URL).
# With arguments, only `pytest ARGS` runs, once. pytest's exit 5 (no tests collected) counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

run() {
  python3 -m pytest "$@"
  local status=$?
  if [ $status -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    return 1
  fi
  return $status
}

if [ $# -gt 0 ]; then
  run --screenshot only-on-failure --output artifacts "$@"
  exit $?
fi
run --screenshot only-on-failure --output artifacts
status=$?
echo "Again without the engine internals (SOURCECHECK_ENGINE_INTERNALS=off): tests/indexer tests/webapp"
SOURCECHECK_ENGINE_INTERNALS=off run --screenshot only-on-failure --output artifacts/plain tests/indexer tests/webapp
plain=$?
echo "Again on the PostgreSQL search backend (SOURCECHECK_TEST_SEARCH_BACKEND=postgresql):" \
  "tests/indexer tests/webapp tests/review tests/reliability"
SOURCECHECK_TEST_SEARCH_BACKEND=postgresql run --screenshot only-on-failure --output artifacts/postgresql \
  tests/indexer tests/webapp tests/review tests/reliability
postgresql=$?
[ $status -ne 0 ] && exit $status
[ $plain -ne 0 ] && exit $plain
exit $postgresql
