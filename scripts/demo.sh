#!/usr/bin/env bash
# The main job on the bundled example: set up, then dump every intermediate
# tensor of the int8 digits model, produce LiteRT's reference values for the
# same input, and compare the two tensor by tensor.
#
#   bash scripts/demo.sh            # results in out/demo/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

model=examples/digits/digits_int8.tflite
input=examples/digits/inputs/sample_0.npy
out=out/demo
mkdir -p "$out"
tfldbg=build/release/bin/tfldbg
py=.venv/bin/python

echo
echo "== tfldbg info $model"
"$tfldbg" info "$model" | sed -n 1,20p
echo
echo "== tfldbg dump: every node's inputs and outputs"
"$tfldbg" dump "$model" --input "0=$input" --out "$out/tfldbg" --force
echo
echo "== python -m tfldbg reference: LiteRT (reference kernels, all tensors kept) on the same input"
"$py" -m tfldbg reference "$model" --like "$out/tfldbg" --out "$out/litert" --force
echo
echo "== python -m tfldbg compare: tensor by tensor (integers bit for bit)"
"$py" -m tfldbg compare "$out/tfldbg" "$out/litert"
echo
"$tfldbg" graph "$model" -o "$out/graph.html"
echo "Done. Open $out/graph.html in a browser; the dumps are in $out/ (numpy.load reads every tensors/*.npy)."
