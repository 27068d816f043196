#!/usr/bin/env bash
# Sets up this checkout and runs every test: the C++ suite (release build),
# the corruption tests under AddressSanitizer+UBSan, the Python suite (which
# includes the conformance sweeps against the LiteRT oracle), the Python wheel
# with its API tests (scripts/wheel_check.sh) and the conformance table of every
# real and LiteRT test model.
#
#   bash scripts/test.sh            # everything (what CI runs)
#   bash scripts/test.sh --quick    # the inner loop: release build, C++ tests, Python suite (no asan, no wheel, no table)
#
# TFLDBG_CORRUPTION_EDITS sets the random edits per model of the asan
# corruption suite (CI: 2500, a seeded prefix of the full 10,000; the full
# run: docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) echo "test.sh: unknown option '$arg' (known: --quick)" >&2; exit 2 ;;
  esac
done

start=$SECONDS
phase() { echo "== [$(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s] $*"; }

if [ "$quick" = 1 ]; then
  bash scripts/setup.sh
else
  bash scripts/setup.sh --asan
fi

phase "C++ tests (release)"
ctest --preset release -j 2 -E Corruption --output-on-failure | tail -n 3   # the corruption suite runs under asan below

if [ "$quick" = 0 ]; then
  phase "C++ loader and corruption tests (asan), two shards in parallel"
  pids=()
  for shard in 0 1; do
    TFLDBG_CORRUPTION_EDITS=${TFLDBG_CORRUPTION_EDITS:-2500} ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$shard \
      ./build/asan/tests/tfldbg_tests --gtest_filter='*Corruption*:ModelView*:Npy*:*Planner*' --gtest_brief=1 \
      > "build/asan/corruption-shard-$shard.log" 2>&1 &
    pids+=($!)
  done
  status=0
  for i in 0 1; do
    wait "${pids[$i]}" || status=1
    cat "build/asan/corruption-shard-$i.log"
  done
  [ "$status" = 0 ] || { echo "asan tests failed"; exit 1; }
fi

phase "Python tests (2 workers)"
# Every LiteRT comparison the sweeps make is logged; sweep-coverage then fails
# if the op table claims an operator x type pair no test checked.
rm -f build/sweeps.jsonl
TFLDBG_SWEEP_LOG="$PWD/build/sweeps.jsonl" .venv/bin/python -m pytest -q -n 2 tests/python
phase "Sweep coverage: every operator x type the op table claims was checked against LiteRT"
.venv/bin/python -m tfldbg sweep-coverage build/sweeps.jsonl --markdown build/sweep-coverage.md

if [ "$quick" = 0 ]; then
  phase "Python wheel: built in a fresh venv (the extension over build/release), Python API tests against it"
  bash scripts/wheel_check.sh
fi

if [ "$quick" = 0 ]; then
  phase "Conformance table: every real and LiteRT test model against LiteRT (fails on any mismatch)"
  .venv/bin/python -m tfldbg conformance-table --json build/conformance.json
fi
phase "done"
