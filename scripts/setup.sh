#!/usr/bin/env bash
# Sets up this checkout on a Debian machine: the Debian packages tfldbg builds
# with, a Python venv (.venv) with pinned packages, and a release build.
#
#   bash scripts/setup.sh            # packages, venv, release build
#   bash scripts/setup.sh --asan     # also the C++ tests under AddressSanitizer+UBSan (build/asan)
#   bash scripts/setup.sh --fuzz     # also the libFuzzer build (clang)
#   bash scripts/setup.sh --no-ray   # without the optional Ray (`--ray`, docs/ray.md; its tests then skip)
set -euo pipefail
cd "$(dirname "$0")/.."

want_asan=0
want_fuzz=0
want_ray=1
for arg in "$@"; do
  case "$arg" in
    --asan) want_asan=1 ;;
    --fuzz) want_fuzz=1 ;;
    --no-ray) want_ray=0 ;;
    *) echo "setup.sh: unknown option '$arg' (known: --asan, --fuzz, --no-ray)" >&2; exit 2 ;;
  esac
done

packages=(cmake ninja-build g++ flatbuffers-compiler libflatbuffers-dev libgtest-dev libspdlog-dev
          nlohmann-json3-dev libcli11-dev libbenchmark-dev libssl-dev graphviz pkg-config ccache)
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then packages+=(python3-venv); fi
if [ "$want_fuzz" = 1 ]; then packages+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating the Python venv in .venv"
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements.txt
if [ "$want_ray" = 1 ]; then
  # Optional (`--ray`, docs/ray.md): 45-60 s into a fresh venv, skipped when the pinned Ray is there
  # (pip's own check of an installed set takes ~8 s); constrained by the main pins.
  ray_pin=$(sed -n 's/^ray==//p' scripts/requirements-ray.txt)
  if ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('ray') != '$ray_pin')" 2>/dev/null; then
    echo "setup: installing the optional Ray $ray_pin (scripts/requirements-ray.txt; skip with --no-ray)"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements-ray.txt -c scripts/requirements.txt
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e scripts

echo "setup: building (release preset)"
cmake --preset release >/dev/null
cmake --build --preset release
if [ "$want_asan" = 1 ]; then
  # The suite scripts/test.sh runs under the sanitizers is the googletest binary:
  # only it is built here (`cmake --build --preset asan` builds the CLI too).
  echo "setup: building the C++ tests (asan preset)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan --target tfldbg_tests
fi
if [ "$want_fuzz" = 1 ]; then
  echo "setup: building (fuzz preset)"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
fi
echo "setup: done; the tool is build/release/bin/tfldbg"
