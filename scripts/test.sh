#!/usr/bin/env bash
# Sets up this checkout and runs every test: the C++ suite (release build),
# the corruption tests under AddressSanitizer+UBSan, and the Python suite,
# which includes the conformance checks against the LiteRT oracle.
#
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --asan

echo "== C++ tests (release)"
ctest --preset release -j 2 -E Corruption   # the corruption suite runs under asan below

echo "== C++ loader and corruption tests (asan), two shards in parallel"
pids=()
for shard in 0 1; do
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$shard \
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

echo "== Python tests"
.venv/bin/python -m pytest -q tests/python

echo "== Conformance table: every real and LiteRT test model against LiteRT (fails on any mismatch)"
.venv/bin/python -m tfldbg conformance-table --json build/conformance.json
