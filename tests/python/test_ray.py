"""Dataset runs on Ray (tfldbg.distributed, docs/ray.md): the Ray path of `dump
--stats-only` and `quant-report --dataset` equals the local path number for number,
on a local Ray cluster of 2 CPUs started here. The tests that need Ray skip when it
is not installed (it is an optional dependency: scripts/requirements-ray.txt)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tfldbg.backends.engine import run_tool
from tfldbg.cli import main
from tfldbg.distributed import ray_address_or_model, run_sharded, split

from conftest import SHARED_MODELS

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits"
MODEL, FLOAT, DATASET = (str(EXAMPLE / n) for n in ("digits_int8.tflite", "digits_float.tflite", "dataset"))

try:
    import ray
except ImportError:
    ray = None
needs_ray = pytest.mark.skipif(ray is None, reason="Ray is not installed (optional: pip install -r "
                                                   "scripts/requirements-ray.txt, which scripts/setup.sh does)")


@pytest.fixture(scope="module")
def cluster():
    """A local Ray cluster of 2 CPUs (2 workers) for this module, shut down after it."""
    if ray.is_initialized():
        ray.shutdown()
    # address="local": a new cluster of this process's own, even when another pytest-xdist worker runs one too.
    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level="ERROR")
    assert ray.cluster_resources()["CPU"] == 2
    yield ray
    ray.shutdown()


def test_split_is_contiguous_balanced_and_complete():
    items = list(range(10))
    assert split(items, 3) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert split(items, 1) == [items]
    assert split(items[:2], 5) == [[0], [1]]  # never an empty shard
    assert split([], 4) == [[]]
    for n in range(1, 12):
        parts = split(items, n)
        assert [x for p in parts for x in p] == items and max(map(len, parts)) - min(map(len, parts)) <= 1


def _sum_partial(samples):
    return [float(s) for s in samples]  # one record per sample: merge folds them in order


def _sum_merge(parts):
    total = 0.0
    for part in parts:
        for value in part:
            total += value
    return total


def test_run_sharded_local_is_one_shard():
    values = [0.1 * k for k in range(37)]
    expected = 0.0
    for v in values:
        expected += v
    assert run_sharded(_sum_partial, values, _sum_merge) == expected
    # The contract: any contiguous split folded in order gives the same bits.
    for n in (2, 3, 7):
        assert _sum_merge([_sum_partial(p) for p in split(values, n)]) == expected


def test_ray_address_or_model():
    assert ray_address_or_model(None) == (None, None)
    assert ray_address_or_model("") == ("", None)
    assert ray_address_or_model("auto") == ("auto", None)
    assert ray_address_or_model("ray://head:10001") == ("ray://head:10001", None)
    assert ray_address_or_model("10.0.0.5:6379") == ("10.0.0.5:6379", None)
    assert ray_address_or_model(MODEL) == ("", MODEL)  # `--ray MODEL ...`
    with pytest.raises(ValueError, match="expected auto, local"):
        ray_address_or_model("nonsense")


def test_without_ray_the_flag_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    assert main(["quant-report", MODEL, "--dataset", DATASET, "--ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Ray is not installed" in err and "ray==" in err
    assert main(["dump", MODEL, "--stats-only", "--dataset", DATASET, "--out", str(tmp_path / "s"), "--ray"]) == 2
    assert "Ray is not installed" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_dump_ray_refuses_what_it_cannot_shard(tmp_path, capsys):
    out = str(tmp_path / "s")
    assert main(["dump", MODEL, "--dataset", DATASET, "--out", out, "--ray"]) == 2
    assert "--ray needs --stats-only and --dataset" in capsys.readouterr().err
    assert main(["dump", MODEL, "--stats-only", "--dataset", DATASET, "--shard", "0/2", "--out", out, "--ray"]) == 2
    assert "drop --shard" in capsys.readouterr().err
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "keep.txt").write_text("not a dump")
    assert main(["dump", MODEL, "--stats-only", "--dataset", DATASET, "--out", out, "--ray"]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert main(["dump", MODEL, "--stats-only", "--dataset", DATASET, "--out", out, "--force", "--ray"]) == 2
    assert "not a tfldbg dump" in capsys.readouterr().err
    assert main(["quant-report", MODEL, "--seed", "0", "--ray"]) == 2
    assert "--ray needs --dataset" in capsys.readouterr().err
    assert main(["quant-report", MODEL, "--dataset", DATASET, "--ray-shards", "2"]) == 2
    assert "--ray-shards needs --ray" in capsys.readouterr().err
    assert main(["quant-report", MODEL, "--dataset", DATASET, "--ray", "--ray-shards", "0"]) == 2
    assert "--ray-shards 0: expected a positive number" in capsys.readouterr().err
    assert main(["dump", MODEL, "--stats-only", "--dataset", DATASET, "--out", out, "--ray", "--ray-shards", "0"]) == 2
    assert "--ray-shards 0: expected a positive number" in capsys.readouterr().err


@needs_ray
def test_dump_stats_on_ray_equals_one_local_run(cluster, tmp_path):
    run_tool("dump", MODEL, "--out", str(tmp_path / "local"), "--stats-only", "--dataset", DATASET)
    # 3 shards on 2 workers: uneven shards (22, 21, 21 samples), one worker runs two.
    assert main(["dump", MODEL, "--stats-only", "--dataset", DATASET, "--out", str(tmp_path / "ray"),
                 "--ray", "--ray-shards", "3"]) == 0
    local = json.loads((tmp_path / "local" / "stats.json").read_text())
    on_ray = json.loads((tmp_path / "ray" / "stats.json").read_text())
    assert len(on_ray["samples"]) == 64
    assert on_ray == local  # every sample record and every folded statistic, number for number
    m_local = json.loads((tmp_path / "local" / "manifest.json").read_text())
    m_ray = json.loads((tmp_path / "ray" / "manifest.json").read_text())
    assert m_ray == m_local
    assert list((tmp_path / "ray" / "tensors").iterdir()) == []
    # --force replaces a dump; the default shard count is the cluster's CPUs (2).
    assert main(["dump", MODEL, "--ray", "--stats-only", "--dataset", DATASET, "--out", str(tmp_path / "ray"),
                 "--force"]) == 0
    assert json.loads((tmp_path / "ray" / "stats.json").read_text()) == local


@needs_ray
def test_quant_report_on_ray_equals_one_local_run(cluster, tmp_path):
    common = ["quant-report", MODEL, "--dataset", DATASET, "--float", FLOAT]
    assert main([*common, "--json", str(tmp_path / "local.json")]) == 0
    assert main([*common, "--ray", "--ray-shards", "3", "--json", str(tmp_path / "ray.json")]) == 0
    local = (tmp_path / "local.json").read_text()
    on_ray = (tmp_path / "ray.json").read_text()
    report = json.loads(on_ray)
    assert report["samples"] == 64 and report["layers"]
    assert report["layers"][0]["local"]["num_elements"] > 0 and report["layers"][0]["float_model"] is not None
    assert on_ray == local  # the whole report, byte for byte


_SUMS = """
import numpy as np
from tfldbg.analysis.metrics import ErrorStats
rng = np.random.default_rng(7)
f = rng.standard_normal(300_000)
print(repr(ErrorStats.of(f + rng.standard_normal(f.size) * 1e-3, f, scale=0.01)))
"""


def test_error_sums_do_not_depend_on_blas_threads():
    # A Ray worker runs with one BLAS thread, the driver with several: the sums of a tensor's error
    # must not depend on that (np.dot on long vectors does: its partial sums follow the threads).
    outs = set()
    for threads in ("1", "2", "4"):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
        outs.add(subprocess.run([sys.executable, "-c", _SUMS], env=env, capture_output=True, text=True,
                                check=True).stdout)
    assert len(outs) == 1, outs


@needs_ray
def test_quant_report_on_ray_equals_local_on_a_real_model(cluster, tmp_path, require_shared_models):
    # Tensors of 10^4-10^5 elements (where BLAS would split its sums over threads), a uint8 model.
    model = str(SHARED_MODELS / "real" / "mobilenet_v1_0.25_128_quant_uint8.tflite")
    rng = np.random.default_rng(5)
    (tmp_path / "ds").mkdir()
    for k in range(4):
        np.save(tmp_path / "ds" / f"{k}.npy", rng.integers(0, 256, (1, 128, 128, 3), dtype=np.uint8))
    common = ["quant-report", model, "--dataset", str(tmp_path / "ds")]
    assert main([*common, "--json", str(tmp_path / "local.json")]) == 0
    assert main([*common, "--ray", "--ray-shards", "2", "--json", str(tmp_path / "ray.json")]) == 0
    assert json.loads((tmp_path / "ray.json").read_text())["samples"] == 4
    assert (tmp_path / "ray.json").read_text() == (tmp_path / "local.json").read_text()


@needs_ray
def test_a_failing_shard_is_one_line(cluster, tmp_path, capsys):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model")
    assert main(["dump", str(bad), "--stats-only", "--dataset", DATASET, "--out", str(tmp_path / "s"), "--ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tfldbg: error:") and "bad.tflite" in err and "worker" in err and err.count("\n") == 0
    assert not (tmp_path / "s").exists()


@needs_ray
def test_sensitivity_on_ray_equals_one_local_run(cluster, tmp_path):
    common = ["sensitivity", MODEL, "--dataset", DATASET, "--float", FLOAT, "--target", "40", "--max-float", "2"]
    assert main([*common, "--json", str(tmp_path / "local.json")]) == 0
    assert main([*common, "--ray", "--ray-shards", "3", "--json", str(tmp_path / "ray.json")]) == 0
    local = (tmp_path / "local.json").read_text()
    on_ray = (tmp_path / "ray.json").read_text()
    report = json.loads(on_ray)
    assert report["nodes"] and report["greedy"]["float_nodes"]
    assert on_ray == local  # the whole analysis, byte for byte
