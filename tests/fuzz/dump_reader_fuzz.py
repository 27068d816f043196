"""atheris (libFuzzer for Python) target: the Python dump reader on hostile dumps.

    python3 -m venv .fuzz/venv && .fuzz/venv/bin/pip install -r tests/fuzz/requirements.txt
    PYTHONPATH=scripts .fuzz/venv/bin/python tests/fuzz/dump_reader_fuzz.py .fuzz/dump \
        -max_total_time=900 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=.fuzz/artifacts/

(docs/fuzzing.md). Each input becomes a dump directory built from a real one
(examples/digits, dumped once at start by the release build's tfldbg, or
$TFLDBG_FUZZ_DUMP): either the fuzzer's bytes as manifest.json, or the real manifest
with one to four fields replaced (type confusions, out-of-range indices, paths
leaving the dump, deep nesting, deletions); and some of its tensor files replaced
(random bytes, cut short, lying headers, other dtypes and shapes, empty, a FIFO, a
directory, a symbolic link out of the dump). Then the reader's every entry point
runs: load_dump (complete or not), every stored array read in full, the run's
inputs, tensor_values, compare_dumps, align and explain of one step.

A finding is any exception other than the reader's own refusals (InputError, which
DumpError is, and ExplainError), a refusal whose message is not one printable line,
or any open of the file placed beside the dump (the audit hook raises).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["tfldbg"]):
    from tfldbg.analysis import align as align_mod
    from tfldbg.analysis.compare import compare_dumps
    from tfldbg.analysis.explain import ExplainError, explain
    from tfldbg.formats.dump import load_dump
    from tfldbg.formats.reading import InputError, printable

import numpy as np

REPO = Path(__file__).resolve().parents[2]
WORK = Path(tempfile.mkdtemp(prefix="tfldbg-dump-fuzz-"))
OUTSIDE = WORK / "outside.npy"  # must never be opened
CWD = WORK / "cwd"


def _base_dump() -> Path:
    given = os.environ.get("TFLDBG_FUZZ_DUMP")
    if given:
        return Path(given)
    out = WORK / "base"
    binary = os.environ.get("TFLDBG_BIN", str(REPO / "build" / "release" / "bin" / "tfldbg"))
    example = REPO / "examples" / "digits"
    subprocess.run([binary, "dump", str(example / "digits_int8.tflite"), "--input",
                    f"0={example / 'inputs' / 'sample_0.npy'}", "--out", str(out)], check=True, capture_output=True)
    return out


BASE = _base_dump()
BASE_MANIFEST = json.loads((BASE / "manifest.json").read_text())
BASE_FILES = sorted(p.name for p in (BASE / "tensors").iterdir())
np.save(OUTSIDE, np.full((1, 28, 28, 1), 31337.5, np.float32))
CWD.mkdir()
_sentinel = os.path.realpath(OUTSIDE)
_busy: list[int] = []


def _audit(event: str, args) -> None:
    if event != "open" or _busy or not args or not isinstance(args[0], (str, bytes)):
        return
    _busy.append(1)
    try:
        if os.path.realpath(os.fsdecode(args[0])) == _sentinel:
            raise RuntimeError(f"the reader opened {OUTSIDE}, outside the dump")
    finally:
        _busy.pop()


sys.addaudithook(_audit)
warnings.simplefilter("ignore")

PATHS = ["../outside.npy", "../../outside.npy", str(OUTSIDE), "tensors/../../outside.npy", "tensors/", "tensors",
         "tensors/s0_t0_v0.npy", "tensors/missing.npy", "manifest.json", "tensors/./s0_t0_v0.npy", "", "tensors//x.npy",
         "tensors/\0.npy", "tensors/link.npy", "tensors/fifo.npy", "tensors/dir.npy"]
DESCRS = ["<f4", "|i1", "|u1", "<i2", "<i4", "<i8", "<f8", "|b1", "<c8", ">f4", "<f2", "O", "<U3", "V4", "|S2",
          "[('a', '<i4')]", "(2,)i4", "xx"]


def _value(fdp: atheris.FuzzedDataProvider):
    choice = fdp.ConsumeIntInRange(0, 15)
    if choice == 0:
        return None
    if choice == 1:
        return fdp.ConsumeBool()
    if choice == 2:
        return fdp.ConsumeIntInRange(-3, 40)
    if choice == 3:
        return fdp.PickValueInList([-1, -2, 2 ** 31, -2 ** 63, 2 ** 64, 10 ** 30, 0])
    if choice == 4:
        return fdp.PickValueInList([0.5, -1.5, 1e308, float("nan"), float("inf")])
    if choice == 5:
        return fdp.PickValueInList(PATHS)
    if choice == 6:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 24))
    if choice == 7:
        return []
    if choice == 8:
        return {}
    if choice == 9:
        depth = fdp.ConsumeIntInRange(1, 200)
        v: object = 0
        for _ in range(depth):
            v = [v]
        return v
    if choice == 10:
        return [fdp.ConsumeIntInRange(-2, 70000) for _ in range(fdp.ConsumeIntInRange(0, 6))]
    if choice == 11:
        return fdp.PickValueInList(["false", "true", "int8", "float32", "int4", "string", "SAME", "VALID", "litert",
                                    "double", "tfldbg-dump", "CONV_2D", "MEAN", "QUANTIZE"])
    if choice == 12:
        return {"scale": [fdp.ConsumeFloat() for _ in range(fdp.ConsumeIntInRange(0, 3))],
                "zero_point": [fdp.ConsumeIntInRange(-200, 300) for _ in range(fdp.ConsumeIntInRange(0, 3))],
                "quantized_dimension": fdp.ConsumeIntInRange(-1, 5)}
    if choice == 13:
        return {"slot": 0, "tensor": fdp.ConsumeIntInRange(-2, 40), "file": fdp.PickValueInList(PATHS + [None])}
    if choice == 14:
        return fdp.ConsumeIntInRange(0, 1 << 16)
    return "__delete__"


def _mutate(doc, fdp: atheris.FuzzedDataProvider):
    """Replaces (or deletes) one field reached by a walk the input chooses."""
    if not isinstance(doc, (dict, list)) or not doc:
        return _value(fdp)
    node = doc
    while True:
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        key = keys[fdp.ConsumeIntInRange(0, len(keys) - 1)]
        child = node[key]
        if isinstance(child, (dict, list)) and child and fdp.ConsumeIntInRange(0, 3) != 0:
            node = child
            continue
        value = _value(fdp)
        if value == "__delete__":
            del node[key]
        else:
            node[key] = value
        return doc


def _npy(fdp: atheris.FuzzedDataProvider, original: bytes) -> bytes:
    choice = fdp.ConsumeIntInRange(0, 5)
    if choice == 0:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 512))
    if choice == 1:
        return original[:fdp.ConsumeIntInRange(0, len(original))]
    if choice == 2:  # a header of the input's choosing, then some data
        shape = tuple(fdp.ConsumeIntInRange(0, 1 << 20) for _ in range(fdp.ConsumeIntInRange(0, 4)))
        header = "{'descr': %r, 'fortran_order': %s, 'shape': %r, }" % (
            fdp.PickValueInList(DESCRS), fdp.PickValueInList(["False", "True", "0", "None"]), shape)
        if fdp.ConsumeBool():
            header = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 200))
        header += " " * (-(len(header) + 11) % 64) + "\n"
        major = fdp.PickValueInList([1, 1, 2, 3, 0, 4])
        length = len(header).to_bytes(2 if major == 1 else 4, "little")
        return b"\x93NUMPY" + bytes([major, 0]) + length + header.encode("utf-8", "replace") + \
            fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 4096))
    if choice == 3:  # a valid array of another dtype or shape
        dtype = fdp.PickValueInList(["float32", "int8", "uint8", "int16", "int32", "int64", "bool", "float64"])
        shape = [fdp.ConsumeIntInRange(0, 9) for _ in range(fdp.ConsumeIntInRange(0, 4))]
        import io

        buf = io.BytesIO()
        np.save(buf, np.zeros(shape, dtype))
        return buf.getvalue()
    if choice == 4:  # flip bytes of the real file
        data = bytearray(original)
        for _ in range(fdp.ConsumeIntInRange(1, 8)):
            if data:
                data[fdp.ConsumeIntInRange(0, len(data) - 1)] = fdp.ConsumeIntInRange(0, 255)
        return bytes(data)
    return b""


def _check_message(e: Exception) -> None:
    text = str(e)
    if not text or "\n" in text or printable(text) != text:
        raise AssertionError(f"a refusal that is not one printable line: {text!r}")


ROOT = WORK / "dump"  # a copy of BASE, restored after each input (cheaper than a fresh copy)
_dirty: list[str] = []


def _setup_root() -> None:
    shutil.copytree(BASE, ROOT)
    tensors = ROOT / "tensors"
    (tensors / "link.npy").symlink_to(OUTSIDE)
    os.mkfifo(tensors / "fifo.npy")
    (tensors / "dir.npy").mkdir()


def _restore() -> None:
    while _dirty:
        name = _dirty.pop()
        target = ROOT / "tensors" / name
        if target.is_dir() and not target.is_symlink():
            target.rmdir()
        elif target.exists() or target.is_symlink():
            target.unlink()
        shutil.copyfile(BASE / "tensors" / name, target)


def _build(data: bytes) -> Path:
    fdp = atheris.FuzzedDataProvider(data)
    _restore()
    tensors = ROOT / "tensors"
    if fdp.ConsumeIntInRange(0, 7) == 0:
        (ROOT / "manifest.json").write_bytes(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 4096)))
    else:
        manifest = json.loads(json.dumps(BASE_MANIFEST))
        for _ in range(fdp.ConsumeIntInRange(0, 4)):
            manifest = _mutate(manifest, fdp)
        (ROOT / "manifest.json").write_text(json.dumps(manifest))
    for _ in range(fdp.ConsumeIntInRange(0, 3)):
        name = fdp.PickValueInList(BASE_FILES)
        if name in _dirty:
            continue
        _dirty.append(name)
        target = tensors / name
        kind = fdp.ConsumeIntInRange(0, 9)
        if kind == 0:
            target.unlink()
            target.symlink_to(OUTSIDE)
        elif kind == 1:
            target.unlink()
            os.mkfifo(target)
        elif kind == 2:
            target.unlink()
            target.mkdir()
        else:
            target.write_bytes(_npy(fdp, (BASE / "tensors" / name).read_bytes()))
    return ROOT


def _read_everything(root: Path, allow_incomplete: bool, step_pick: int) -> None:
    dump = load_dump(root, allow_incomplete=allow_incomplete)
    for step in dump.steps:
        for slot in step.inputs + step.outputs + step.updates:
            value = slot.value
            if value is not None:
                value.sum()
    for j in range(len(dump.inputs)):
        if dump.inputs[j]["file"]:
            dump.input_value(j).sum()
    for sg, tensors in dump.tensors.items():
        for t in tensors[:3]:
            dump.tensor_values(t.name, sg)
    compare_dumps(dump, dump)
    align_mod.align(dump.manifest, dump.manifest)
    if dump.steps:
        step = dump.steps[step_pick % len(dump.steps)]
        try:
            explain(dump, step.step)
        except ExplainError as e:
            _check_message(e)


def TestOneInput(data: bytes) -> None:
    root = _build(data)
    flags = data[-1] if data else 0
    try:
        with np.errstate(all="ignore"):
            _read_everything(root, bool(flags & 1), flags >> 1)
    except InputError as e:
        _check_message(e)


def _absolute(arg: str) -> str:
    if not arg.startswith("-"):
        return os.path.abspath(arg)
    if arg.startswith("-artifact_prefix="):
        return "-artifact_prefix=" + os.path.abspath(arg.split("=", 1)[1]) + ("/" if arg.endswith("/") else "")
    return arg


def main() -> None:
    # The reader runs in an empty working directory, so that a relative name resolved
    # there (by the audit hook) is never the file beside the dump.
    argv = [sys.argv[0]] + [_absolute(a) for a in sys.argv[1:]]
    os.chdir(CWD)
    _setup_root()
    atheris.Setup(argv, TestOneInput)
    try:
        atheris.Fuzz()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
