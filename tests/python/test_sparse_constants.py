"""Sparse constants and DENSIFY against LiteRT.

A sparse constant stores only the values its SparsityParameters keep; tfldbg
decodes it when the model loads (runtime/model/sparsity.cc) and LiteRT's
DENSIFY / sparse FULLY_CONNECTED decode it at Invoke. The models here are
encoded by `tfldbg.testing.opmodel.sparsify` in many layouts (CSR and dense levels,
permuted traversal, blocks, the three index widths) and every tensor is
compared, the sparse constant itself included (the reference decodes LiteRT's
stored values with the numpy decoder in `tfldbg.formats.sparse`). Malformed sparsity
gets one line naming the tensor and the level.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder, sparsify
from tfldbg.formats.sparse import densify
from tfldbg.backends.engine import ToolError, run_tool

rng = np.random.default_rng(17)


def check(b: OpModelBuilder, tmp_path, seeds=(0, 1)):
    path = b.save(tmp_path / "sparse.tflite")
    for seed in seeds:
        result = check_model(path, tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)


def refusal(b: OpModelBuilder, tmp_path) -> str:
    path = b.save(tmp_path / "sparse.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"), "--force")
    message = str(err.value)
    assert "\n" not in message.strip(), message
    return message


def sparse_array(shape, dtype="float32", density=0.3, block=None) -> np.ndarray:
    """Random values with most entries zero; with `block` (per-dimension sizes),
    whole blocks are zero or not, as a block-sparse converter leaves them."""
    if dtype == "float32":
        values = rng.standard_normal(shape).astype(np.float32)
    else:
        info = np.iinfo(dtype)
        values = rng.integers(info.min, info.max + 1, shape).astype(dtype)
    if block is None:
        keep = rng.random(shape) < density
        keep.flat[0] = True  # never all zero: an empty buffer is no constant at all
    else:
        coarse = rng.random([s // b for s, b in zip(shape, block)]) < density
        coarse.flat[0] = True
        keep = coarse
        for axis, b in enumerate(block):
            keep = np.repeat(keep, b, axis=axis)
    values.flat[0] = values.flat[0] or 1
    return np.where(keep, values, np.zeros_like(values))


# (shape, encoding) pairs: the layouts the format allows.
LAYOUTS = [
    ([6, 10], {}),                                                                  # rows dense, columns CSR
    ([6, 10], {"formats": ["DENSE", "DENSE"]}),                                     # nothing compressed
    ([6, 10], {"formats": ["SPARSE_CSR", "SPARSE_CSR"]}),                           # both compressed
    ([6, 10], {"traversal_order": [1, 0], "formats": ["DENSE", "SPARSE_CSR"]}),    # column-major
    ([6, 12], {"block_map": [1], "block_size": [4], "formats": ["DENSE", "SPARSE_CSR", "DENSE"]}),  # 1x4 blocks
    ([6, 12], {"block_map": [0, 1], "block_size": [2, 3],
               "formats": ["DENSE", "SPARSE_CSR", "DENSE", "DENSE"]}),              # 2x3 blocks
    ([6, 12], {"traversal_order": [1, 0, 2, 3], "block_map": [0, 1], "block_size": [3, 3],
               "formats": ["SPARSE_CSR", "SPARSE_CSR", "DENSE", "DENSE"]}),         # blocks walked by column
    ([3, 4, 5], {"formats": ["DENSE", "SPARSE_CSR", "SPARSE_CSR"]}),
    ([2, 3, 4, 5], {"traversal_order": [0, 3, 1, 2], "formats": ["DENSE", "SPARSE_CSR", "DENSE", "SPARSE_CSR"]}),
]


@pytest.mark.parametrize("index_type", ["int32", "uint16", "uint8"])
@pytest.mark.parametrize("case", range(len(LAYOUTS)))
def test_densify_float32_layouts(tmp_path, case, index_type):
    shape, layout = LAYOUTS[case]
    block = None
    if "block_map" in layout:
        block = [1] * len(shape)
        for d, s in zip(layout["block_map"], layout["block_size"]):
            block[d] = s
    dense = sparse_array(shape, block=block)
    b = OpModelBuilder()
    w = b.sparse_constant("w", dense, index_type=index_type, **layout)
    x = b.input("x", "float32", shape)
    d = b.tensor("w_dense", "float32", shape)
    y = b.output("y", "float32", shape)
    b.op("DENSIFY", [w], [d])
    b.op("ADD", [d, x], [y])
    check(b, tmp_path)


def test_numpy_decoder_inverts_the_encoder():
    for shape, layout in LAYOUTS:
        dense = sparse_array(shape)
        if "block_map" in layout:
            continue
        values, sparsity = sparsify(dense, **layout)
        for m in sparsity["dim_metadata"]:
            if m["format"] == "SPARSE_CSR":
                m["segments"], m["indices"] = np.array(m["segments"]), np.array(m["indices"])
        assert np.array_equal(densify(values, shape, sparsity), dense)


def test_densify_int8_feeds_a_quantized_add(tmp_path):
    dense = sparse_array([4, 16], "int8", block=[1, 4])
    b = OpModelBuilder()
    w = b.sparse_constant("w", dense, block_map=[1], block_size=[4], formats=["DENSE", "SPARSE_CSR", "DENSE"],
                          scale=0.05, zero_point=0)
    x = b.input("x", "int8", [4, 16], scale=0.1, zero_point=-3)
    d = b.tensor("w_dense", "int8", [4, 16], scale=0.05, zero_point=0)
    y = b.output("y", "int8", [4, 16], scale=0.12, zero_point=2)
    b.op("DENSIFY", [w], [d])
    b.op("ADD", [d, x], [y])
    check(b, tmp_path)


def test_densify_float16_then_dequantize(tmp_path):
    dense = sparse_array([8, 8]).astype(np.float16)
    b = OpModelBuilder()
    w = b.sparse_constant("w", dense)
    d = b.tensor("w_dense", "float16", [8, 8])
    x = b.input("x", "float32", [8, 8])
    f = b.tensor("w_float", "float32", [8, 8])
    y = b.output("y", "float32", [8, 8])
    b.op("DENSIFY", [w], [d])
    b.op("DEQUANTIZE", [d], [f])
    b.op("MUL", [f, x], [y])
    check(b, tmp_path)


def test_densify_conv_filter(tmp_path):
    # How the converter leaves a pruned convolution: DENSIFY in front of CONV_2D.
    dense = sparse_array([8, 3, 3, 4], density=0.25)
    b = OpModelBuilder()
    w = b.sparse_constant("filter", dense, formats=["DENSE", "DENSE", "DENSE", "SPARSE_CSR"])
    d = b.tensor("filter_dense", "float32", [8, 3, 3, 4])
    bias = b.constant("bias", rng.standard_normal(8).astype(np.float32))
    x = b.input("x", "float32", [1, 9, 9, 4])
    y = b.output("y", "float32", [1, 9, 9, 8])
    b.op("DENSIFY", [w], [d])
    b.op("CONV_2D", [x, d, bias], [y], options={"padding": "SAME", "stride_w": 1, "stride_h": 1})
    check(b, tmp_path)


@pytest.mark.parametrize("layout", [{}, {"block_map": [1], "block_size": [4], "formats": ["DENSE", "SPARSE_CSR", "DENSE"]}],
                         ids=["random", "1x4"])
def test_fully_connected_float_sparse_weights(tmp_path, layout):
    block = [1, 4] if layout else None
    dense = sparse_array([12, 32], block=block)
    b = OpModelBuilder()
    w = b.sparse_constant("weights", dense, **layout)
    bias = b.constant("bias", rng.standard_normal(12).astype(np.float32))
    x = b.input("x", "float32", [3, 32])
    y = b.output("y", "float32", [3, 12])
    b.op("FULLY_CONNECTED", [x, w, bias], [y], options={"fused_activation_function": "RELU"})
    check(b, tmp_path)


@pytest.mark.parametrize("per_channel", [False, True], ids=["per-tensor", "per-channel"])
@pytest.mark.parametrize("batches", [1, 3])
def test_fully_connected_int8_sparse_1x16(tmp_path, batches, per_channel):
    dense = sparse_array([8, 64], "int8", density=0.4, block=[1, 16])
    scales = list(rng.uniform(0.005, 0.04, 8)) if per_channel else [0.02]
    b = OpModelBuilder()
    w = b.sparse_constant("weights", dense, block_map=[1], block_size=[16], formats=["DENSE", "SPARSE_CSR", "DENSE"],
                          scale=scales, zero_point=[0] * len(scales))
    bias = b.constant("bias", rng.integers(-2000, 2000, 8).astype(np.int32), scale=[s * 0.05 for s in scales],
                      zero_point=[0] * len(scales))
    x = b.input("x", "int8", [batches, 64], scale=0.05, zero_point=4)
    y = b.output("y", "int8", [batches, 8], scale=0.3, zero_point=-7)
    b.op("FULLY_CONNECTED", [x, w, bias], [y])
    check(b, tmp_path)


def test_fully_connected_int8_sparse_needs_1x16_blocks(tmp_path):
    b = OpModelBuilder()
    w = b.sparse_constant("weights", sparse_array([8, 64], "int8"), scale=0.02, zero_point=0)
    x = b.input("x", "int8", [1, 64], scale=0.05, zero_point=4)
    y = b.output("y", "int8", [1, 8], scale=0.3, zero_point=-7)
    b.op("FULLY_CONNECTED", [x, w], [y])
    message = refusal(b, tmp_path)
    assert "operator 0 (FULLY_CONNECTED)" in message and "1x16 blocks" in message, message


def test_fully_connected_sparse_weights_without_a_litert_kernel_are_refused(tmp_path):
    # Asymmetric int8 weights, and uint8: LiteRT has no sparse kernel for either.
    b = OpModelBuilder()
    w = b.sparse_constant("weights", sparse_array([8, 64], "int8", block=[1, 16]), block_map=[1], block_size=[16],
                          formats=["DENSE", "SPARSE_CSR", "DENSE"], scale=0.02, zero_point=3)
    x = b.input("x", "int8", [1, 64], scale=0.05, zero_point=4)
    y = b.output("y", "int8", [1, 8], scale=0.3, zero_point=-7)
    b.op("FULLY_CONNECTED", [x, w], [y])
    assert "zero point 0" in refusal(b, tmp_path)
    b = OpModelBuilder()
    w = b.sparse_constant("weights", sparse_array([8, 64], "uint8"), scale=0.02, zero_point=128)
    x = b.input("x", "uint8", [1, 64], scale=0.05, zero_point=4)
    y = b.output("y", "uint8", [1, 8], scale=0.3, zero_point=7)
    b.op("FULLY_CONNECTED", [x, w], [y])
    assert "sparse uint8 weights with uint8 input: LiteRT has no sparse kernel" in refusal(b, tmp_path)


def test_sparse_constant_read_by_another_op_is_refused(tmp_path):
    b = OpModelBuilder()
    w = b.sparse_constant("w", sparse_array([4, 8]))
    x = b.input("x", "float32", [4, 8])
    y = b.output("y", "float32", [4, 8])
    b.op("ADD", [x, w], [y])
    message = refusal(b, tmp_path)
    assert "operator 0 (ADD): input 1 'w' is a sparse constant" in message, message


def hostile(tmp_path, mutate) -> str:
    """A DENSIFY model whose sparsity `mutate` breaks; returns tfldbg's one line."""
    dense = sparse_array([6, 10], density=0.5)
    values, sparsity = sparsify(dense)
    mutate(sparsity)
    b = OpModelBuilder()
    w = b.tensor("w", "float32", [6, 10], data=values)
    b.tensors[w].sparsity = sparsity
    d = b.tensor("w_dense", "float32", [6, 10])
    x = b.input("x", "float32", [6, 10])
    y = b.output("y", "float32", [6, 10])
    b.op("DENSIFY", [w], [d])
    b.op("ADD", [d, x], [y])
    return refusal(b, tmp_path)


def test_malformed_sparsity_is_one_line(tmp_path):
    def index_out_of_range(s):
        s["dim_metadata"][1]["indices"][0] = 10

    def segments_short(s):
        s["dim_metadata"][1]["segments"].pop()

    def segments_decrease(s):
        seg = s["dim_metadata"][1]["segments"]
        seg[2], seg[3] = seg[3], seg[2]

    def order_not_permutation(s):
        s["traversal_order"] = [0, 0]

    def wrong_dense_size(s):
        s["dim_metadata"][0]["dense_size"] = 7

    def one_index_missing(s):  # the walk then visits one value fewer than stored
        m = s["dim_metadata"][1]
        m["indices"].pop()
        m["segments"][-1] -= 1

    expected = {index_out_of_range: "array_indices[0] is 10, outside [0, 10)",
                segments_short: "array_segments has 6 entries, expected 7",
                segments_decrease: "array_segments decreases at entry 3",
                order_not_permutation: "traversal_order [0,0] must list",
                wrong_dense_size: "dense_size is 7, expected 6",
                one_index_missing: "positions but the buffer holds"}
    for mutate, text in expected.items():
        message = hostile(tmp_path, mutate)
        assert "tensor 0 'w': sparsity:" in message and text in message, (mutate.__name__, message)


# --- the committed sparse model (also mutated by the C++ corruption suite) --------------------

DATA = Path(__file__).resolve().parents[1] / "data"


def test_committed_sparse_model_is_what_its_script_writes(tmp_path):
    sys.path.insert(0, str(DATA))
    try:
        import make_sparse_layouts
    finally:
        sys.path.remove(str(DATA))
    path = make_sparse_layouts.build().save(tmp_path / "regenerated.tflite")
    assert path.read_bytes() == (DATA / "sparse_layouts.tflite").read_bytes()


def test_committed_sparse_model_matches_litert(tmp_path):
    for seed in (0, 1, 2):
        result = check_model(DATA / "sparse_layouts.tflite", tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)
        assert len(result.results) == 19, len(result.results)  # every tensor of the model
