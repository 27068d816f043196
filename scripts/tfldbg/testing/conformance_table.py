"""The conformance table: every real model and every LiteRT test model, against LiteRT.

    python -m tfldbg conformance-table [--json FILE] [--models FILE ...] [--match TEXT ...]

For each model (default: ../shared/models/real/*.tflite and
../shared/models/edge-cases/litert_testdata/*.bin): whether LiteRT (reference
kernels, all tensors kept; its optimized kernels, and the row says so, when a
step of tfldbg's dump computes their arithmetic because the reference kernel is
missing or defective there: docs/litert-defects.md) runs it, whether tfldbg runs it (else the first op it
lacks or its one-line refusal), and for those both run, how many of the compared
tensors match (integers bit for bit, floats within rtol 1e-5 / atol 1e-6) on
seeded inputs. Each model is checked in a child process with a time limit, as a
test model may loop forever in LiteRT. Exit 1 when a model both run does not
match on every tensor, 0 otherwise.

A second column, "optimized: tensors equal / total", holds `tfldbg dump
--kernels optimized` against LiteRT's optimized kernels
(BUILTIN_WITHOUT_DEFAULT_DELEGATES, all tensors kept) on the same inputs:
integers bit for bit, floats within rtol/atol OPTIMIZED_FLOAT_TOLERANCE
(LiteRT's optimized float kernels sum in another order, with FMA: see
docs/deployment.md), checked in a child process of its own with the same time limit. It
counts as a mismatch like the first.

A third column, "xnnpack: outputs equal / total", holds `tfldbg dump --kernels
xnnpack` against LiteRT's default path (the Interpreter as it comes, with its
XNNPACK delegate), which keeps no intermediate tensor: the graph outputs only,
integers bit for bit, floats within XNNPACK_FLOAT_TOLERANCE (variables an op
updates in place, an LSTM's state, count as outputs), in a child process of its
own. It counts as a mismatch like the others.

Two repairs are made for LiteRT alone, and the row says so; tfldbg runs the
file as it is:
- a rank-1 tensor whose quantized_dimension is past its rank (old converters
  copied a depthwise filter's axis 3 onto its per-channel bias, as in TFLM's
  person-detection model) makes LiteRT refuse the file; the axis of a rank-1
  tensor can only be 0, so LiteRT runs a copy with it set to 0;
- MediaPipe's custom op Convolution2DTransposeBias has no LiteRT kernel: LiteRT
  runs a copy where each is rewritten as TRANSPOSE_CONV + ADD (the bias added
  after the sums; MediaPipe's kernel starts each sum at the bias, so the floats
  differ by rounding only, within the table's tolerance). The rewrite appends
  its tensors, so every tensor of the file keeps its index.

Models: ../shared/models/real/*.tflite, tests/models/found/*.tflite (public
models found in packages, tests/models/found/MODELS.md) and
../shared/models/edge-cases/litert_testdata/*.bin.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DEFAULT_DIRS = [(REPO.parent / "shared" / "models" / "real", "*.tflite"),
                (REPO / "tests" / "models" / "found", "*.tflite"),
                (REPO.parent / "shared" / "models" / "edge-cases" / "litert_testdata", "*.bin")]
TIME_LIMIT_S = 120
# rtol, atol of float tensors in the optimized column (docs/deployment.md).
OPTIMIZED_FLOAT_TOLERANCE = (1e-4, 1e-4)
# rtol, atol of float outputs in the xnnpack column (docs/deployment.md): XNNPACK's
# float microkernels use FMA and their own summation order, as the optimized ones.
XNNPACK_FLOAT_TOLERANCE = (1e-4, 1e-4)
# Inputs that select what a test model computes, where seeded random values
# would not run in LiteRT either: dynamic_shapes.bin slices the first int(z)
# rows of y as its keys (z = 0 gives empty tensors LiteRT refuses, z > 90
# a RESHAPE that cannot work).
MODEL_INPUTS = {"dynamic_shapes.bin": {"z": [[5.0]]}}


def repair_for_litert(model: str | Path, out: Path) -> int:
    """Writes `out`: the model with quantized_dimension 0 on every rank-1 tensor whose
    quantized_dimension is past its rank (meaning-preserving). Returns how many changed."""
    from ai_edge_litert import schema_py_generated as fb

    data = bytearray(Path(model).read_bytes())
    m = fb.Model.GetRootAs(data, 0)
    changed = 0
    for s in range(m.SubgraphsLength()):
        sg = m.Subgraphs(s)
        for t in range(sg.TensorsLength()):
            tensor = sg.Tensors(t)
            q = tensor.Quantization()
            if q is None or tensor.ShapeLength() != 1 or q.QuantizedDimension() < 1:
                continue
            field = q._tab.Offset(16)  # quantized_dimension (stored, since it is not the default 0)
            data[q._tab.Pos + field:q._tab.Pos + field + 4] = (0).to_bytes(4, "little")
            changed += 1
    out.write_bytes(bytes(data))
    return changed


def rewrite_custom_ops_for_litert(model: str | Path, out: Path) -> int:
    """Writes `out`: the model with every Convolution2DTransposeBias (MediaPipe's custom
    transposed convolution: inputs data, filter [O,KH,KW,I], bias; options three int32:
    padding 1 SAME / 2 VALID, stride_w, stride_h) rewritten as TRANSPOSE_CONV into a new
    tensor, then ADD of the bias into the original output. New tensors and buffers are
    appended, so every existing tensor keeps its index. Returns how many ops changed."""
    import struct

    import numpy as np
    from ai_edge_litert import schema_py_generated as fb

    m = fb.ModelT.InitFromPackedBuf(Path(model).read_bytes(), 0)

    def opcode(builtin: int) -> int:
        for i, oc in enumerate(m.operatorCodes):
            if not oc.customCode and max(oc.builtinCode, oc.deprecatedBuiltinCode) == builtin:
                return i
        oc = fb.OperatorCodeT()
        oc.builtinCode, oc.deprecatedBuiltinCode, oc.version = builtin, min(builtin, 127), 1
        m.operatorCodes.append(oc)
        return len(m.operatorCodes) - 1

    custom = {i for i, oc in enumerate(m.operatorCodes) if oc.customCode == b"Convolution2DTransposeBias"}
    changed = 0
    for sg in m.subgraphs:
        operators = []
        for op in sg.operators:
            if op.opcodeIndex not in custom:
                operators.append(op)
                continue
            padding, stride_w, stride_h = struct.unpack("<3i", bytes(op.customOptions)[:12])
            data, weights, bias = (int(i) for i in op.inputs)
            out_index = int(op.outputs[0])
            result = sg.tensors[out_index]
            shape_buffer = fb.BufferT()
            shape_buffer.data = np.asarray(result.shape, np.int32).tobytes()
            m.buffers.append(shape_buffer)
            shape = fb.TensorT()
            shape.name, shape.type, shape.shape, shape.buffer = b"%s/output_shape" % result.name, fb.TensorType.INT32, [len(result.shape)], len(m.buffers) - 1
            sums = fb.TensorT()
            sums.name, sums.type, sums.shape, sums.buffer = b"%s/sums" % result.name, result.type, list(result.shape), 0
            sg.tensors += [shape, sums]
            conv = fb.OperatorT()
            conv.opcodeIndex = opcode(fb.BuiltinOperator.TRANSPOSE_CONV)
            conv.inputs, conv.outputs = [len(sg.tensors) - 2, weights, data], [len(sg.tensors) - 1]
            conv.builtinOptionsType = fb.BuiltinOptions.TransposeConvOptions
            conv.builtinOptions = fb.TransposeConvOptionsT()
            conv.builtinOptions.padding = fb.Padding.SAME if padding == 1 else fb.Padding.VALID
            conv.builtinOptions.strideW, conv.builtinOptions.strideH = stride_w, stride_h
            add = fb.OperatorT()
            add.opcodeIndex = opcode(fb.BuiltinOperator.ADD)
            add.inputs, add.outputs = [len(sg.tensors) - 1, bias], [out_index]
            add.builtinOptionsType, add.builtinOptions = fb.BuiltinOptions.AddOptions, fb.AddOptionsT()
            operators += [conv, add]
            changed += 1
        sg.operators = operators
    import flatbuffers

    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    out.write_bytes(bytes(builder.Output()))
    return changed


def _deployment_column(row: dict, column: str, model: Path, input_args, reference_model, by_tensor,
                       tolerance) -> None:
    """Fills row[column + "_ok" / "_total" / "_matched" / "_problem"]: tfldbg `--kernels column`
    against LiteRT's kernels of that name."""
    from tfldbg.testing.conformance import check_model

    try:
        rtol, atol = tolerance
        with tempfile.TemporaryDirectory(prefix=f"tfldbg-table-{column}-") as tmp:
            result = check_model(model, tmp, seed=0, extra_args=(*input_args, "--kernels", column),
                                 reference_model=reference_model, litert=column, rtol=rtol, atol=atol,
                                 by_tensor=by_tensor)
    except Exception as e:  # noqa: BLE001 - a failed comparison is a row that says why
        row[f"{column}_ok"] = False
        row[f"{column}_problem"] = ("comparing failed: " + str(e).replace("\n", " "))[:160]
    else:
        row[f"{column}_total"] = len(result.results)
        row[f"{column}_matched"] = sum(1 for r in result.results if r.passed)
        row[f"{column}_ok"] = bool(result)


def _check(model: str, queue, optimized: bool = False, xnnpack: bool = False) -> None:
    """In a child process: the row for one model (with `optimized` / `xnnpack`: only that column's fields)."""
    import numpy as np

    from tfldbg.formats.dump import load_dump
    from tfldbg.testing.conformance import check_model, litert_kernels_for
    from tfldbg.backends.litert import litert_interpreter
    from tfldbg.backends.engine import ToolError, model_info, run_tool

    def refusal(message: str) -> str:
        """tfldbg's one line without its 'tfldbg: error: MODEL: ' prefix."""
        message = message.strip().splitlines()[-1] if message.strip() else "no message"
        message = message.removeprefix("tfldbg: error: ").removeprefix(f"{model}: ")
        return "refuses: " + message[:90]

    row = {"model": Path(model).name, "litert": "runs", "tfldbg": "runs", "matched": 0, "total": 0, "ok": None}
    given = tempfile.TemporaryDirectory(prefix="tfldbg-table-inputs-")
    input_args: list[str] = []
    for name, value in MODEL_INPUTS.get(Path(model).name, {}).items():
        file = Path(given.name) / f"{name}.npy"
        np.save(file, np.asarray(value, np.float32))
        input_args += ["--input", f"{name}={file}"]
    # tfldbg first: its dump says which LiteRT kernels it matches (the optimized
    # ones where a step's reference kernel is missing or defective).
    kernels, optimized_steps = "reference", []
    try:
        info = model_info(model)
        missing = [op["op"] for sg in info["subgraphs"] for op in sg["operators"] if not op["supported"]]
        if missing:
            row["tfldbg"] = f"lacks {missing[0]}"
        else:
            dump_dir = Path(given.name) / "tfldbg-dump"
            # The regex matches no tensor name: the steps are recorded, (almost) no values stored.
            proc = run_tool("dump", model, "--out", str(dump_dir), "--seed", "0", "--tensors", "a^", "--no-constants",
                            *input_args, check=False)
            if proc.returncode != 0:
                row["tfldbg"] = refusal(proc.stderr)
            else:
                kernels, optimized_steps = litert_kernels_for(load_dump(dump_dir))
    except ToolError as e:
        row["tfldbg"] = refusal(str(e))
    reference_model, by_tensor = model, False
    try:
        try:
            interp = litert_interpreter(model, kernels)
        except (RuntimeError, ValueError) as e:
            if "unresolved custom op: Convolution2DTransposeBias" in str(e):
                reference_model = str(Path(given.name) / "litert-copy.tflite")
                changed = rewrite_custom_ops_for_litert(model, Path(reference_model))
                interp, by_tensor = litert_interpreter(reference_model, kernels), True
                row["litert"] = f"runs a copy with {changed} Convolution2DTransposeBias rewritten as TRANSPOSE_CONV + ADD"
            elif "quantized_dimension must be in range" not in str(e):
                raise
            else:
                reference_model = str(Path(given.name) / "litert-copy.tflite")
                changed = repair_for_litert(model, Path(reference_model))
                interp = litert_interpreter(reference_model, kernels)
                row["litert"] = f"runs a copy with quantized_dimension 0 on {changed} rank-1 tensors (it refuses axis 3)"
        if row["tfldbg"].startswith("refuses") and "iteration" not in row["tfldbg"]:
            # No comparison follows: whether LiteRT runs the model is its
            # Invoke's to say (an ADD of strings passes Prepare, fails there).
            # (Not after a loop limit: LiteRT's loop might never end.)
            given_values = MODEL_INPUTS.get(Path(model).name, {})
            for d in interp.get_input_details():
                if d["name"] in given_values:
                    value = np.asarray(given_values[d["name"]], np.float32)
                elif d["dtype"] is np.bytes_:
                    value = np.full(d["shape"], b"a")
                else:
                    value = np.zeros(d["shape"], d["dtype"])
                interp.set_tensor(d["index"], value)
            try:
                interp.invoke()
            except RuntimeError as e:
                row["litert"] = "refuses at Invoke: " + str(e).replace("\n", " ")[:90]
        if optimized_steps:
            row["litert"] += (f" (its optimized kernels: {', '.join(optimized_steps)[:60]} need them, the reference "
                              "kernel being missing or defective)")
    except Exception as e:  # noqa: BLE001 - any refusal of LiteRT's is a row, not a crash
        row["litert"] = "refuses: " + str(e).replace("\n", " ")[:90]
    if row["litert"].startswith("runs") and row["tfldbg"] == "runs" and not optimized and not xnnpack:
        try:
            with tempfile.TemporaryDirectory(prefix="tfldbg-table-") as tmp:
                result = check_model(model, tmp, seed=0, extra_args=tuple(input_args), reference_model=reference_model,
                                     litert=kernels, by_tensor=by_tensor)
        except Exception as e:  # noqa: BLE001 - a failed comparison is a row that says why
            if isinstance(e, RuntimeError) and not isinstance(e, ToolError):
                # LiteRT accepted the model and refused at Invoke (an ADD of strings):
                # a refusal of LiteRT's, not a difference.
                row["litert"] = "refuses at Invoke: " + str(e).replace("\n", " ")[:90]
            else:
                row["ok"] = False
                row["problem"] = ("comparing failed: " + str(e).replace("\n", " "))[:160]
        else:
            row["total"] = len(result.results)
            row["matched"] = sum(1 for r in result.results if r.passed)
            row["ok"] = bool(result)
            if result.problems:
                row["problem"] = "; ".join(result.problems)[:120]
    runs = row["litert"].startswith("runs") and row["tfldbg"] == "runs"
    for column, wanted, tolerance in (("optimized", optimized, OPTIMIZED_FLOAT_TOLERANCE),
                                      ("xnnpack", xnnpack, XNNPACK_FLOAT_TOLERANCE)):
        # The deployment columns; LiteRT's default path (xnnpack) keeps no intermediates: its graph outputs only.
        if runs and wanted:
            _deployment_column(row, column, model, input_args, reference_model, by_tensor, tolerance)
    given.cleanup()
    queue.put(row)


def check_one(model: Path) -> dict:
    row = _check_in_child(model, False)
    if row["ok"] is not None:
        # The optimized column in a child of its own, with its own time limit.
        opt = _check_in_child(model, True)
        if "optimized_ok" in opt:
            row.update({k: v for k, v in opt.items() if k.startswith("optimized_")})
        else:
            row["optimized_ok"] = False
            row["optimized_problem"] = opt.get("problem") or opt["litert"]
        # The xnnpack column (LiteRT's default path: graph outputs) in another child.
        xnn = _check_in_child(model, False, xnnpack=True)
        if "xnnpack_ok" in xnn:
            row.update({k: v for k, v in xnn.items() if k.startswith("xnnpack_")})
        else:
            row["xnnpack_ok"] = False
            row["xnnpack_problem"] = xnn.get("problem") or xnn["litert"]
    return row


def _check_in_child(model: Path, optimized: bool, xnnpack: bool = False) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_check, args=(str(model), queue, optimized, xnnpack))
    proc.start()
    proc.join(TIME_LIMIT_S)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return {"model": model.name, "litert": f"did not finish in {TIME_LIMIT_S} s", "tfldbg": "-", "matched": 0,
                "total": 0, "ok": None}
    if queue.empty():
        return {"model": model.name, "litert": "-", "tfldbg": "-", "matched": 0, "total": 0, "ok": False,
                "problem": f"the check crashed (exit code {proc.exitcode})"}
    return queue.get()


def markdown(rows: list[dict]) -> str:
    lines = ["| model | LiteRT | tfldbg | tensors matched / total | optimized: tensors equal / total "
             "| xnnpack: outputs equal / total |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        if r["ok"] is None:
            cell = "-"
        else:
            cell = f"{r['matched']} / {r['total']}" + ("" if r["ok"] else " DIFFERS" + (f" ({r['problem']})" if r.get("problem") else ""))
        if r.get("optimized_ok") is None:
            opt = "-"
        elif "optimized_total" not in r:
            opt = "DIFFERS (" + r.get("optimized_problem", "") + ")"
        else:
            opt = f"{r['optimized_matched']} / {r['optimized_total']}" + ("" if r["optimized_ok"] else " DIFFERS")
        if r.get("xnnpack_ok") is None:
            xnn = "-"
        elif "xnnpack_total" not in r:
            xnn = "DIFFERS (" + r.get("xnnpack_problem", "") + ")"
        else:
            xnn = f"{r['xnnpack_matched']} / {r['xnnpack_total']}" + ("" if r["xnnpack_ok"] else " DIFFERS")
        lines.append(f"| {r['model']} | {r['litert']} | {r['tfldbg']} | {cell} | {opt} | {xnn} |")
    return "\n".join(lines)


def add_arguments(p) -> None:
    p.add_argument("--models", nargs="*", help="model files (default: the shared real and LiteRT test models)")
    p.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    p.add_argument("--match", metavar="TEXT", action="append",
                   help="only the models whose file name contains TEXT (repeatable: any of them)")


def run(args) -> int:
    models = [Path(m) for m in args.models] if args.models else [m for d, g in DEFAULT_DIRS for m in sorted(d.glob(g))]
    if getattr(args, "match", None):
        models = [m for m in models if any(t in m.name for t in args.match)]
    if not models:
        print("tfldbg: error: no models (../shared/models is absent)", file=sys.stderr)
        return 2
    rows = []
    for m in models:
        rows.append(check_one(m))
        print(f"{m.name}: {rows[-1]['litert']} / {rows[-1]['tfldbg']} / {rows[-1]['matched']} of {rows[-1]['total']}",
              file=sys.stderr)
    print(markdown(rows))
    both = [r for r in rows if r["ok"] is not None]
    print(f"\n{len(both)} models run in both; {sum(1 for r in both if r['ok'])} match on every compared tensor; "
          f"{sum(r['matched'] for r in both)} of {sum(r['total'] for r in both)} tensors match.")
    opt = [r for r in rows if r.get("optimized_ok") is not None]
    print(f"Optimized kernels: {sum(1 for r in opt if r['optimized_ok'])} of {len(opt)} models equal on every tensor; "
          f"{sum(r.get('optimized_matched', 0) for r in opt)} of {sum(r.get('optimized_total', 0) for r in opt)} "
          "tensors equal.")
    xnn = [r for r in rows if r.get("xnnpack_ok") is not None]
    print(f"XNNPACK (LiteRT's default path): {sum(1 for r in xnn if r['xnnpack_ok'])} of {len(xnn)} models with "
          f"every output equal; {sum(r.get('xnnpack_matched', 0) for r in xnn)} of "
          f"{sum(r.get('xnnpack_total', 0) for r in xnn)} outputs equal.")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0 if all(r["ok"] for r in both) and all(r["optimized_ok"] for r in opt) and all(r["xnnpack_ok"] for r in xnn) else 1

