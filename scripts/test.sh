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
ctest --preset release -j 2

echo "== C++ corruption tests (asan)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ./build/asan/tests/tfldbg_tests --gtest_filter='*Corruption*:ModelView*' --gtest_brief=1

echo "== Python tests"
.venv/bin/python -m pytest -q tests/python
