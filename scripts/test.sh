#!/usr/bin/env bash
# Runs every test verbosely into a log and prints a short summary: the package results, and how many
# PostgreSQL and Chromium (sub)tests passed or were skipped, so a CI log shows that those suites really ran.
# On failure the whole log (without the RUN/PAUSE/CONT noise) is printed.
set -uo pipefail
log=${KETTE_TEST_LOG:-test.log}
go test -count=1 -timeout 30m -v "$@" >"$log" 2>&1
rc=$?
grep -E '^(ok|FAIL|panic:|\?) ' "$log" || true
pg_pass=$(grep -cE -- '--- PASS: \S+/postgres( |/)' "$log" || true)
pg_skip=$(grep -cE -- '--- SKIP: \S+/postgres( |/)' "$log" || true)
browser=$(grep -cE -- '--- PASS: \S*(Chromium|Browser)' "$log" || true)
echo "tests: PostgreSQL subtests passed: $pg_pass, skipped: $pg_skip; browser tests passed: $browser (full log: $log)"
if [ "$rc" -ne 0 ]; then
  echo "---- failures ----"
  grep -vE '^=== (RUN|PAUSE|CONT|NAME)' "$log"
fi
exit "$rc"
