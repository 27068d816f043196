"""Hostile input to the C++ CLI (issue 19: no hang, no unbounded read, no crash,
names escaped, the failing part named). Each test drives the real binary with a
timeout and holds one finding:

- a FIFO as the model, as --input, in --inputs/--dataset or as --overlay blocked forever;
- --input 0=/dev/zero read until bad_alloc; a .npy header is trusted before the file's size;
- graph --overlay with 100,000 nested JSON levels crashed (stack overflow);
- names from a model (tensor, operator, signature, metadata, subgraph) reached the
  terminal raw: a newline broke the one-line contract, ESC sequences were obeyed;
  in HTML they must stay text (checked in headless Chromium);
- replay on a full disk blamed "the quantized run" for a file under local/.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import find_binary

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds; a blocked open or an endless read fails the test instead of hanging CI

# A name that is markup, one with a newline and terminal escape sequences
# (clear screen, set the window title), and one that closes a <script> element.
IMG = "<img src=x onerror=\"document.title='pwned'\">"
ESCAPES = "line1\nline2\x1b[2J\x1b]0;owned\x07\x9b31m"
SCRIPT = "</script><script>document.title='pwned'</script>"


def _cli(*args, cwd=None, timeout=TIMEOUT, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(find_binary()), *map(str, args)], capture_output=True, cwd=cwd, timeout=timeout,
                          **kwargs)


def _one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The single stderr line of a refused command, checked to be printable."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr.decode("utf-8")
    assert err.endswith("\n") and err.count("\n") == 1, err
    _assert_printable(err)
    assert err.startswith("tfldbg: error: "), err
    return err.rstrip("\n")


def _assert_printable(text: str) -> None:
    """No control character but the line ends: nothing a terminal would act on."""
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F]
    assert not bad, f"control characters {bad!r} in {text!r}"


def _npy_header(descr: str, shape: tuple) -> bytes:
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    d = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}".encode()
    d += b" " * (63 - (10 + len(d)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d


@pytest.fixture(scope="module")
def relu_model(tmp_path_factory) -> Path:
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 4])
    y = b.output("y", "float32", [1, 4])
    b.op("RELU", [x], [y])
    return b.save(tmp_path_factory.mktemp("model") / "relu.tflite")


@pytest.fixture()
def fifo(tmp_path) -> Path:
    path = tmp_path / "x.npy"
    os.mkfifo(path)
    return path


# --- Item 3: FIFOs never block ------------------------------------------------

@pytest.mark.parametrize("command", ["info", "run", "dump", "replay", "graph"])
def test_a_fifo_as_the_model_is_refused_without_blocking(command, fifo, tmp_path):
    extra = {"dump": ["--out", tmp_path / "d"], "replay": ["--out", tmp_path / "r"],
             "graph": ["-o", tmp_path / "g.html"]}.get(command, [])
    line = _one_line_error(_cli(command, fifo, *extra))
    assert line == f"tfldbg: error: {fifo}: is a FIFO, not a regular file"


@pytest.mark.parametrize("command", ["run", "dump", "replay"])
def test_a_fifo_as_an_input_is_refused_without_blocking(command, relu_model, fifo, tmp_path):
    extra = {"dump": ["--out", tmp_path / "d"], "replay": ["--out", tmp_path / "r"]}.get(command, [])
    line = _one_line_error(_cli(command, relu_model, "--input", f"x={fifo}", *extra))
    assert line == f"tfldbg: error: {fifo}: is a FIFO, not a regular file"
    # --inputs DIR finds x.npy by the input's name: the same refusal.
    line = _one_line_error(_cli(command, relu_model, "--inputs", fifo.parent, *extra))
    assert line == f"tfldbg: error: {fifo}: is a FIFO, not a regular file"
    assert not (tmp_path / "d").exists() and not (tmp_path / "r").exists()


def test_a_fifo_in_a_dataset_is_refused_without_blocking(relu_model, fifo, tmp_path):
    line = _one_line_error(_cli("dump", relu_model, "--stats-only", "--dataset", fifo.parent, "--out", tmp_path / "s"))
    assert line == f"tfldbg: error: {fifo}: is a FIFO, not a regular file"


def test_a_fifo_as_overlay_or_float_model_is_refused_without_blocking(relu_model, fifo, tmp_path):
    line = _one_line_error(_cli("graph", relu_model, "-o", tmp_path / "g.html", "--overlay", fifo))
    assert line == f"tfldbg: error: --overlay {fifo}: is a FIFO, not a regular file"
    line = _one_line_error(_cli("replay", relu_model, "--weights-from", fifo, "--out", tmp_path / "r"))
    assert line == f"tfldbg: error: {fifo}: is a FIFO, not a regular file"


# --- Item 4: bounded reads ------------------------------------------------------

@pytest.mark.parametrize("command", ["run", "dump", "replay"])
def test_a_device_as_an_input_is_refused_not_read(command, relu_model, tmp_path):
    extra = {"dump": ["--out", tmp_path / "d"], "replay": ["--out", tmp_path / "r"]}.get(command, [])
    line = _one_line_error(_cli(command, relu_model, "--input", "0=/dev/zero", *extra))
    assert line == "tfldbg: error: /dev/zero: is a device, not a regular file"


def test_a_header_claiming_more_than_the_file_holds_is_refused_before_allocating(relu_model, tmp_path):
    # 376 KiB on disk, 1 GiB by its header: refused from the sizes alone, in one line
    # with both figures, whatever the shape (so before comparing with the model).
    lying = tmp_path / "lying.npy"
    lying.write_bytes(_npy_header("<f4", (268435456,)) + bytes(376 * 1024))
    line = _one_line_error(_cli("run", relu_model, "--input", f"x={lying}"))
    assert line == (f"tfldbg: error: {lying}: not a usable .npy file: shape (268435456,) of <f4 needs 1073741824 "
                    f"data bytes, the file has {376 * 1024}")
    # A sparse file that really is that large: refused by the input's shape before its data is read.
    sparse = tmp_path / "sparse.npy"
    with open(sparse, "wb") as f:
        f.write(_npy_header("<f4", (1, 268435456)))
        f.truncate(len(_npy_header("<f4", (1, 268435456))) + (1 << 30))
    proc = _cli("run", relu_model, "--input", f"x={sparse}", timeout=20)
    line = _one_line_error(proc)
    assert line == f"tfldbg: error: input 'x' (tensor 0) expects float32[1,4], but {sparse} holds float32[1,268435456]"


def test_an_input_of_the_wrong_type_is_refused_naming_both(relu_model, tmp_path):
    wrong = tmp_path / "w.npy"
    np.save(wrong, np.zeros((1, 4), np.int8))
    line = _one_line_error(_cli("run", relu_model, "--input", f"x={wrong}"))
    assert line == f"tfldbg: error: input 'x' (tensor 0) expects float32[1,4], but {wrong} holds int8[1,4]"
    short = tmp_path / "short.npy"
    short.write_bytes(_npy_header("<f4", (1, 4)) + bytes(12))
    line = _one_line_error(_cli("run", relu_model, "--input", f"x={short}"))
    assert line.endswith("needs 16 data bytes, the file has 12"), line


def test_a_good_input_still_runs(relu_model, tmp_path):
    good = tmp_path / "g.npy"
    np.save(good, np.array([[-1, 2, -3, 4]], np.float32))
    proc = _cli("run", relu_model, "--input", f"x={good}", "--save-outputs", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert np.array_equal(np.load(tmp_path / "y.npy"), [[0, 2, 0, 4]])


# --- Item 5: JSON nesting -------------------------------------------------------

def test_a_deeply_nested_overlay_is_refused_in_one_line(relu_model, tmp_path):
    # A well-formed overlay whose value is 100,000 nested arrays: it passed the checks,
    # and writing it into the page recursed until the stack overflowed (SIGSEGV).
    deep = tmp_path / "deep.json"
    deep.write_text('{"0": {"0": {"color": "#ff0000", "value": ' + "[" * 100_000 + "]" * 100_000 + "}}}")
    line = _one_line_error(_cli("graph", relu_model, "-o", tmp_path / "g.html", "--overlay", deep))
    assert line == f"tfldbg: error: --overlay {deep}: JSON nested deeper than 64 levels"
    assert not (tmp_path / "g.html").exists()


def test_an_overlay_color_that_is_not_a_color_is_refused(relu_model, tmp_path):
    # It goes into a style attribute: url(...) would make the page fetch from the network.
    overlay = tmp_path / "o.json"
    overlay.write_text(json.dumps({"0": {"0": {"value": 1, "color": "red;background:url(http://x/)"}}}))
    line = _one_line_error(_cli("graph", relu_model, "-o", tmp_path / "g.html", "--overlay", overlay))
    assert line.endswith("color \"red;background:url(http://x/)\" is not #rgb or #rrggbb"), line


# --- Item 7: names from the model -----------------------------------------------

def _hostile_model(path: Path) -> Path:
    """RELU from a tensor named like markup into one named with control bytes,
    plus an unsupported custom op whose name is a </script> breaker."""
    b = OpModelBuilder(name=IMG)
    x = b.input(IMG, "float32", [1, 4])
    y = b.output(ESCAPES, "float32", [1, 4])
    b.op("RELU", [x], [y])
    return b.save(path)


def _with_custom_op(path: Path) -> Path:
    b = OpModelBuilder(name=ESCAPES)
    x = b.input(IMG, "float32", [1, 4])
    y = b.output(SCRIPT, "float32", [1, 4])
    b.op(SCRIPT, [x], [y], custom_options=b"\x00")
    return b.save(path)


def _flatc() -> str:
    flatc = shutil.which("flatc")
    if flatc is None:
        pytest.skip("flatc is not installed (apt-get install flatbuffers-compiler)")
    return flatc


def _with_signature_and_metadata(model: Path, out_dir: Path, tensor_index: int = 0) -> Path:
    """The model with a signature and a metadata entry named with ESCAPES, via
    flatc's JSON form (OpModelBuilder writes neither)."""
    flatc, schema = _flatc(), REPO / "schema" / "tflite.fbs"
    work = out_dir / "flatc"
    work.mkdir(exist_ok=True)
    subprocess.run([flatc, "--json", "--strict-json", "--raw-binary", "-o", str(work), str(schema), "--",
                    str(model)], check=True, capture_output=True)
    doc_path = work / (model.stem + ".json")
    doc = json.loads(doc_path.read_text())
    doc["signature_defs"] = [{"inputs": [{"name": ESCAPES, "tensor_index": tensor_index}],
                              "outputs": [{"name": IMG, "tensor_index": 1}],
                              "signature_key": ESCAPES, "subgraph_index": 0}]
    doc["metadata"] = [{"name": ESCAPES + IMG, "buffer": 0}]
    doc_path.write_text(json.dumps(doc))
    subprocess.run([flatc, "--binary", "-o", str(work), str(schema), str(doc_path)], check=True, capture_output=True)
    target = out_dir / f"{model.stem}_sig{tensor_index}.tflite"
    (work / (model.stem + ".tflite")).rename(target)  # flatc names it after the schema's file_extension
    return target


def test_info_text_escapes_every_name(tmp_path):
    model = _with_signature_and_metadata(_hostile_model(tmp_path / "h.tflite"), tmp_path)
    proc = _cli("info", model)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    _assert_printable(out.replace("\n", ""))
    assert "\x1b" not in out and "\x9b" not in out
    # Every name on the line it belongs to: the signature, metadata, subgraph and both tensors.
    assert re.search(r"^signature 'line1\\nline2\\x1b\[2J.*' -> subgraph 0: inputs line1\\nline2.*=t0; outputs "
                     + re.escape(IMG) + "=t1$", out, re.M), out
    assert re.search(r"^metadata 'line1\\nline2.*<img src=x.*': 0 bytes$", out, re.M), out
    assert re.search(r"^subgraph 0 '<img src=x .*': 2 tensors", out, re.M), out
    assert re.search(r"^ +1 +float32 +\[1,4\] +line1\\nline2\\x1b\[2J\\x1b\]0;owned\\x07\\xc2\\x9b31m$", out, re.M), out
    # --json keeps the names as they are (JSON escapes control characters itself).
    info = json.loads(_cli("info", model, "--json").stdout)
    assert info["subgraphs"][0]["tensors"][1]["name"] == ESCAPES
    assert info["signatures"][0]["key"] == ESCAPES


def test_run_output_escapes_names(tmp_path):
    proc = _cli("run", _hostile_model(tmp_path / "h.tflite"), "--seed", "0")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    _assert_printable(out.replace("\n", ""))
    assert out.splitlines()[0] == f"input '{IMG}' (tensor 0) <- random(seed=0)"
    assert out.splitlines()[1].startswith("output 'line1\\nline2\\x1b[2J\\x1b]0;owned\\x07\\xc2\\x9b31m' (tensor 1)")


def test_errors_naming_model_names_are_one_escaped_line(tmp_path):
    model = _hostile_model(tmp_path / "h.tflite")
    wrong = tmp_path / "w.npy"
    np.save(wrong, np.zeros((2,), np.float32))
    # The input named in a shape mismatch ...
    line = _one_line_error(_cli("run", model, "--input", f"0={wrong}"))
    assert line.startswith(f"tfldbg: error: input '{IMG}' (tensor 0) expects float32[1,4]")
    # ... every known input listed for an unknown one ...
    line = _one_line_error(_cli("run", model, "--input", f"nosuch={wrong}"))
    assert IMG in line
    # ... a signature refused by the loader (its tensor index is out of range) ...
    bad_sig = _with_signature_and_metadata(model, tmp_path, tensor_index=99)
    line = _one_line_error(_cli("info", bad_sig))
    assert "signature 0 'line1\\nline2\\x1b[2J" in line and "refers to tensor 99" in line, line
    # ... and a custom op the kernels do not have.
    line = _one_line_error(_cli("run", _with_custom_op(tmp_path / "c.tflite")))
    assert "</script>" in line, line


def test_dot_and_svg_hold_names_as_text(tmp_path):
    model = _hostile_model(tmp_path / "h.tflite")
    assert _cli("graph", model, "-o", tmp_path / "g.dot").returncode == 0
    dot = (tmp_path / "g.dot").read_text("utf-8")
    _assert_printable(dot.replace("\n", ""))
    assert "line1\\\\nline2\\\\x1b[2J" in dot  # the name's \n is text, not a DOT line break
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed: the .svg half is not checked")
    assert _cli("graph", model, "-o", tmp_path / "g.svg").returncode == 0
    svg = ET.parse(tmp_path / "g.svg")  # raw ESC bytes would make it invalid XML
    assert not [e for e in svg.iter() if e.tag.endswith("img") or e.tag.endswith("script")]
    assert any(IMG in (e.text or "") for e in svg.iter())


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _dump_dom(html: Path, profile: Path) -> str:
    browser = _chromium()
    proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                           "--virtual-time-budget=2000", "--dump-dom", html.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize("builder", [_hostile_model, _with_custom_op])
def test_html_graph_keeps_names_as_text_in_a_browser(builder, tmp_path):
    model = builder(tmp_path / "h.tflite")
    overlay = tmp_path / "o.json"
    overlay.write_text(json.dumps({"0": {"0": {"value": IMG, "color": "#ff0000", "label": SCRIPT}}}))
    page = tmp_path / "g.html"
    proc = _cli("graph", model, "-o", page, "--overlay", overlay)
    assert proc.returncode == 0, proc.stderr
    html = page.read_text("utf-8")
    # Names travel as JSON inside <script type="application/json">: no "</" may close it.
    assert html.count("</script>") == 3, "only the page's own three script elements end"
    if _chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium): the browser half is not checked")
    # Click every operator (the side panel renders its tensors and overlay with innerHTML)
    # and search for a name, as a user would, then read the DOM.
    clicked = tmp_path / "clicked.html"
    clicked.write_text(html.replace(
        "</body>",
        "<script>document.querySelectorAll('.op').forEach(g => g.dispatchEvent(new MouseEvent('click')));"
        "const f = document.getElementById('find'); f.value = 'img'; f.dispatchEvent(new Event('change'));"
        "</script></body>"), "utf-8")
    dom = _dump_dom(clicked, tmp_path / "profile")
    assert "<title>tfldbg graph</title>" in dom, "a script from a name changed the title"
    assert not re.search(r"<img[\s>]", dom), "a name became an <img> element"
    # The names are there, as text: the side panel shows the clicked operator's tensors.
    side = dom[dom.index('<div id="side">'):]
    assert "&lt;img src=x onerror=" in side, side[:2000]


# --- Item 9: a full disk names the part that failed --------------------------------

def test_replay_on_a_full_disk_names_the_part_whose_file_failed(tmp_path):
    # int8 values are 32 KiB, their float references 128 KiB: with files capped at
    # 64 KiB the quantized dump fits and the float ones do not.
    b = OpModelBuilder()
    t = b.input("x", "int8", [1, 32768], scale=0.05, zero_point=0)
    for i in range(30):
        u = b.output("y", "int8", [1, 32768], scale=0.05, zero_point=0) if i == 29 else \
            b.tensor(f"t{i}", "int8", [1, 32768], scale=0.05, zero_point=0)
        b.op("RELU", [t], [u])
        t = u
    model = b.save(tmp_path / "relus.tflite")

    def cap_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    line = _one_line_error(_cli("replay", model, "--seed", "0", "--out", tmp_path / "r", preexec_fn=cap_files))
    labels = {"quant": "the quantized run (quant/)", "local": "the local float reference (local/)",
              "accumulated": "the float shadow run (accumulated/)"}
    m = re.match(r"tfldbg: error: (.*?): (\S+/(quant|local|accumulated)/\S+): write failed: File too large$", line)
    assert m, line
    assert m.group(1) == labels[m.group(3)], f"the message blames {m.group(1)!r} for a file under {m.group(3)}/"
    assert m.group(3) != "quant", line
    assert not (tmp_path / "r").exists()


# --- A tensor read that no one writes ------------------------------------------
# LiteRT's segment_sum_invalid_buffer.bin and add_shared_tensors.bin read a tensor
# with no data, no writer, not a graph input: LiteRT refuses at Invoke ("Input
# tensor N lacks data"); tfldbg computed on the arena's zeros and printed a result.

@pytest.mark.parametrize("command", ["run", "dump"])
def test_a_tensor_no_operator_writes_is_refused_naming_it(command, tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 4])
    ghost = b.tensor("ghost", "float32", [1, 4])
    y = b.output("y", "float32", [1, 4])
    b.op("ADD", [x, ghost], [y])
    model = b.save(tmp_path / "ghost.tflite")
    extra = ["--out", tmp_path / "dump"] if command == "dump" else []
    err = _one_line_error(_cli(command, model, *extra))
    assert "subgraph 0, operator 0 (ADD): input 1 'ghost' (tensor 1) has no value" in err, err
    assert "no operator writes it" in err
    assert not (tmp_path / "dump").exists()


def test_an_empty_tensor_no_operator_writes_still_runs(tmp_path):
    """A zero-element input holds nothing to read: LiteRT runs it, so do we."""
    b = OpModelBuilder()
    x = b.input("x", "float32", [0, 4])
    ghost = b.tensor("ghost", "float32", [0, 4])
    y = b.output("y", "float32", [0, 4])
    b.op("ADD", [x, ghost], [y])
    model = b.save(tmp_path / "empty.tflite")
    proc = _cli("run", model)
    assert proc.returncode == 0, proc.stderr
