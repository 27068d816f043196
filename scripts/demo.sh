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
echo
echo "== python -m tfldbg explain: the first convolution's integer arithmetic"
"$py" -m tfldbg explain "$out/tfldbg" --step 1
echo
echo "== python -m tfldbg quant-report: where the int8 model's error is born and how it grows (64 images)"
"$py" -m tfldbg quant-report "$model" --dataset examples/digits/dataset --weights-from examples/digits/digits_float.tflite \
  --html "$out/quant-report.html" --json "$out/quant-report.json"
"$py" -m tfldbg overlay "$out/quant-report.json" --out "$out/model-explorer-node-data.json" --graph-html "$out/graph.html"
echo "Done. Open $out/quant-report.html and $out/graph.html (colored by SQNR) in a browser; the dumps are in $out/"
echo "(numpy.load reads every tensors/*.npy); $out/model-explorer-node-data.json loads in Google's Model Explorer."
