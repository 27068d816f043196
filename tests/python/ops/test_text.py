"""HASHTABLE, HASHTABLE_IMPORT, HASHTABLE_FIND, HASHTABLE_SIZE against LiteRT.

LiteRT's reference resolver (BUILTIN_REF) has no HASHTABLE* kernels: tfldbg's
steps say so (`litert_kernels: optimized`) and the check runs LiteRT's builtin
resolver. Its tables map int64 -> string and string -> int64 only.
"""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from strings_common import EDGE, strings
from sweep import check, refused
from tfldbg.backends.engine import find_binary
from tfldbg.testing.opmodel import OpModelBuilder


def table_model(key_type: str, value_type: str, keys, values, queries_shape, default, imports: int = 1,
                table_id: int = 7) -> OpModelBuilder:
    b = OpModelBuilder()
    h = b.tensor("handle", "resource", [1])
    b.op("HASHTABLE", [], [h], {"table_id": table_id, "key_dtype": key_type.upper(), "value_dtype": value_type.upper()})
    for i in range(imports):
        b.op("HASHTABLE_IMPORT", [h, b.constant(f"keys{i}", keys), b.constant(f"values{i}", values)], [])
    q = b.input("q", key_type, queries_shape)
    y = b.output("y", value_type, queries_shape)
    b.op("HASHTABLE_FIND", [h, q, b.constant("default", default)], [y])
    n = b.output("size", "int64", [1])
    b.op("HASHTABLE_SIZE", [h], [n])
    return b


INT_KEYS = np.array([0, -1, 2**62, -(2**63), 5, 5, 17], np.int64)  # 5 twice: the first value stays


@pytest.mark.parametrize("shape", [[7], [2, 3], [0], []])
def test_int64_to_string(tmp_path, shape):
    values = strings([7], seed=1)
    b = table_model("int64", "string", INT_KEYS, values, shape, np.array([b"\xffdefault\x00x"]))
    n = int(np.prod(shape))
    q = np.array([0, -1, 2**62, -(2**63), 5, 17, 3, 4, 99][:n] or [], np.int64).reshape(shape)
    check(b, tmp_path, inputs={"q": q}, litert="optimized")


@pytest.mark.parametrize("shape", [[8], [2, 4], [0]])
def test_string_to_int64(tmp_path, shape):
    keys = np.array(EDGE[:6] + [b"a"], dtype="S1000")  # b"a" twice: the first value stays
    values = np.array([1, -2, 2**63 - 1, -(2**63), 0, 42, 9], np.int64)
    b = table_model("string", "int64", keys, values, shape, np.array([-7], np.int64))
    n = int(np.prod(shape))
    q = np.array((EDGE + [b"missing", b"x" * 999])[:n] or [], dtype="S1000").reshape(shape)
    check(b, tmp_path, inputs={"q": q}, litert="optimized")


def test_string_keys_random_words(tmp_path):
    """Seeded random inputs (short words over 'abc') meet some keys."""
    keys = np.array([b"a", b"b", b"ab", b"", b"cab"])
    b = table_model("string", "int64", keys, np.arange(5, dtype=np.int64), [16], np.array([-1], np.int64))
    check(b, tmp_path, litert="optimized")


def test_second_import_is_ignored(tmp_path):
    b = table_model("int64", "string", INT_KEYS, strings([7]), [4], np.array([b""]), imports=2)
    check(b, tmp_path, inputs={"q": np.array([0, 5, 17, 1], np.int64)}, litert="optimized")


def test_empty_table(tmp_path):
    b = table_model("int64", "string", np.zeros([0], np.int64), np.array([], dtype="S1"), [3], np.array([b"none"]))
    check(b, tmp_path, inputs={"q": np.array([0, 1, 2], np.int64)}, litert="optimized")


def test_runs_twice_keeps_the_table(tmp_path):
    """`run --repeat 2`: the second Invoke finds the table the first filled (the import is ignored then)."""
    path = table_model("int64", "string", INT_KEYS, strings([7]), [2], np.array([b"d"])).save(tmp_path / "t.tflite")
    np.save(tmp_path / "q.npy", np.array([5, 6], np.int64))
    proc = subprocess.run([str(find_binary()), "run", str(path), "--input", f"q={tmp_path / 'q.npy'}", "--repeat", "2"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "string[2]" in proc.stdout and "int64[1]" in proc.stdout


@pytest.mark.parametrize("key_type,value_type", [("int64", "int64"), ("string", "string"), ("int32", "string")])
def test_refuses_types_litert_refuses(tmp_path, key_type, value_type):
    def vals(t):
        return np.array([b"a"]) if t == "string" else np.array([1], t)
    b = table_model(key_type, value_type, vals(key_type), vals(value_type), [1], vals(value_type))
    refused(b, tmp_path, "LiteRT's tables map int64 -> string or string -> int64")


def test_refuses_find_of_other_types(tmp_path):
    """A FIND whose keys do not have the table's key type: LiteRT fails at Invoke."""
    b = OpModelBuilder()
    h = b.tensor("handle", "resource", [1])
    b.op("HASHTABLE", [], [h], {"table_id": 1, "key_dtype": "INT64", "value_dtype": "STRING"})
    b.op("HASHTABLE_IMPORT", [h, b.constant("k", np.array([1], np.int64)), b.constant("v", np.array([b"x"]))], [])
    q = b.input("q", "string", [1])
    y = b.output("y", "int64", [1])
    b.op("HASHTABLE_FIND", [h, q, b.constant("d", np.array([0], np.int64))], [y])
    refused(b, tmp_path, "the table maps int64 -> string, not string -> int64", inputs={"q": np.array([b"a"])})


def test_refuses_keys_and_values_of_other_sizes(tmp_path):
    b = table_model("int64", "string", np.array([1, 2], np.int64), np.array([b"x"]), [1], np.array([b""]))
    refused(b, tmp_path, "differ in size")


# --- HASHTABLE_LOOKUP: rows of `value` by int32 key (LiteRT's bsearch over `key`) ---

LOOKUP_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "bool", "string"]


def lookup_model(value: np.ndarray, keys, lookup_shape) -> OpModelBuilder:
    b = OpModelBuilder()
    lookup = b.input("lookup", "int32", lookup_shape)
    out = b.output("out", "string" if value.dtype.kind == "S" else value.dtype.name, lookup_shape + list(value.shape[1:]))
    hits = b.output("hits", "uint8", lookup_shape)
    b.op("HASHTABLE_LOOKUP", [lookup, b.constant("key", np.array(keys, np.int32)), b.constant("value", value)], [out, hits])
    return b


def table_values(dtype: str, rows: int, width: int | None):
    if dtype == "string":
        return strings([rows], seed=3)
    rng = np.random.default_rng(5)
    shape = [rows] + ([] if width is None else [width])
    if dtype == "float32":
        return rng.standard_normal(shape).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True, dtype=dtype)


@pytest.mark.parametrize("dtype", LOOKUP_TYPES)
def test_hashtable_lookup(tmp_path, dtype):
    keys = [-(2**31), -5, 0, 3, 9, 2**31 - 1]
    value = table_values(dtype, len(keys), None if dtype == "string" else 3)
    b = lookup_model(value, keys, [9])
    q = np.array([3, 4, -(2**31), 2**31 - 1, 0, -5, 9, 100, -(2**31) + 1], np.int32)
    check(b, tmp_path, inputs={"lookup": q})


@pytest.mark.parametrize("keys", [[5, 1, 9, 3, 7], [2, 2, 2, 1], [0]])
def test_hashtable_lookup_unsorted_and_repeated_keys(tmp_path, keys):
    """Unsorted keys: what LiteRT's bsearch finds, hit or miss, is what tfldbg finds."""
    value = table_values("int32", len(keys), 2)
    check(lookup_model(value, keys, [10]), tmp_path, inputs={"lookup": np.arange(10, dtype=np.int32) - 1})


def test_hashtable_lookup_empty_lookup_and_random(tmp_path):
    check(lookup_model(table_values("string", 4, None), [0, 1, 2, 3], [0]), tmp_path)
    (tmp_path / "random").mkdir()
    check(lookup_model(table_values("float32", 4, 2), [0, 1, 2, 3], [6]), tmp_path / "random")


def test_hashtable_lookup_refuses_a_string_matrix(tmp_path):
    b = lookup_model(np.array([[b"a"], [b"b"]]), [0, 1], [1])
    refused(b, tmp_path, "value", inputs={"lookup": np.array([0], np.int32)})


# --- SKIP_GRAM: the skip-grams of the first string ---

SENTENCES = [b"the quick brown fox jumps", b"  lead  and trail ", b"one", b"", b"a\tb\nc\x0bd\x0ce\rf",
             b"\xff\xfe \x00x \xe2\x82\xac", b"w " * 30]


@pytest.mark.parametrize("ngram_size,max_skip,include_all", [(1, 0, False), (2, 0, False), (2, 1, True), (3, 2, False),
                                                              (3, 2, True), (4, 0, True), (2, -1, False)])
@pytest.mark.parametrize("sentence", range(len(SENTENCES)))
def test_skip_gram(tmp_path, ngram_size, max_skip, include_all, sentence):
    b = OpModelBuilder()
    x = b.input("x", "string", [1])
    y = b.output("y", "string", [1])
    b.op("SKIP_GRAM", [x], [y], {"ngram_size": ngram_size, "max_skip_size": max_skip, "include_all_ngrams": include_all})
    check(b, tmp_path, inputs={"x": np.array([SENTENCES[sentence]])})


def test_skip_gram_reads_the_first_string_of_a_constant(tmp_path):
    b = OpModelBuilder()
    x = b.constant("x", np.array([b"alpha beta gamma", b"ignored words"]))
    y = b.output("y", "string", [3])
    b.op("SKIP_GRAM", [x], [y], {"ngram_size": 2, "max_skip_size": 1, "include_all_ngrams": False})
    path = b.save(tmp_path / "sg.tflite")
    proc = subprocess.run([str(find_binary()), "run", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "['alpha beta', 'alpha gamma', 'beta gamma']" in proc.stdout


def test_skip_gram_refuses_ngram_size_0(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "string", [1])
    y = b.output("y", "string", [1])
    b.op("SKIP_GRAM", [x], [y], {"ngram_size": 0, "max_skip_size": 0, "include_all_ngrams": False})
    refused(b, tmp_path, "ngram_size 0", inputs={"x": np.array([b"a b"])})


# --- CONCAT_EMBEDDINGS: no LiteRT resolver has a kernel for it ---

def concat_embeddings_model() -> OpModelBuilder:
    b = OpModelBuilder()
    y = b.output("y", "float32", [1, 4])
    b.op("CONCAT_EMBEDDINGS", [b.constant("ids", np.array([[0]], np.int32)), b.constant("e0", np.ones([2, 2], np.float32)),
                               b.constant("e1", np.ones([2, 2], np.float32))], [y],
         {"num_channels": 1, "num_columns_per_channel": [2], "embedding_dim_per_channel": [2]})
    return b


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
def test_concat_embeddings_litert_cannot_run_it(tmp_path, kernels):
    """The op table says N(..., "LiteRT itself cannot run it"): this holds that LiteRT still refuses it."""
    from tfldbg.backends.litert import litert_interpreter

    path = concat_embeddings_model().save(tmp_path / "ce.tflite")
    with pytest.raises((RuntimeError, ValueError), match="Didn't find op for builtin opcode 'CONCAT_EMBEDDINGS'"):
        litert_interpreter(path, kernels)


def test_concat_embeddings_refused_saying_why(tmp_path):
    refused(concat_embeddings_model(), tmp_path, "CONCAT_EMBEDDINGS (version 1) is not supported by tfldbg: LiteRT itself cannot run it")


# --- EMBEDDING_LOOKUP_SPARSE: weighted rows per bucket, SUM / MEAN / SQRTN ---

def els_model(ids, indices, dense_shape, weights, value, combiner, dense_shape_input=False) -> OpModelBuilder:
    b = OpModelBuilder()
    ids_t = b.input("ids", "int32", [len(ids)])
    shape_t = b.input("dense_shape", "int32", [len(dense_shape)]) if dense_shape_input else \
        b.constant("dense_shape", np.array(dense_shape, np.int32))
    out_shape = list(dense_shape[:-1]) + list(value.shape[1:])
    y = b.output("y", "float32", out_shape)
    b.op("EMBEDDING_LOOKUP_SPARSE", [ids_t, b.constant("indices", np.array(indices, np.int32).reshape(len(ids), len(dense_shape))), shape_t,
                                     b.constant("weights", np.array(weights, np.float32)), b.constant("value", value)],
         [y], {"combiner": combiner})
    return b


ELS_CASES = {
    "2d": ([1, 2, 0, 3], [[0, 0], [0, 1], [1, 0], [2, 5]], [3, 6], [1.0, 2.0, 0.5, -1.5]),
    "3d-buckets": ([0, 1, 2, 2, 1], [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 3]], [2, 2, 4],
                   [0.25, 4.0, -2.0, 1.0, 3.0]),
    "out-of-order": ([3, 0, 1], [[1, 0], [0, 0], [1, 1]], [2, 2], [1.0, 2.0, 3.0]),
    "zero-weights": ([0, 1], [[0, 0], [0, 1]], [1, 2], [0.0, 0.0]),
    "rank1-indices": ([2, 1], [[0], [1]], [2], [1.5, 2.5]),
    "empty": ([], [], [2, 3], []),
}


@pytest.mark.parametrize("combiner", ["SUM", "MEAN", "SQRTN"])
@pytest.mark.parametrize("case", list(ELS_CASES))
def test_embedding_lookup_sparse(tmp_path, combiner, case):
    ids, indices, dense_shape, weights = ELS_CASES[case]
    value = np.random.default_rng(7).standard_normal([4, 3, 2]).astype(np.float32)
    b = els_model(ids, indices, dense_shape, weights, value, {"SUM": 0, "MEAN": 1, "SQRTN": 2}[combiner])
    check(b, tmp_path, inputs={"ids": np.array(ids, np.int32)})


def test_embedding_lookup_sparse_computed_dense_shape(tmp_path):
    ids, indices, dense_shape, weights = ELS_CASES["2d"]
    value = np.arange(8, dtype=np.float32).reshape(4, 2)
    b = els_model(ids, indices, dense_shape, weights, value, 1, dense_shape_input=True)
    check(b, tmp_path, inputs={"ids": np.array(ids, np.int32), "dense_shape": np.array(dense_shape, np.int32)})


def test_embedding_lookup_sparse_id_out_of_range(tmp_path):
    b = els_model([4], [[0, 0]], [1, 1], [1.0], np.zeros([4, 2], np.float32), 0)
    refused(b, tmp_path, "outside [0, 4)", inputs={"ids": np.array([4], np.int32)})


# --- LSH_PROJECTION: signs of farmhash fingerprints (seed ++ input row), SPARSE and DENSE ---

LSH_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64"]


def lsh_model(hash_seeds: np.ndarray, input_dtype: str, input_shape, kind: str, weight=None) -> OpModelBuilder:
    b = OpModelBuilder()
    x = b.input("x", input_dtype, input_shape)
    inputs = [b.constant("hash", hash_seeds), x]
    if weight is not None:
        inputs.append(b.constant("weight", np.asarray(weight, np.float32)))
    n = hash_seeds.shape[0] * (1 if kind == "SPARSE" else hash_seeds.shape[1])
    y = b.output("y", "int32", [n])
    b.op("LSH_PROJECTION", inputs, [y], {"type": {"SPARSE": 1, "DENSE": 2}[kind]})
    return b


@pytest.mark.parametrize("kind", ["SPARSE", "DENSE"])
@pytest.mark.parametrize("dtype", LSH_TYPES)
@pytest.mark.parametrize("input_shape,weighted", [([3, 2], False), ([3, 2], True), ([1], False), ([2, 5, 4], True), ([5, 17], False)])
def test_lsh_projection(tmp_path, kind, dtype, input_shape, weighted):
    """Rows of 1 to 68 bytes: every length branch of the fingerprint (0-16, 17-32, 33-64, longer)."""
    rng = np.random.default_rng(11)
    seeds = rng.standard_normal([4, 3]).astype(np.float32)
    weight = rng.standard_normal([input_shape[0]]).astype(np.float32) if weighted else None
    check(lsh_model(seeds, dtype, input_shape, kind, weight), tmp_path)


@pytest.mark.parametrize("bits", [1, 16, 31])
def test_lsh_projection_sparse_bits(tmp_path, bits):
    seeds = np.random.default_rng(bits).standard_normal([3, bits]).astype(np.float32)
    check(lsh_model(seeds, "float32", [4, 3], "SPARSE"), tmp_path)


def test_lsh_projection_dense_32_bits_and_zero_seeds(tmp_path):
    seeds = np.concatenate([np.zeros([1, 32], np.float32), np.full([1, 32], -0.0, np.float32)])
    check(lsh_model(seeds, "int32", [2, 2], "DENSE"), tmp_path)


def test_lsh_projection_refuses_sparse_32_bits(tmp_path):
    refused(lsh_model(np.ones([2, 32], np.float32), "float32", [2], "SPARSE"), tmp_path, "32 bits per row")


# --- string tensors end to end: LiteRT's test models, 'U' inputs, dumps ---

from sweep import SHARED_MODELS  # noqa: E402
from tfldbg.formats.dump import load_dump  # noqa: E402
from tfldbg.testing.conformance import check_model  # noqa: E402

LITERT_TESTDATA = SHARED_MODELS / "edge-cases" / "litert_testdata"


@pytest.mark.parametrize("model", ["string_input_model.bin", "string_input_model_with_signature.bin",
                                   "while_op_with_forwarding_input.bin"])
def test_litert_string_models_match(tmp_path, model):
    path = LITERT_TESTDATA / model
    if not path.exists():
        pytest.skip("../shared/models is absent")
    result = check_model(path, tmp_path, seed=3)
    assert result, "\n".join(result.problems)
    if model.startswith("while"):  # two WHILE outputs LiteRT never computes are left out, not called different
        assert any("LiteRT gives no value" in n for n in result.notes)


def test_litert_string_add_refused_by_both(tmp_path):
    """tensor_string_data_type.bin: an ADD of strings; LiteRT accepts it and fails at Invoke, tfldbg refuses it."""
    from tfldbg.backends.litert import litert_interpreter

    path = LITERT_TESTDATA / "tensor_string_data_type.bin"
    if not path.exists():
        pytest.skip("../shared/models is absent")
    interp = litert_interpreter(path)
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], np.array([b"a"]))
    with pytest.raises(RuntimeError, match="Type STRING is unsupported by op Add"):
        interp.invoke()
    proc = subprocess.run([str(find_binary()), "run", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1 and "input1 has type string" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_unicode_input_and_string_dump(tmp_path):
    """A 'U' array is given as UTF-8; the dump stores numpy byte strings, manifest dtype "string"."""
    b = OpModelBuilder()
    x = b.input("x", "string", [4])
    y = b.output("y", "string", [4])
    b.op("RESHAPE", [x, b.constant("s", np.array([4], np.int32))], [y])
    path = b.save(tmp_path / "r.tflite")
    np.save(tmp_path / "x.npy", np.array(["", "\u00e9t\u00e9", "\U0001f600", "a\x00b"]))
    proc = subprocess.run([str(find_binary()), "dump", str(path), "--out", str(tmp_path / "d"), "--input",
                           f"x={tmp_path / 'x.npy'}"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    dump = load_dump(tmp_path / "d")
    assert dump.tensor_by_name("y").dtype == "string"
    (value,) = dump.tensor_values("y")
    assert value.dtype.kind == "S"
    assert value.tolist() == [b"", "\u00e9t\u00e9".encode(), "\U0001f600".encode(), b"a\x00b"]


def test_string_input_of_another_type_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "string", [2])
    y = b.output("y", "string", [2])
    b.op("RESHAPE", [x, b.constant("s", np.array([2], np.int32))], [y])
    np.save(tmp_path / "x.npy", np.array([1, 2], np.int32))
    proc = subprocess.run([str(find_binary()), "run", str(b.save(tmp_path / "r.tflite")), "--input",
                           f"x={tmp_path / 'x.npy'}"], capture_output=True, text=True)
    assert proc.returncode == 1 and "expects string[2]" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_replay_of_a_string_model(tmp_path):
    """replay's float shadow copies string tensors whole (their sizes differ from the shadow's empty ones)."""
    path = LITERT_TESTDATA / "while_op_with_forwarding_input.bin"
    if not path.exists():
        pytest.skip("../shared/models is absent")
    proc = subprocess.run([str(find_binary()), "replay", str(path), "--out", str(tmp_path / "r")], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
