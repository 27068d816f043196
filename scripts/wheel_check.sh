#!/usr/bin/env bash
# Builds the Python wheel from this checkout (pyproject.toml: the C++ engine as
# tfldbg._engine, the tfldbg CLI, the Python package), installs it into a fresh
# venv with nothing else on PATH, and runs the Python API tests (tests/wheel)
# against the installed package. scripts/test.sh calls it; docs/python.md.
#
#   bash scripts/wheel_check.sh
#
# To stay short in CI it takes libtfldbg.so and the CLI from the release build
# (TFLDBG_PREBUILT; another tree with TFLDBG_WHEEL_PREBUILT=DIR, or a full build
# of everything the wheel holds with TFLDBG_WHEEL_PREBUILT=none) and compiles
# only the extension.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

venv=build/wheel-venv
dist=build/dist
rm -rf "$venv" "$dist"
python3 -m venv "$venv"
start=$SECONDS
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR="$repo"
fi
# The build backend pinned in pyproject.toml, installed into the venv rather than a
# throw-away build environment, so that nanobind's sources keep one path and ccache
# finds their objects on the next run.
mapfile -t backend < <("$venv/bin/python" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')
"$venv/bin/python" -m pip install -q --disable-pip-version-check "${backend[@]}"
prebuilt=${TFLDBG_WHEEL_PREBUILT:-build/release}
defines=()
if [ "$prebuilt" != none ]; then
  rm -rf build/wheel-prebuilt
  defines=(-Ccmake.define.TFLDBG_PREBUILT="$repo/$prebuilt" -Cbuild-dir=build/wheel-prebuilt)
fi
"$venv/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w "$dist" "${defines[@]}" .
echo "wheel_check: built $(ls "$dist") in $((SECONDS - start))s"
wheel=$(ls "$dist"/tfldbg-*.whl)

# Install it as a user would: the wheel and its dependencies, then the test tools.
"$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r scripts/requirements.txt

# The tests must see the installed package only: not scripts/, not build/.
cd build
env -u PYTHONPATH -u TFLDBG_BIN PATH=/usr/bin:/bin "$repo/$venv/bin/python" - <<'PY'
import pathlib, shutil, subprocess, sys, tfldbg
here = pathlib.Path(tfldbg.__file__).resolve()
assert "site-packages" in here.parts, f"tfldbg imported from {here}, not the installed wheel"
from tfldbg import _engine  # the extension itself, not a build tree's
binary = tfldbg.find_binary()
assert "site-packages" in binary.parts, binary
venv_bin = pathlib.Path(sys.executable).parent
ops = subprocess.run([str(venv_bin / "tfldbg"), "ops"], capture_output=True, text=True, check=True).stdout
assert "CONV_2D" in ops, ops[:200]
subprocess.run([sys.executable, "-m", "tfldbg", "--help"], capture_output=True, check=True)
print(f"wheel_check: tfldbg {tfldbg.__version__} from {here.parent}; the tfldbg command runs {binary}")
PY
env -u PYTHONPATH -u TFLDBG_BIN PATH="$repo/$venv/bin:/usr/bin:/bin" \
  "$repo/$venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$repo/tests/wheel" "$repo/tests/wheel"
# The example walks the API on the digits model (examples/python/digits.py).
env -u PYTHONPATH -u TFLDBG_BIN PATH="$repo/$venv/bin:/usr/bin:/bin" "$repo/$venv/bin/python" "$repo/examples/python/digits.py" > "$repo/build/wheel-example.log"
grep -q "lite: read 22 of 22 tensors" "$repo/build/wheel-example.log" || { cat "$repo/build/wheel-example.log"; echo "wheel_check: the example failed"; exit 1; }
echo "wheel_check: done in $((SECONDS - start))s"
