"""Trains the bundled example model and writes examples/digits/.

A small CNN for scikit-learn's 8x8 digits (bundled with scikit-learn, no
download), converted with TensorFlow's converter to
  digits_float.tflite  float32
  digits_int8.tflite   full-integer int8 with float32 input/output (QUANTIZE in,
                       DEQUANTIZE out), calibrated on training images
plus sample inputs, a 64-image dataset and TensorFlow's QuantizationDebugger
per-layer statistics (for cross-checking tfldbg's quantization report).

    python3 -m venv /tmp/tfvenv
    /tmp/tfvenv/bin/pip install -r scripts/example_model/requirements.txt
    /tmp/tfvenv/bin/python scripts/example_model/make_example_model.py
Deterministic: fixed seeds, op determinism, one thread. The accuracies and op
lists are measured by running the written .tflite files with LiteRT
(ai-edge-litert, reference kernels) and land in training_summary.json.

With `--denylist DENYLIST.json --out DIR` (the file `python -m tfldbg sensitivity
--out` writes: {"denylisted_nodes": [...], "denylisted_ops": [...]}), the same
model is trained again and converted twice, plainly and with those nodes kept in
float through TensorFlow's QuantizationDebugger (QuantizationDebugOptions,
get_nondebug_quantized_model); both int8 models are measured with LiteRT on the
450 test images (accuracy, top-1 agreement and output SQNR against the float
.tflite) and written to DIR with the figures (denylist_figures.json).
examples/digits is not touched then.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from importlib.metadata import version
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter, OpResolverType
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

OUT = Path(__file__).resolve().parents[2] / "examples" / "digits"
SEED = 7
DEBUGGER_IMAGES = 32  # the first 32 test images


def build_model() -> tf.keras.Model:
    inputs = tf.keras.Input(shape=(8, 8, 1), batch_size=1, name="image")
    x = tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(inputs)
    y = tf.keras.layers.DepthwiseConv2D(3, padding="same", activation="relu", name="dw1")(x)
    y = tf.keras.layers.Conv2D(16, 1, padding="same", name="pw1")(y)
    x = tf.keras.layers.Add(name="residual")([x, y])
    x = tf.keras.layers.ReLU(name="relu_after_add")(x)
    x = tf.keras.layers.MaxPooling2D(2, name="pool1")(x)
    x = tf.keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(x)
    x = tf.keras.layers.AveragePooling2D(4, name="pool2")(x)
    x = tf.keras.layers.Reshape((32,), name="flatten")(x)
    x = tf.keras.layers.Dense(10, name="logits")(x)
    outputs = tf.keras.layers.Softmax(name="probabilities")(x)
    return tf.keras.Model(inputs, outputs, name="digits_cnn")


def litert_interpreter(model_bytes: bytes) -> Interpreter:
    # The reference kernels, no default delegate: the same runtime tfldbg's oracle
    # uses, and an op list that shows the model's own nodes (no DELEGATE entries).
    interp = Interpreter(model_content=model_bytes, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    return interp


def litert_ops(model_bytes: bytes) -> list[str]:
    return [op["op_name"] for op in litert_interpreter(model_bytes)._get_ops_details()]


def litert_accuracy(model_bytes: bytes, images: np.ndarray, labels: np.ndarray) -> float:
    interp = litert_interpreter(model_bytes)
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    assert inp["dtype"] == np.float32 and out["dtype"] == np.float32, (inp["dtype"], out["dtype"])
    correct = 0
    for image, label in zip(images, labels):
        interp.set_tensor(inp["index"], image[None])
        interp.invoke()
        correct += int(np.argmax(interp.get_tensor(out["index"])) == label)
    return correct / len(labels)


def litert_outputs(model_bytes: bytes, images: np.ndarray) -> np.ndarray:
    interp = litert_interpreter(model_bytes)
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    outs = []
    for image in images:
        interp.set_tensor(inp["index"], image[None])
        interp.invoke()
        outs.append(interp.get_tensor(out["index"]).astype(np.float64).copy())
    return np.concatenate(outs)


def figures(model_bytes: bytes, float_out: np.ndarray, images: np.ndarray, labels: np.ndarray) -> dict:
    out = litert_outputs(model_bytes, images)

    def sqnr(o, f):
        noise = float(np.sum((o - f) ** 2))
        return 10 * math.log10(float(np.sum(f ** 2)) / noise) if noise > 0 else None

    return {"test_accuracy": float(np.mean(np.argmax(out, axis=1) == labels)),
            "top1_agreement_with_float": float(np.mean(np.argmax(out, axis=1) == np.argmax(float_out, axis=1))),
            "output_sqnr_db_vs_float": sqnr(out, float_out),
            # the images of examples/digits/dataset, on which `sensitivity` chose the deny-list
            "output_sqnr_db_vs_float_first_64": sqnr(out[:64], float_out[:64]),
            "bytes": len(model_bytes), "ops": litert_ops(model_bytes)}


def denylist_run(model, representative, x_test, y_test, denylist_file: str, out_dir: str) -> None:
    """The plain int8 conversion and the one with the deny-list, measured alike."""
    deny = json.loads(Path(denylist_file).read_text())
    nodes, ops = list(deny.get("denylisted_nodes", [])), list(deny.get("denylisted_ops", []))
    float_bytes = tf.lite.TFLiteConverter.from_keras_model(model).convert()

    def converter():
        c = tf.lite.TFLiteConverter.from_keras_model(model)
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.representative_dataset = representative
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        return c

    int8_bytes = converter().convert()
    options = tf.lite.experimental.QuantizationDebugOptions(denylisted_nodes=nodes or None,
                                                             denylisted_ops=ops or None)
    debugger = tf.lite.experimental.QuantizationDebugger(converter=converter(), debug_dataset=representative,
                                                         debug_options=options)
    selective_bytes = debugger.get_nondebug_quantized_model()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "digits_float.tflite").write_bytes(float_bytes)
    (out / "digits_int8.tflite").write_bytes(int8_bytes)
    (out / "digits_int8_denylisted.tflite").write_bytes(selective_bytes)
    float_out = litert_outputs(float_bytes, x_test)
    result = {"denylist": {"denylisted_nodes": nodes, "denylisted_ops": ops},
              "test_images": int(len(y_test)),
              "float": {"test_accuracy": float(np.mean(np.argmax(float_out, axis=1) == y_test))},
              "int8": figures(int8_bytes, float_out, x_test, y_test),
              "int8_denylisted": figures(selective_bytes, float_out, x_test, y_test),
              "tensorflow": tf.__version__, "ai_edge_litert": version("ai-edge-litert"), "seed": SEED}
    (out / "denylist_figures.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--denylist", metavar="FILE", help="denylist.json from `python -m tfldbg sensitivity --out`")
    parser.add_argument("--out", metavar="DIR", help="with --denylist: where the models and figures go")
    args = parser.parse_args()
    if args.denylist and not args.out:
        parser.error("--denylist needs --out DIR")
    tf.keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., None]  # [N, 8, 8, 1] in [0, 1]
    x_train, x_test, y_train, y_test = train_test_split(images, digits.target, test_size=0.25, random_state=SEED,
                                                        stratify=digits.target)
    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=12, batch_size=1, verbose=0, shuffle=True)
    keras_acc = float(model.evaluate(x_test, y_test, batch_size=1, verbose=0)[1])

    def representative():
        for image in x_train[:200]:
            yield [image[None]]

    if args.denylist:
        denylist_run(model, representative, x_test, y_test, args.denylist, args.out)
        return
    float_bytes = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    int8_bytes = converter.convert()

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "digits_float.tflite").write_bytes(float_bytes)
    (OUT / "digits_int8.tflite").write_bytes(int8_bytes)

    (OUT / "inputs").mkdir(exist_ok=True)
    labels = {}
    for k in range(5):
        np.save(OUT / "inputs" / f"sample_{k}.npy", x_test[k][None])
        labels[f"sample_{k}.npy"] = int(y_test[k])
    (OUT / "inputs" / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    (OUT / "dataset").mkdir(exist_ok=True)
    for k in range(64):
        np.save(OUT / "dataset" / f"{k:04d}.npy", x_test[k][None])

    # TensorFlow's own per-layer view of the int8 model's error, for cross-checks.
    def debug_dataset():
        for image in x_test[:DEBUGGER_IMAGES]:
            yield [image[None]]

    debug_converter = tf.lite.TFLiteConverter.from_keras_model(model)
    debug_converter.optimizations = [tf.lite.Optimize.DEFAULT]
    debug_converter.representative_dataset = representative
    debug_converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    debugger = tf.lite.experimental.QuantizationDebugger(converter=debug_converter, debug_dataset=debug_dataset)
    debugger.run()
    with open(OUT / "quant_debugger_layer_stats.csv", "w") as f:
        debugger.layer_statistics_dump(f)

    # Check both files with LiteRT (not TensorFlow's own interpreter): they load,
    # the int8 graph is QUANTIZE ... DEQUANTIZE around int8 ops, both are small.
    float_ops, int8_ops = litert_ops(float_bytes), litert_ops(int8_bytes)
    assert int8_ops[0] == "QUANTIZE" and int8_ops[-1] == "DEQUANTIZE", int8_ops
    allowed = {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D", "MEAN", "ADD", "RESHAPE",
               "FULLY_CONNECTED", "SOFTMAX", "QUANTIZE", "DEQUANTIZE"}
    assert set(float_ops) <= allowed and set(int8_ops) <= allowed, (float_ops, int8_ops)
    assert len(float_bytes) < 100_000 and len(int8_bytes) < 100_000, (len(float_bytes), len(int8_bytes))

    summary = {
        "keras_test_accuracy": keras_acc,
        "float_tflite_test_accuracy": litert_accuracy(float_bytes, x_test, y_test),
        "int8_tflite_test_accuracy": litert_accuracy(int8_bytes, x_test, y_test),
        "test_images": int(len(y_test)),
        "float_bytes": len(float_bytes),
        "int8_bytes": len(int8_bytes),
        "float_ops": float_ops,
        "int8_ops": int8_ops,
        "tensorflow": tf.__version__,
        "ai_edge_litert": version("ai-edge-litert"),
        "seed": SEED,
        "debugger_images": f"the first {DEBUGGER_IMAGES} test images (dataset/0000.npy .. {DEBUGGER_IMAGES - 1:04d}.npy)",
    }
    (OUT / "training_summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
