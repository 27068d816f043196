"""The digits model in Python, in-process (docs/python.md): run the int8 and
float models on a sample, watch every node of the int8 one through a callback,
find the layer where the int8 model drifts most from the float one, dump it,
and read every intermediate through the LiteRT-style drop-in.

    pip install .                      # at the repository root
    python examples/python/digits.py   # run from anywhere
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

import tfldbg
from tfldbg import lite

DIGITS = Path(__file__).resolve().parents[1] / "digits"
INT8, FLOAT = DIGITS / "digits_int8.tflite", DIGITS / "digits_float.tflite"


def main() -> None:
    sample = np.load(DIGITS / "inputs" / "sample_0.npy")

    # 1. Run both models (both take and give float32; the int8 one quantizes inside),
    #    printing each node of the int8 one as it runs.
    f32 = tfldbg.Interpreter(FLOAT, planner="no-reuse")
    q8 = tfldbg.Interpreter(INT8, planner="no-reuse")
    float_out = f32.run([sample])

    def show(step):  # step.outputs: read-only views of tfldbg's memory, valid during the call
        out = step.outputs[0]
        print(f"  node {step.node:2d} {step.op:18s} {out.dtype!s:8s} {list(out.shape)} range [{out.min()}, {out.max()}]")

    int8_out = q8.run([sample], on_node=show)
    print("float predicts", np.argmax(list(float_out.values())[0]), "| int8 predicts",
          np.argmax(list(int8_out.values())[0]))

    # 2. Same-named tensors of both models (no-reuse: every tensor readable after the run),
    #    dequantized: where does the int8 model drift from the float one?
    float_by_name = {d["name"]: d for d in f32.tensors}
    drift = []
    for d in q8.tensors:
        twin = float_by_name.get(d["name"])
        if twin is None or d["kind"] == "constant" or not d["scale"] or twin["shape"] != d["shape"]:
            continue
        real = (q8.tensor(d["index"]).astype(np.float32) - d["zero_point"][0]) * d["scale"][0]
        drift.append((float(np.abs(real - f32.tensor(twin["index"])).max()), d["name"]))
    for err, name in sorted(drift, reverse=True)[:3]:
        print(f"  max |int8 - float| {err:.4f} at {name}")

    # 3. The int8 run as a dump, as `tfldbg dump` writes it.
    with tempfile.TemporaryDirectory() as tmp:
        dump = tfldbg.load_dump(q8.dump(Path(tmp) / "d"))
        print(f"dump: {len(dump.steps)} steps, first {dump.steps[0].op}")

    # 4. A LiteRT script, one import changed: every intermediate after invoke.
    interpreter = lite.Interpreter(model_path=str(INT8))
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], sample)
    interpreter.invoke()
    details = interpreter.get_tensor_details()
    print(f"lite: read {sum(interpreter.get_tensor(d['index']).size > 0 for d in details)} of {len(details)} tensors")


if __name__ == "__main__":
    main()
