"""Hostile dumps fed to every Python entry point that reads one (issue 19, findings 2, 3, 4, 6).

A dump received from someone else is data, never a key to the user's files: each
command must refuse a manifest or a tensor file that lies, with exit code 2 and one
line on stderr naming the file and the field, no traceback, without opening any file
outside the dump, without blocking on a FIFO, within bounded time and memory.

Every command runs in a subprocess (a FIFO must not hang the test run) under an audit
hook that reports any open of a sentinel file placed outside the dump; the sentinel
holds values that must never appear in what the command prints or writes.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tfldbg import run_tool

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits"
MODEL = EXAMPLE / "digits_int8.tflite"
TIMEOUT = 60  # seconds: a blocking open or an endless read fails the test instead of hanging it
MEMORY = 3 << 30  # address space of each command: a lying header used to make compare allocate 8 GiB
SENTINEL_OPENED = "SENTINEL-FILE-OPENED"
INPUT_FILE = "tensors/s0_t0_v0.npy"  # the run's input: read by compare, explain --step 0, reference --like
QUANT_OUTPUT = "tensors/s0_t11_v0.npy"  # step 0's quantized output: read by quant-report from the replay's quant/

# Installs an audit hook that writes SENTINEL_OPENED to stderr when the sentinel is
# opened (by any path: a `..`, an absolute name or a symbolic link), then runs one
# command: `python -m tfldbg ARGS`, or `load_dump DIR` (the Python API: load the dump
# and read every stored array; an InputError is one line, exit 2).
RUNNER = r'''
import os, sys
sentinel = os.path.realpath(sys.argv[1])
busy = []
def hook(event, args):
    if event != "open" or busy or not args or not isinstance(args[0], (str, bytes)):
        return
    busy.append(1)
    try:
        if os.path.realpath(os.fsdecode(args[0])) == sentinel:
            os.write(2, b"SENTINEL-FILE-OPENED\n")
    finally:
        busy.pop()
sys.addaudithook(hook)
argv = sys.argv[2:]
if argv[0] == "load_dump":
    from tfldbg import load_dump
    try:
        dump = load_dump(argv[1])
        for step in dump.steps:
            for slot in step.inputs + step.outputs + step.updates:
                if slot.file is not None:
                    slot.value.sum()  # every byte of every stored array
    except ValueError as e:  # DumpError / InputError
        print(f"tfldbg: error: {e}", file=sys.stderr)
        sys.exit(2)
else:
    from tfldbg.cli import main
    sys.exit(main(argv))
'''


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(runner: Path, sentinel: Path, *args, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONPATH=str(REPO / "scripts"))
    start = time.monotonic()
    proc = subprocess.run([sys.executable, str(runner), str(sentinel), *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=TIMEOUT, preexec_fn=_limit_memory)
    return proc, time.monotonic() - start


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("good")
    sample = EXAMPLE / "inputs" / "sample_0.npy"
    run_tool("dump", str(MODEL), "--input", f"0={sample}", "--out", str(root / "dump"))
    run_tool("replay", str(MODEL), "--input", f"0={sample}", "--out", str(root / "replay"))
    runner = root / "runner.py"
    runner.write_text(RUNNER)
    return {"dump": root / "dump", "replay": root / "replay", "runner": runner}


# --- the hostile dumps: each edits a copy of a good dump --------------------------------------
# edit(dump_dir, target, sentinel): target is the tensor file the command reads;
# sentinel a .npy outside the dump (same dtype and shape as target, other values).

def _manifest(d: Path) -> dict:
    return json.loads((d / "manifest.json").read_text())


def _write(d: Path, m) -> None:
    (d / "manifest.json").write_text(json.dumps(m))


def _rename_file(d: Path, target: str, new, run_inputs: bool = True, slots: bool = True) -> None:
    m = _manifest(d)
    if run_inputs:
        for rec in m["run"]["inputs"]:
            if rec["file"] == target:
                rec["file"] = new
    if slots:
        for s in m["steps"]:
            for slot in s["inputs"] + s["outputs"] + s.get("updates", []):
                if slot["file"] == target:
                    slot["file"] = new
    _write(d, m)


def _first_slot(m: dict, target: str) -> dict:
    return next(x for s in m["steps"] for x in s["inputs"] + s["outputs"] if x["file"] == target)


def manifest_null(d, target, sentinel):
    (d / "manifest.json").write_text("null")


def manifest_lacks_keys(d, target, sentinel):
    m = _manifest(d)
    del m["steps"], m["subgraphs"]
    _write(d, m)


def tensor_index_out_of_range(d, target, sentinel):
    m = _manifest(d)
    _first_slot(m, target)["tensor"] = 100000
    _write(d, m)


def tensor_index_negative(d, target, sentinel):
    m = _manifest(d)
    _first_slot(m, target)["tensor"] = -5
    _write(d, m)


def int_as_file(d, target, sentinel):
    _rename_file(d, target, 7)


def steps_null(d, target, sentinel):
    m = _manifest(d)
    m["steps"] = None
    _write(d, m)


def nested_100k_deep(d, target, sentinel):
    text = (d / "manifest.json").read_text()
    deep = "[" * 100000 + "]" * 100000
    (d / "manifest.json").write_text(text.replace('"options": {', f'"deep": {deep}, "options": {{', 1)
                                     if '"options": {' in text else text[:-1] + f', "deep": {deep}}}')


def empty_npy(d, target, sentinel):
    (d / target).write_bytes(b"")


def complete_string_false(d, target, sentinel):
    m = _manifest(d)
    m["complete"] = "false"
    _write(d, m)


def dotdot_file(d, target, sentinel):
    # d is <case>/x/dump and the sentinel <case>/secret.npy: ../../secret.npy from the dump.
    _rename_file(d, target, "../../secret.npy")


def dotdot_under_tensors(d, target, sentinel):
    _rename_file(d, target, "tensors/../../../secret.npy")


def absolute_file(d, target, sentinel):
    _rename_file(d, target, str(sentinel))


def input_file_outside(d, target, sentinel):
    # run.inputs[].file only (the schema gives it no pattern): what `reference --like` copied.
    _rename_file(d, target, "../../secret.npy", slots=False)


def symlink_out(d, target, sentinel):
    (d / target).unlink()
    (d / target).symlink_to(sentinel)


def tensors_dir_symlink_out(d, target, sentinel):
    outside = sentinel.parent / "elsewhere"
    shutil.copytree(d / "tensors", outside)
    shutil.copy(sentinel, outside / Path(target).name)
    shutil.rmtree(d / "tensors")
    (d / "tensors").symlink_to(outside, target_is_directory=True)


def fifo_in_tensors(d, target, sentinel):
    (d / target).unlink()
    os.mkfifo(d / target)


def lying_header(d, target, sentinel):
    # 376 KiB on disk, a header that says 1 GiB of float32 (issue 19 finding 4).
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }"
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode()
    (d / target).write_bytes(data + bytes(385024 - len(data)))


def header_disagrees_with_manifest(d, target, sentinel):
    a = np.load(d / target)
    np.save(d / target, np.zeros(a.size + 1, a.dtype))  # a consistent .npy, but not the manifest's shape


# name -> (edit, reads_files_only: the line must name the file rather than manifest.json, expected text)
CASES = {
    "manifest_null": (manifest_null, r"manifest\.json: must be a JSON object, not null"),
    "manifest_lacks_keys": (manifest_lacks_keys, r"manifest\.json: (subgraphs|steps): missing"),
    "tensor_index_out_of_range": (tensor_index_out_of_range, r"manifest\.json: steps\[\d+\]\.(inputs|outputs)\[\d+\]\.tensor: tensor 100000 is not listed"),
    "tensor_index_negative": (tensor_index_negative, r"manifest\.json: steps\[\d+\]\.(inputs|outputs)\[\d+\]\.tensor: must be at least -1"),
    "int_as_file": (int_as_file, r"manifest\.json: (steps\[\d+\]\.(inputs|outputs)\[\d+\]|run\.inputs\[0\])\.file: must be string or null, not an integer"),
    "steps_null": (steps_null, r"manifest\.json: steps: must be array, not null"),
    "nested_100k_deep": (nested_100k_deep, r"manifest\.json: JSON nested 100\d\d\d levels deep, over the limit of 64"),
    "empty_npy": (empty_npy, r"tensors/s0_t\d+_v0\.npy: not a usable \.npy file: the file is empty"),
    "complete_string_false": (complete_string_false, r"manifest\.json: complete: must be boolean, not a string"),
    "dotdot_file": (dotdot_file, r"manifest\.json: steps\[\d+\]\.(inputs|outputs)\[\d+\]\.file: \"\.\./\.\./secret\.npy\" does not match"),
    "dotdot_under_tensors": (dotdot_under_tensors, r"manifest\.json: steps\[\d+\]\.(inputs|outputs)\[\d+\]\.file: .* does not match"),
    "absolute_file": (absolute_file, r"manifest\.json: steps\[\d+\]\.(inputs|outputs)\[\d+\]\.file: \"/.*secret\.npy\" does not match"),
    "symlink_out": (symlink_out, r"tensors/s0_t\d+_v0\.npy: is a symbolic link; a dump's files must be inside it"),
    "tensors_dir_symlink_out": (tensors_dir_symlink_out, r"/tensors: is a symbolic link; a dump's files must be inside it"),
    "fifo_in_tensors": (fifo_in_tensors, r"tensors/s0_t\d+_v0\.npy: is a FIFO, not a regular file"),
    "lying_header": (lying_header, r"tensors/s0_t\d+_v0\.npy: not a usable \.npy file: shape \(268435456,\) of <f4 needs 1073741824 data bytes, the file has \d+ after its header"),
    "header_disagrees_with_manifest": (header_disagrees_with_manifest, r"tensors/s0_t\d+_v0\.npy: holds shape \[\d+\], the manifest says tensor \d+ .* has shape"),
}

# The cases that break a tensor file (not the manifest): align reads manifests only.
FILE_CASES = {"empty_npy", "symlink_out", "tensors_dir_symlink_out", "fifo_in_tensors", "lying_header",
              "header_disagrees_with_manifest"}
COMMANDS = ["compare", "load_dump", "explain", "quant-report", "reference", "align"]


def _prepare(good, case: str, command: str, tmp_path: Path) -> tuple[Path, list, Path]:
    """The hostile copy and the command line that reads it."""
    work = tmp_path / "x"
    work.mkdir()
    replay = command == "quant-report"
    dump = work / "replay" if replay else work / "dump"
    shutil.copytree(good["replay" if replay else "dump"], dump, symlinks=True)
    part = dump / "quant" if replay else dump
    target = QUANT_OUTPUT if replay else INPUT_FILE
    sentinel = tmp_path / "secret.npy"
    original = np.load(part / target)
    np.save(sentinel, np.full_like(original, 77 if original.dtype.kind in "iu" else 31337.5))
    (input_file_outside if case == "input_file_outside" else CASES[case][0])(part, target, sentinel)
    args = {
        "compare": ["compare", dump, good["dump"]],
        "load_dump": ["load_dump", dump],
        "explain": ["explain", dump, "--step", "0"],
        "quant-report": ["quant-report", "--replays", dump, "--json", tmp_path / "report.json"],
        "reference": ["reference", MODEL, "--out", tmp_path / "ref", "--like", dump],
        "align": ["align", dump, good["dump"]],
    }[command]
    return dump, args, sentinel


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", COMMANDS)
def test_a_hostile_dump_is_refused_in_one_line(good, case, command, tmp_path):
    if command == "align" and case in FILE_CASES:
        pytest.skip("align reads manifests only")
    dump, args, sentinel = _prepare(good, case, command, tmp_path)
    proc, seconds = _run(good["runner"], sentinel, *args, cwd=tmp_path)
    assert SENTINEL_OPENED not in proc.stderr, f"{command} opened the file outside the dump"
    assert "31337" not in proc.stdout + proc.stderr and "77" not in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tfldbg: error: "), lines[0]
    assert re.search(CASES[case][1], lines[0]), lines[0]
    assert seconds < TIMEOUT / 2
    assert not (tmp_path / "ref").exists() and not (tmp_path / "report.json").exists()


def test_reference_like_never_copies_an_outside_input(good, tmp_path):
    """run.inputs[].file naming a file outside the dump: refused, nothing written."""
    dump, args, sentinel = _prepare(good, "input_file_outside", "reference", tmp_path)
    proc, _ = _run(good["runner"], sentinel, *args, cwd=tmp_path)
    assert SENTINEL_OPENED not in proc.stderr
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert re.fullmatch(r"tfldbg: error: .*: run\.inputs\[0\]\.file: '\.\./\.\./secret\.npy' leaves the dump.*\n",
                        proc.stderr), proc.stderr
    assert not (tmp_path / "ref").exists()
    assert not any(p.name.startswith(".ref") for p in tmp_path.iterdir())


def test_the_good_dump_still_reads(good, tmp_path):
    """The same commands on the untouched dump succeed (the refusals above are not a blanket no)."""
    runner, sentinel = good["runner"], tmp_path / "none.npy"
    for args in (["compare", good["dump"], good["dump"]], ["load_dump", good["dump"]],
                 ["explain", good["dump"], "--step", "1"], ["quant-report", "--replays", good["replay"]],
                 ["align", good["dump"], good["dump"]],
                 ["reference", MODEL, "--out", tmp_path / "ref", "--like", good["dump"]]):
        proc, _ = _run(runner, sentinel, *args, cwd=tmp_path)
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, (args, proc.stderr[-2000:])
    assert (tmp_path / "ref" / "manifest.json").exists()


def test_the_packaged_schema_is_the_documented_one():
    packaged = REPO / "scripts" / "tfldbg" / "formats" / "dump-manifest.schema.json"
    assert packaged.read_bytes() == (REPO / "docs" / "dump-manifest.schema.json").read_bytes()


@pytest.mark.parametrize("options, expected", [
    ({"stride_h": 0}, r"option stride_h is 0: expected an integer in \[1, 65536\]"),
    ({"stride_w": "2"}, r"option stride_w is '2': expected an integer"),
    ({"dilation_h_factor": 60000, "dilation_w_factor": 60000}, r"ask for a padded input of \d+ elements"),
    ({"padding": "FULL"}, r"option padding is 'FULL': expected SAME or VALID"),
])
def test_explain_refuses_options_that_do_not_fit(good, tmp_path, options, expected):
    """Options that would divide by zero or pad the input without bound: one line naming the option."""
    dump, args, sentinel = _prepare(good, "manifest_null", "explain", tmp_path)
    shutil.rmtree(dump)
    shutil.copytree(good["dump"], dump)
    m = _manifest(dump)
    step = next(s for s in m["steps"] if s["op"] == "CONV_2D")
    step["options"].update(options)
    _write(dump, m)
    proc, seconds = _run(good["runner"], sentinel, "explain", dump, "--step", step["step"], cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(expected, lines[0]), proc.stderr
    assert seconds < TIMEOUT / 2
