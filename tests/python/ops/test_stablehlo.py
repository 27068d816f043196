"""The STABLEHLO_* ops, swept against LiteRT 2.3.0.

First the enumeration: a single-op model per STABLEHLO_* op asked of both LiteRT CPU
resolvers. Those the op table marks "LiteRT itself cannot run it" must stay refused by
both ("Didn't find op for builtin opcode"), so the claim in docs/ops.md is re-checked
whenever LiteRT is upgraded; those LiteRT runs each have a kernel in tfldbg, swept below
(`tfldbg sweep-coverage` holds that every type the op table claims was checked).

Then the sweeps, every type LiteRT accepts, edge values, explicit inputs (one run per
model): integers and floats bit for bit (these ops compute one IEEE operation or move
values). AND and SHIFT_LEFT exist only in LiteRT's builtin resolver (not BUILTIN_REF):
they are checked against it (docs/litert-defects.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.backends.engine import op_table
from tfldbg.backends.litert import litert_interpreter
from tfldbg.testing.opmodel import OpModelBuilder

rng = np.random.default_rng(20261202)

ALL_TYPES = ["float32", "float16", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
             "uint64", "bool"]
CANNOT_RUN = "LiteRT itself cannot run it"


def stablehlo_ops():
    return {name: entry for name, entry in op_table().items() if name.startswith("STABLEHLO_")}


def litert_error(builder: OpModelBuilder, tmp_path, kernels: str) -> str:
    """LiteRT's first error line building and allocating the model, or "" when it allocates."""
    path = builder.save(tmp_path / f"probe-{kernels}.tflite")
    try:
        litert_interpreter(path, kernels)
    except (RuntimeError, ValueError) as e:
        return str(e)
    return ""


def probe_model(op: str) -> OpModelBuilder:
    b = OpModelBuilder()
    x = b.input("x", "float32", [2])
    y = b.input("y", "float32", [2])
    b.op(op, [x, y], [b.output("out", "float32", [2])])
    return b


# --- the enumeration -----------------------------------------------------------------------------------

def test_every_stablehlo_op_is_run_or_marked_cannot_run():
    ops = stablehlo_ops()
    assert len(ops) == 46
    for name, entry in ops.items():
        assert entry["supported"] or entry["why_not"].startswith(CANNOT_RUN), (name, entry)


@pytest.mark.parametrize("op", sorted(n for n, e in stablehlo_ops().items() if not e["supported"]))
def test_litert_cannot_run(op, tmp_path):
    for kernels in ("reference", "optimized"):
        message = litert_error(probe_model(op), tmp_path, kernels)
        assert f"Didn't find op for builtin opcode '{op}'" in message, (kernels, message)


# --- ADD, MULTIPLY, MAXIMUM, MINIMUM, AND, SHIFT_LEFT --------------------------------------------------------

FLOAT_EDGES = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 3.4e38, -3.4e38, 1e-40, 0.5, -2.5, 65504.0, 6e-8]


def values(dtype, shape):
    """Seeded values over the type's whole range (floats: [-5, 5] with large magnitudes too),
    the first elements replaced by the type's edge values."""
    shape = tuple(shape)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind == "f":
        x = (rng.uniform(-5, 5, shape) * 10.0 ** rng.integers(-3, 4, shape)).astype(dtype)
        edges = np.array(FLOAT_EDGES, dtype="float64").astype(dtype)
    else:
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
        edges = np.array([v for v in (info.min, info.max, 0, 1, -1, info.min + 1, info.max - 1) if info.min <= v <= info.max],
                         dtype=dtype)
    flat = x.reshape(-1)
    k = min(flat.size, edges.size)
    flat[:k] = edges[:k]
    return x


def binary_model(op, dtype, shape):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape)
    y = b.input("y", dtype, shape)
    b.op(op, [x, y], [b.output("out", dtype, shape)])
    return b


def edge_pairs(dtype, n):
    """Both inputs over every pair of the edge values (NaN first and second, ±0 both ways)."""
    base = values(dtype, [n])
    return np.repeat(base, n), np.tile(base, n)


SHAPES = [[1], [2, 3, 4], [], [0, 3], [2, 1, 3, 1, 2, 1, 2, 2, 1]]


@pytest.mark.parametrize("op", ["STABLEHLO_ADD", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM", "STABLEHLO_MINIMUM"])
@pytest.mark.parametrize("dtype", ALL_TYPES)
def test_arithmetic(op, dtype, tmp_path):
    a, b = edge_pairs(dtype, 14)
    check(binary_model(op, dtype, [a.size]), tmp_path, inputs={"x": a, "y": b})
    for shape in SHAPES:
        check(binary_model(op, dtype, shape), tmp_path, inputs={"x": values(dtype, shape), "y": values(dtype, shape)})


@pytest.mark.parametrize("dtype", [t for t in ALL_TYPES if not t.startswith("float")])
def test_and(dtype, tmp_path):
    a, b = edge_pairs(dtype, 8)
    check(binary_model("STABLEHLO_AND", dtype, [a.size]), tmp_path, inputs={"x": a, "y": b}, litert="optimized")
    for shape in SHAPES:
        check(binary_model("STABLEHLO_AND", dtype, shape), tmp_path,
              inputs={"x": values(dtype, shape), "y": values(dtype, shape)}, litert="optimized")


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
def test_shift_left(dtype, tmp_path):
    x = values(dtype, [4, 32])
    counts = np.tile(np.arange(32), 4).reshape(4, 32).astype(dtype)
    check(binary_model("STABLEHLO_SHIFT_LEFT", dtype, [4, 32]), tmp_path, inputs={"x": x, "y": counts}, litert="optimized")
    # A long tensor (LiteRT's vectorised loop) and an empty one.
    x = values(dtype, [1000])
    counts = rng.integers(0, 32, [1000]).astype(dtype)
    check(binary_model("STABLEHLO_SHIFT_LEFT", dtype, [1000]), tmp_path, inputs={"x": x, "y": counts}, litert="optimized")
    check(binary_model("STABLEHLO_SHIFT_LEFT", dtype, [0]), tmp_path,
          inputs={"x": np.zeros([0], dtype), "y": np.zeros([0], dtype)}, litert="optimized")


@pytest.mark.parametrize("count", [-1, 32, 100])
def test_shift_left_count_out_of_range_fails(count, tmp_path):
    b = binary_model("STABLEHLO_SHIFT_LEFT", "int32", [3])
    refused(b, tmp_path, f"shift count {count} at element 1 is outside [0, 31]",
            inputs={"x": np.array([1, 2, 3], np.int32), "y": np.array([0, count, 1], np.int32)})


def test_elementwise_refusals(tmp_path):
    b = OpModelBuilder()
    x, y = b.input("x", "float32", [2, 3]), b.input("y", "float32", [1, 3])
    b.op("STABLEHLO_ADD", [x, y], [b.output("out", "float32", [2, 3])])
    refused(b, tmp_path, "StableHLO elementwise ops take equal shapes (no broadcasting)")
    refused(binary_model("STABLEHLO_AND", "float32", [2]), tmp_path, "input1")
    refused(binary_model("STABLEHLO_SHIFT_LEFT", "int64", [2]), tmp_path, "input1")
    b = OpModelBuilder()
    x, y = b.input("x", "int8", [2]), b.input("y", "int16", [2])
    b.op("STABLEHLO_MULTIPLY", [x, y], [b.output("out", "int8", [2])])
    refused(b, tmp_path, "input2")


# --- PAD -------------------------------------------------------------------------------------------------

PAD_CASES = [
    # input shape, low, high, interior
    ([3], [1], [2], [1]),
    ([3], [0], [0], [0]),
    ([2, 3], [1, 0], [0, 2], [0, 0]),
    ([2, 3], [-1, 1], [1, -2], [2, 1]),   # negative edges crop, also into interior padding
    ([4, 5], [-3, -4], [-2, 0], [1, 2]),
    ([2, 2, 3], [0, 1, -1], [1, 0, 2], [1, 0, 3]),
    ([1, 2, 1, 2, 1, 2, 1, 2], [1, 0, 1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0, 0, 1], [0, 1, 0, 1, 0, 0, 0, 2]),
    ([0, 3], [1, 1], [1, 0], [0, 1]),      # empty input: all padding
    ([3], [-2], [-2], [0]),                # every dimension cropped to nothing: shape [0]
    ([2, 3], [0, -3], [0, -1], [0, 0]),    # one dimension below zero: every dimension 0
]


def pad_model(dtype, shape, low, high, interior):
    out = []
    for d, n in enumerate(shape):
        out.append(n + max(n - 1, 0) * interior[d] + low[d] + high[d])
    if any(o <= 0 for o in out):
        out = [0] * len(out)
    b = OpModelBuilder()
    x = b.input("x", dtype, shape)
    v = b.input("v", dtype, [])
    b.op("STABLEHLO_PAD", [x, v], [b.output("out", dtype, out)],
         options={"edge_padding_low": low, "edge_padding_high": high, "interior_padding": interior})
    return b


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("case", range(len(PAD_CASES)))
def test_pad(dtype, case, tmp_path):
    shape, low, high, interior = PAD_CASES[case]
    check(pad_model(dtype, shape, low, high, interior), tmp_path,
          inputs={"x": values(dtype, shape), "v": values(dtype, [1]).reshape([])})


def test_pad_constant_padding_value(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int8", [2, 2])
    v = b.constant("v", np.array(-7, np.int8))
    b.op("STABLEHLO_PAD", [x, v], [b.output("out", "int8", [3, 5])],
         options={"edge_padding_low": [1, 0], "edge_padding_high": [0, 2], "interior_padding": [0, 1]})
    check(b, tmp_path, inputs={"x": values("int8", [2, 2])})


def test_pad_refusals(tmp_path):
    b = OpModelBuilder()
    x, v = b.input("x", "float32", [3]), b.input("v", "float32", [])
    b.op("STABLEHLO_PAD", [x, v], [b.output("out", "float32", [3])],
         options={"edge_padding_low": [0, 0], "edge_padding_high": [0], "interior_padding": [0]})
    refused(b, tmp_path, "edge_padding_low has 2 values for an input of rank 1")
    b = OpModelBuilder()
    x, v = b.input("x", "float32", [3]), b.input("v", "float32", [])
    b.op("STABLEHLO_PAD", [x, v], [b.output("out", "float32", [3])],
         options={"edge_padding_low": [0], "edge_padding_high": [0], "interior_padding": [-1]})
    refused(b, tmp_path, "interior padding -1 < 0")
    b = OpModelBuilder()
    x, v = b.input("x", "float32", [3]), b.input("v", "float32", [2])
    b.op("STABLEHLO_PAD", [x, v], [b.output("out", "float32", [3])],
         options={"edge_padding_low": [0], "edge_padding_high": [0], "interior_padding": [0]})
    refused(b, tmp_path, "the padding value has 2 elements, not one")


# --- GATHER ----------------------------------------------------------------------------------------------

GATHER_CASES = [
    # operand shape, indices shape, offset_dims, collapsed, start_index_map, index_vector_dim, slice_sizes
    ([4, 3], [2, 1], [1], [0], [0], 1, [1, 3]),              # rows (jnp.take along 0)
    ([4, 3], [5, 1], [1], [1], [1], 1, [4, 1]),              # columns
    ([4, 3], [2, 2], [1, 2], [], [0, 1], 1, [2, 2]),         # 2x2 windows, clamped to fit
    ([5, 4, 3], [2, 3, 2], [2], [0, 1], [0, 1], 2, [1, 1, 3]),   # gather_nd-style, batch 2x3
    ([5, 4, 3], [2, 1, 3], [0, 3], [1], [1], 1, [2, 1, 3]),  # index_vector_dim in the middle, offsets around
    ([6], [3, 1], [], [0], [0], 1, [1]),                     # scalars out
    ([3, 4], [2, 1], [0, 1], [], [1], 1, [3, 2]),            # no collapsed dims, start on dim 1 only
    ([2, 3, 2, 2], [4, 2], [1, 2], [0, 3], [3, 0], 1, [1, 3, 2, 1]),   # start_index_map out of order
    ([4, 3], [0, 1], [1], [0], [0], 1, [1, 3]),              # no indices: empty output
    ([4, 0], [2, 1], [1], [0], [0], 1, [1, 0]),              # an empty operand: empty slices
]


def gather_model(dtype, index_type, operand, indices, offset_dims, collapsed, start_map, ivd, slice_sizes):
    out, s, b_dim = [], [d for i, d in enumerate(slice_sizes) if i not in collapsed], 0
    batch = [n for i, n in enumerate(indices) if i != ivd]
    for d in range(len(offset_dims) + len(indices) - 1):
        if d in offset_dims:
            out.append(s.pop(0))
        else:
            out.append(batch[b_dim])
            b_dim += 1
    b = OpModelBuilder()
    x = b.input("x", dtype, operand)
    i = b.input("i", index_type, indices)
    b.op("STABLEHLO_GATHER", [x, i], [b.output("out", dtype, out)],
         options={"offset_dims": offset_dims, "collapsed_slice_dims": collapsed, "start_index_map": start_map,
                  "index_vector_dim": ivd, "slice_sizes": slice_sizes, "indices_are_sorted": False})
    return b


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("case", range(len(GATHER_CASES)))
def test_gather(dtype, case, tmp_path):
    operand, indices, *rest = GATHER_CASES[case]
    for index_type in ("int32", "int64"):
        # Indices in and out of range (LiteRT clamps each start so the slice fits).
        lo = -3
        hi = max(operand) + 3
        idx = rng.integers(lo, hi, indices).astype(index_type)
        if idx.size:
            idx.reshape(-1)[0] = np.iinfo(index_type).max
            idx.reshape(-1)[-1] = np.iinfo(index_type).min
        check(gather_model(dtype, index_type, operand, indices, *rest), tmp_path,
              inputs={"x": values(dtype, operand), "i": idx})


def test_gather_refusals(tmp_path):
    refused(gather_model("float32", "int32", [4, 3], [2, 1], [1], [0], [0], 1, [2, 3]), tmp_path,
            "collapsed dimension 0 has slice size 2, not 1")
    refused(gather_model("float32", "int32", [4, 3], [2, 1], [1], [0], [0], 1, [1, 4]), tmp_path,
            "do not fit the operand")
    b = OpModelBuilder()
    x, i = b.input("x", "float32", [4, 3]), b.input("i", "int32", [2])
    b.op("STABLEHLO_GATHER", [x, i], [b.output("out", "float32", [2, 3])],
         options={"offset_dims": [1], "collapsed_slice_dims": [0], "start_index_map": [0], "index_vector_dim": 1,
                  "slice_sizes": [1, 3]})
    refused(b, tmp_path, "LiteRT reads the index vector along a dimension of start_indices")
    b = OpModelBuilder()
    x, i = b.input("x", "float32", [4, 3]), b.input("i", "int16", [2, 1])
    b.op("STABLEHLO_GATHER", [x, i], [b.output("out", "float32", [2, 3])],
         options={"offset_dims": [1], "collapsed_slice_dims": [0], "start_index_map": [0], "index_vector_dim": 1,
                  "slice_sizes": [1, 3]})
    refused(b, tmp_path, "start_indices")


# --- STABLEHLO_REDUCE_WINDOW, REDUCE_WINDOW --------------------------------------------------------------------

RW_TYPES = ["float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]
BODIES = {"add": "STABLEHLO_ADD", "mul": "STABLEHLO_MULTIPLY", "max": "STABLEHLO_MAXIMUM", "min": "STABLEHLO_MINIMUM",
          "tfl_add": "ADD", "tfl_max": "MAXIMUM", "tfl_min": "MINIMUM", "tfl_mul": "MUL", "and": "STABLEHLO_AND",
          "or": "STABLEHLO_OR", "tfl_and": "LOGICAL_AND", "tfl_or": "LOGICAL_OR"}

RW_CASES = [
    # input shape, window, strides, base dilations, window dilations, padding (low, high per dim)
    ([5], [2], [1], [1], [1], [0, 0]),
    ([6], [3], [2], [1], [1], [1, 1]),
    ([1, 6, 6, 2], [1, 3, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 1, 1, 1, 1, 0, 0]),  # max pool SAME
    ([2, 5, 4], [1, 2, 2], [1, 1, 2], [1, 2, 1], [1, 1, 2], [0, 0, 1, 0, 0, 1]),
    ([4, 4], [2, 3], [1, 1], [2, 1], [1, 1], [-1, 2, 2, -1]),      # negative padding crops
    ([3, 2, 3, 2, 2], [2, 1, 2, 2, 1], [1, 2, 1, 1, 1], [1, 1, 1, 1, 2], [2, 1, 1, 1, 1], [0, 0] * 5),
    ([2, 2, 2, 2, 2, 2], [2, 1, 2, 1, 2, 1], [1] * 6, [1] * 6, [1] * 6, [0, 1] * 6),   # LiteRT's maximum rank 6
    ([3, 3], [5, 1], [1, 1], [1, 1], [1, 1], [0, 0, 0, 0]),        # window larger than the input: empty output
    ([7], [7], [3], [1], [1], [3, 3]),                            # the whole input
]


def rw_out_shape(shape, window, strides, base, wdil, padding):
    out = []
    for d, n in enumerate(shape):
        padded = (n - 1) * base[d] + 1 + padding[2 * d] + padding[2 * d + 1]
        span = (window[d] - 1) * wdil[d] + 1
        out.append(0 if padded < span else (padded - span) // strides[d] + 1)
    return out


def rw_model(dtype, body, shape, window, strides, base, wdil, padding):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape)
    init = b.input("init", dtype, [])
    b.op("STABLEHLO_REDUCE_WINDOW", [x, init], [b.output("out", dtype, rw_out_shape(shape, window, strides, base, wdil, padding))],
         options={"window_dimensions": window, "window_strides": strides, "base_dilations": base,
                  "window_dilations": wdil, "padding": padding, "body_subgraph_index": 1})
    sg = b.add_subgraph("body")
    l, r = sg.input("l", dtype, []), sg.input("r", dtype, [])
    options = {"fused_activation_function": "NONE"} if BODIES[body] in ("ADD", "MUL") else None
    sg.op(BODIES[body], [l, r], [sg.output("o", dtype, [])], options=options)
    return b


def rw_values(dtype, shape, body):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind == "f":
        x = rng.uniform(-3, 3, shape).astype(dtype)
        flat = x.reshape(-1)
        edges = [np.inf, -np.inf, np.nan, -0.0, 0.0] if body not in ("and", "or", "tfl_and", "tfl_or") else [0.0, -0.0]
        flat[:min(flat.size, len(edges))] = edges[:flat.size]
        return x
    return values(dtype, shape)


def rw_body_ok(dtype, body):
    """The bodies whose op accepts the type (the body subgraph must itself be valid in LiteRT)."""
    if body in ("tfl_and", "tfl_or"):
        return dtype == "bool"
    if body in ("and", "or"):
        return body == "and" and not dtype.startswith("float")
    return True


@pytest.mark.parametrize("dtype", RW_TYPES)
@pytest.mark.parametrize("body", ["add", "mul", "max", "min", "and"])
def test_stablehlo_reduce_window(dtype, body, tmp_path):
    if not rw_body_ok(dtype, body):
        pytest.skip("not a valid body for this type")
    for case in RW_CASES:
        init = {"add": 0, "mul": 1, "max": -100, "min": 100, "and": 1}[body]
        if dtype == "bool" or dtype == "uint8":
            init = abs(init) % 2 if dtype == "bool" else abs(init)
        # STABLEHLO_AND is in the builtin resolver only: a model holding it is checked there.
        check(rw_model(dtype, body, *case), tmp_path, litert="optimized" if body == "and" else "reference",
              inputs={"x": rw_values(dtype, case[0], body), "init": np.array(init).astype(dtype)})


@pytest.mark.parametrize("body", ["tfl_add", "tfl_max", "tfl_min", "tfl_mul", "tfl_and", "tfl_or"])
def test_stablehlo_reduce_window_tflite_bodies(body, tmp_path):
    dtype = "bool" if body in ("tfl_and", "tfl_or") else "float32"
    for case in RW_CASES[:5]:
        check(rw_model(dtype, body, *case), tmp_path,
              inputs={"x": rw_values(dtype, case[0], body), "init": np.array(1).astype(dtype)})


def test_stablehlo_reduce_window_refusals(tmp_path):
    b = rw_model("float32", "add", [5], [2], [1], [1], [1], [0, 0])
    b.subgraphs[0].op("STABLEHLO_ADD", [0, 1], [2])
    refused(b, tmp_path, "a body of 2 ops (LiteRT reduces with a body of one op)")
    b = rw_model("float32", "add", [5], [2], [1], [1], [1], [0, 0])
    b.ops[0].options["window_strides"] = [0]
    refused(b, tmp_path, "window dimensions, strides and dilations must be positive")
    b = rw_model("float32", "add", [5], [2], [1], [1], [1], [0, 0])
    b.ops[0].options["padding"] = [0, 0, 0]
    refused(b, tmp_path, "padding has 3 values, not 2")
    b = rw_model("float32", "add", [3], [1], [1], [1], [1], [-2, -2])
    refused(b, tmp_path, "the padding leaves dimension 0 empty")
    b = rw_model("float16", "add", [3], [1], [1], [1], [1], [0, 0])
    refused(b, tmp_path, "input")


REDUCE_FUNCTIONS = ["ADD", "MUL", "MINIMUM", "MAXIMUM", "ALL", "ANY"]


@pytest.mark.parametrize("dtype", RW_TYPES)
@pytest.mark.parametrize("function", REDUCE_FUNCTIONS)
def test_reduce_window_builtin(dtype, function, tmp_path):
    """The deprecated builtin REDUCE_WINDOW (no base dilation, no padding)."""
    for shape, window, strides, _, wdil, _ in RW_CASES:
        b = OpModelBuilder()
        x = b.input("x", dtype, shape)
        init = b.input("init", dtype, [])
        consts = [b.constant(name, np.array(v, np.int64)) for name, v in (("w", window), ("s", strides), ("d", wdil))]
        out = rw_out_shape(shape, window, strides, [1] * len(shape), wdil, [0] * (2 * len(shape)))
        b.op("REDUCE_WINDOW", [x, init, *consts], [b.output("out", dtype, out)],
             options={"__table__": "ReduceWindowOptions", "reduce_function": function})
        start = {"ADD": 0, "MUL": 1, "MINIMUM": 100, "MAXIMUM": -100, "ALL": 1, "ANY": 0}[function]
        if dtype in ("bool", "uint8"):
            start = abs(start) % 2 if dtype == "bool" else abs(start)
        check(b, tmp_path, inputs={"x": rw_values(dtype, shape, "add"), "init": np.array(start).astype(dtype)})


# --- SCATTER ---------------------------------------------------------------------------------------------

SCATTER_CASES = [
    # operand, indices, updates, update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims, index_vector_dim
    ([5], [4, 1], [4], [], [0], [0], 1),                          # x.at[idx].op(v)
    ([4, 3], [2, 1], [2, 3], [1], [0], [0], 1),                   # whole rows
    ([4, 3], [5, 1], [4, 5], [0], [1], [1], 1),                   # columns, updates' scatter dim last
    ([4, 5], [3, 2], [3, 2, 2], [1, 2], [], [0, 1], 1),           # 2x2 windows, partly out of bounds
    ([3, 4, 2], [2, 2, 2], [2, 2, 2], [2], [0, 1], [1, 0], 2),     # scatter_nd-style, dims out of order
    ([3, 4], [1, 3], [3, 4], [1], [0], [0], 0),                   # index_vector_dim first
]


def scatter_model(dtype, index_type, body, operand, indices, updates, window, inserted, to_operand, ivd):
    b = OpModelBuilder()
    x = b.input("x", dtype, operand)
    i = b.input("i", index_type, indices)
    u = b.input("u", dtype, updates)
    b.op("STABLEHLO_SCATTER", [x, i, u], [b.output("out", dtype, operand)],
         options={"update_window_dims": window, "inserted_window_dims": inserted,
                  "scatter_dims_to_operand_dims": to_operand, "index_vector_dim": ivd,
                  "indices_are_sorted": False, "unique_indices": False, "update_computation_subgraph_index": 1})
    sg = b.add_subgraph("update")
    l, r = sg.input("l", dtype, []), sg.input("r", dtype, [])
    if body is None:
        sg.outputs.append(r)
    else:
        sg.op(body, [l, r], [sg.output("o", dtype, [])])
    return b


SCATTER_BODIES = [None, "STABLEHLO_ADD", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM", "STABLEHLO_MINIMUM"]


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("body", SCATTER_BODIES, ids=["replace", "add", "mul", "max", "min"])
def test_stablehlo_scatter(dtype, body, tmp_path):
    for case in SCATTER_CASES:
        operand, indices, updates = case[0], case[1], case[2]
        for index_type in ("int32", "int64"):
            # Repeated targets (combined in order), out-of-range ones (skipped), the extremes.
            idx = rng.integers(-1, max(operand) + 1, indices).astype(index_type)
            idx.reshape(-1)[0] = np.iinfo(index_type).max
            idx.reshape(-1)[-1] = np.iinfo(index_type).min
            check(scatter_model(dtype, index_type, body, *case), tmp_path,
                  inputs={"x": values(dtype, operand), "i": idx, "u": values(dtype, updates)})


def test_stablehlo_scatter_refusals(tmp_path):
    b = scatter_model("float32", "int32", "ADD", *SCATTER_CASES[0])
    refused(b, tmp_path, "an update computation of ADD")
    b = scatter_model("float32", "int32", "STABLEHLO_ADD", *SCATTER_CASES[0])
    b.subgraphs[0].op("STABLEHLO_ADD", [0, 1], [2])
    refused(b, tmp_path, "an update computation of 2 ops (LiteRT allows one)")
    b = scatter_model("float32", "int32", None, [5], [4], [4], [], [0], [0], 1)
    refused(b, tmp_path, "LiteRT reads the index vector along a dimension of scatter_indices")
    b = scatter_model("float32", "int32", None, [4, 3], [2, 1], [2, 3], [1], [], [0], 1)
    refused(b, tmp_path, "update_window_dims and inserted_window_dims")


# --- RNG_BIT_GENERATOR -------------------------------------------------------------------------------------

def rng_model(algorithm, state_size, out_type, out_shape):
    b = OpModelBuilder()
    s = b.input("state", "uint64", [state_size])
    b.op("STABLEHLO_RNG_BIT_GENERATOR", [s], [b.output("new_state", "uint64", [state_size]),
                                               b.output("bits", out_type, out_shape)],
         options={"algorithm": algorithm})
    return b


RNG_STATES = [[0, 0, 0], [1, 2, 3], [2**64 - 1, 2**64 - 1, 2**64 - 1], [0x0123456789ABCDEF, 0xFFFFFFFF, 7]]


@pytest.mark.parametrize("algorithm,state_size", [("THREEFRY", 2), ("PHILOX", 2), ("PHILOX", 3), ("DEFAULT", 2),
                                                  ("DEFAULT", 3)])
@pytest.mark.parametrize("out_type", ["int32", "uint32", "int64", "uint64"])
def test_rng_bit_generator(algorithm, state_size, out_type, tmp_path):
    for out_shape in ([7], [2, 3, 5], [0], []):
        for state in RNG_STATES:
            check(rng_model(algorithm, state_size, out_type, out_shape), tmp_path,
                  inputs={"state": np.array(state[:state_size], np.uint64)})


def test_rng_bit_generator_counter_carries(tmp_path):
    # The counter's low word wraps into the next one within the output.
    check(rng_model("PHILOX", 2, "uint32", [40]), tmp_path,
          inputs={"state": np.array([5, 0xFFFFFFFF_FFFFFFFD], np.uint64)})
    check(rng_model("THREEFRY", 2, "uint64", [9]), tmp_path,
          inputs={"state": np.array([5, 0x00000001_FFFFFFFE], np.uint64)})


def test_rng_bit_generator_refusals(tmp_path):
    refused(rng_model("THREEFRY", 3, "uint32", [4]), tmp_path, "a THREEFRY state must be uint64[2]")
    refused(rng_model("PHILOX", 4, "uint32", [4]), tmp_path, "a PHILOX state must be uint64[2] or uint64[3]")
    refused(rng_model("PHILOX", 2, "float32", [4]), tmp_path, "output")


def test_reduce_window_builtin_refusals(tmp_path):
    def model(function="ADD", constant=True, window_type="int64"):
        b = OpModelBuilder()
        x, init = b.input("x", "float32", [5]), b.input("init", "float32", [])
        w = b.constant("w", np.array([2], window_type)) if constant else b.input("w", window_type, [1])
        s, d = b.constant("s", np.array([1], np.int64)), b.constant("d", np.array([1], np.int64))
        b.op("REDUCE_WINDOW", [x, init, w, s, d], [b.output("out", "float32", [4])],
             options={"__table__": "ReduceWindowOptions", "reduce_function": function})
        return b
    refused(model(function="UNSUPPORTED"), tmp_path, "reduce_function 0")
    refused(model(constant=False), tmp_path, "the window shape must be a constant int64 tensor")
    refused(model(window_type="int32"), tmp_path, "the window shape must be a constant int64 tensor")


def test_stablehlo_reduce_window_default_attributes(tmp_path):
    """Only window_dimensions given: strides and dilations 1, no padding (LiteRT's parser defaults)."""
    b = rw_model("float32", "max", [6, 4], [2, 3], [1, 1], [1, 1], [1, 1], [0, 0, 0, 0])
    for key in ("window_strides", "base_dilations", "window_dilations", "padding"):
        del b.ops[0].options[key]
    check(b, tmp_path, inputs={"x": rw_values("float32", [6, 4], "max"), "init": np.array(-np.inf, np.float32)})
