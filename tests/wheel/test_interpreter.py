"""tfldbg.Interpreter in-process: outputs equal the CLI's byte for byte, the
per-node callback sees every node through read-only zero-copy views, the GIL
is released while kernels run, errors are tfldbg.Error in one line, and an
in-process dump is the CLI's dump."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import tfldbg
from tfldbg import load_dump, run_tool

from conftest import REAL

INT8 = REAL / "mlperf_tiny_resnet8_int8.tflite"
FLOAT = REAL / "mlperf_tiny_vww_96_float.tflite"
UINT8 = REAL / "mobilenet_v1_0.25_128_quant_uint8.tflite"


def _seeded(interp: tfldbg.Interpreter, seed: int = 0) -> list[np.ndarray]:
    interp.set_inputs(seed=seed)
    return [interp.tensor(d["index"]) for d in interp.inputs]


@pytest.mark.parametrize("model", [INT8, FLOAT, UINT8], ids=lambda p: p.stem)
def test_outputs_and_dump_equal_the_cli_byte_for_byte(model, tmp_path):
    run_tool("dump", str(model), "--out", str(tmp_path / "cli"), "--seed", "0")
    cli = load_dump(tmp_path / "cli")
    interp = tfldbg.Interpreter(model)
    outputs = interp.run(_seeded(interp))
    interp.dump(tmp_path / "py")
    mine = load_dump(tmp_path / "py")
    assert [s.op for s in mine.steps] == [s.op for s in cli.steps]
    for a, b in zip(cli.steps, mine.steps):
        for ta, tb in zip(a.outputs, b.outputs):
            assert ta.value.tobytes() == tb.value.tobytes(), (a.index, a.op)
    last = cli.steps[-1].outputs[0].value
    assert list(outputs.values())[-1].tobytes() == last.tobytes() or any(
        v.tobytes() == last.tobytes() for v in outputs.values())
    for d in interp.outputs:
        assert outputs[d["name"]].shape == d["shape"]


def test_on_node_sees_every_node_through_read_only_views_equal_to_the_tensors():
    interp = tfldbg.Interpreter(INT8, planner="no-reuse")
    inputs = _seeded(interp)
    seen = []

    def on_node(step):
        assert all(not a.flags.writeable for a in step.outputs + [i for i in step.inputs if i is not None])
        seen.append((step.step, step.node, step.op, step.output_indices,
                     [o.copy() for o in step.outputs], [i.copy() for i in step.inputs if i is not None]))

    before = []
    interp.run(inputs, on_node=on_node, before_node=lambda s: before.append(s.node))
    operators = tfldbg.model_info(INT8)["subgraphs"][0]["operators"]
    assert len(operators) == 16
    assert len(seen) == len(operators) and [s[0] for s in seen] == list(range(len(seen)))
    assert before == [s[1] for s in seen]
    for _, _, _, indices, outputs, _ in seen:
        for index, value in zip(indices, outputs):
            # no-reuse: every tensor keeps its values after the run, and the view showed those bytes
            assert interp.tensor(index).tobytes() == value.tobytes()


def test_a_view_is_zero_copy():
    interp = tfldbg.Interpreter(INT8, planner="no-reuse")
    addresses = []
    interp.run(_seeded(interp), on_node=lambda s: addresses.append(
        (s.output_indices[0], s.outputs[0].__array_interface__["data"][0])))
    for index, address in addresses:
        assert interp.tensor(index, copy=False).__array_interface__["data"][0] == address


def test_a_callback_exception_stops_the_run_and_propagates():
    interp = tfldbg.Interpreter(INT8)
    inputs = _seeded(interp)
    plain = interp.run(inputs)["Identity_int8"]
    calls = []

    def stop_at_three(step):
        calls.append(step.node)
        if step.node == 3:
            raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        interp.run(inputs, on_node=stop_at_three)
    assert calls == [0, 1, 2, 3]
    assert interp.run(inputs)["Identity_int8"].tobytes() == plain.tobytes()  # and runs on afterwards


def test_the_gil_is_released_while_kernels_run():
    # This thread counts while another runs the kernels: were the GIL held
    # through invoke, it could not count between `started` and `done` at all.
    interp = tfldbg.Interpreter(REAL / "deeplabv3_257_mv_gpu_float.tflite")
    interp.set_inputs(seed=0)
    started, done = threading.Event(), threading.Event()

    def run():
        started.set()
        interp.invoke()
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    started.wait()
    ticks = 0
    while not done.is_set():
        ticks += 1
    worker.join()
    assert ticks > 10_000, ticks


def test_errors_are_one_line_tfldbg_errors(tmp_path):
    with pytest.raises(tfldbg.Error, match="cannot open") as e:
        tfldbg.Interpreter(tmp_path / "absent.tflite")
    assert "\n" not in str(e.value)
    (tmp_path / "junk.tflite").write_bytes(b"not a model at all" * 4)
    with pytest.raises(tfldbg.Error):
        tfldbg.Interpreter(tmp_path / "junk.tflite")
    interp = tfldbg.Interpreter(INT8)
    with pytest.raises(tfldbg.Error, match="takes 3072 bytes"):
        interp.set_input(0, np.zeros(5, np.int8))
    with pytest.raises(tfldbg.Error, match="no input named 'nope'"):
        interp.set_input("nope", np.zeros(5, np.int8))
    with pytest.raises(tfldbg.Error, match="planner 'fast'"):
        tfldbg.Interpreter(INT8, planner="fast")
    with pytest.raises(tfldbg.Error, match="does not exist"):
        interp.tensor(10_000)


def test_model_bytes_threads_and_rounding_options():
    data = INT8.read_bytes()
    a = tfldbg.Interpreter(data)
    b = tfldbg.Interpreter(INT8, threads=2, cpu="scalar")
    x = _seeded(a)
    assert a.run(x)["Identity_int8"].tobytes() == b.run(x)["Identity_int8"].tobytes()
    c = tfldbg.Interpreter(INT8, rounding="double")
    assert c.run(x)["Identity_int8"].shape == (1, 10)


def test_a_kept_step_refuses_its_tensors_after_the_callback():
    interp = tfldbg.Interpreter(INT8)
    kept = []
    interp.run(_seeded(interp), on_node=kept.append)
    assert [s.node for s in kept] == list(range(16)) and kept[0].op == "CONV_2D"
    with pytest.raises(tfldbg.Error, match="readable only during its callback"):
        kept[3].outputs
    with pytest.raises(tfldbg.Error, match="readable only during its callback"):
        kept[0].input_indices


def test_before_node_sees_the_inputs_and_after_node_the_outputs():
    interp = tfldbg.Interpreter(INT8, planner="no-reuse")
    inputs = _seeded(interp)
    before, after = {}, {}
    interp.run(inputs, before_node=lambda s: before.setdefault(s.node, [i.copy() for i in s.inputs if i is not None]),
               on_node=lambda s: after.setdefault(s.node, [o.copy() for o in s.outputs]))
    assert before[0][0].tobytes() == inputs[0].tobytes()
    # node 1 reads what node 0 wrote
    assert before[1][0].tobytes() == after[0][0].tobytes()


def test_replay_matches_the_cli_s_replay(tmp_path):
    run_tool("replay", str(INT8), "--out", str(tmp_path / "cli"), "--seed", "3")
    interp = tfldbg.Interpreter(INT8)
    x = _seeded(interp, seed=3)
    interp.set_inputs(x)  # explicit arrays: replay passes them to the CLI as .npy files
    out = interp.replay(tmp_path / "py")
    for part in ("quant", "local", "accumulated"):
        a, b = load_dump(tmp_path / "cli" / part), load_dump(out / part)
        assert [s.op for s in a.steps] == [s.op for s in b.steps]
        for sa, sb in zip(a.steps, b.steps):
            assert sa.outputs[0].value.tobytes() == sb.outputs[0].value.tobytes(), (part, sa.index)
    with pytest.raises(tfldbg.Error, match="exists"):
        interp.replay(tmp_path / "py")


def test_a_notebook_shows_the_inputs_and_outputs_as_a_table():
    page = tfldbg.Interpreter(INT8)._repr_html_()
    assert page.count("<tr>") == 3 and "input_1_int8" in page and "Identity_int8" in page
    assert "scale 1, zero point -128" in page


def test_compare_in_process_dumps_returns_records_and_a_table(tmp_path):
    reuse = tfldbg.Interpreter(INT8)
    reuse.set_inputs(seed=4)
    no_reuse = tfldbg.Interpreter(INT8, planner="no-reuse")
    no_reuse.set_inputs(seed=4)
    same = tfldbg.compare(reuse.dump(tmp_path / "a"), no_reuse.dump(tmp_path / "b"))
    assert same and same.summary().endswith(" 0 failed")
    records = same.records()
    assert len(records) == len(same.results) > 16 and {"step", "op", "passed", "max_abs_lsb"} <= set(records[0])
    single = tfldbg.Interpreter(INT8, rounding="single")
    single.set_inputs(seed=4)
    differs = tfldbg.compare(tmp_path / "a", single.dump(tmp_path / "c"))
    page = differs._repr_html_()
    assert page.count("<tr>") == len(differs.results) + 1 and differs.summary() in page
