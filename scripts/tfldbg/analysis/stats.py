"""Merging `tfldbg dump --stats-only` results from shards of a dataset.

Each stats.json keeps one record per sample (tensor statistics of one
Invoke) and the fold of those records in sample order. Merging concatenates
the samples of all shards and folds them again in sample order with the same
arithmetic, so the result equals, number for number, one run over the whole
dataset:

    python -m tfldbg merge-stats shard0/stats.json shard1/stats.json --out all.json
"""

from __future__ import annotations

import functools
import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path

from tfldbg.formats.dump import why_not_replaceable

FORMAT = "tfldbg-stats"


class StatsError(ValueError):
    """Inputs that cannot be merged: other formats, or samples seen twice."""


def _summary(s: dict) -> dict:
    """Derived fields exactly as the C++ writer computes them."""
    n = s["count"]
    mean = s["sum"] / n if n else 0.0
    variance = max(0.0, s["sum_of_squares"] / n - mean * mean) if n else 0.0
    total = n + s["nan"] + s["inf"]
    out = dict(s)
    out.update({"mean": mean, "std": math.sqrt(variance),
                "saturation": (s["at_min"] + s["at_max"]) / total if total else 0.0})
    if not n:
        out["min"] = out["max"] = None
    return out


def _fold(into: dict | None, s: dict) -> dict:
    if into is None:
        return {k: s[k] for k in ("count", "nan", "inf", "at_min", "at_max", "sum", "sum_of_squares", "min", "max")}
    if s["count"]:
        into["min"] = s["min"] if not into["count"] else min(into["min"], s["min"])
        into["max"] = s["max"] if not into["count"] else max(into["max"], s["max"])
    for k in ("count", "nan", "inf", "at_min", "at_max"):
        into[k] += s[k]
    into["sum"] += s["sum"]
    into["sum_of_squares"] += s["sum_of_squares"]
    return into


def merge_stats(paths: list[str | Path]) -> dict:
    from tfldbg.formats.reading import read_json

    return merge_stats_docs([(str(p), read_json(p)) for p in paths])


def merge_stats_docs(docs: list[tuple[str, dict]]) -> dict:
    """Merges (label, stats.json document) pairs; labels name them in errors."""
    for p, doc in docs:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != 1:
            raise StatsError(f"{p}: not a tfldbg-stats v1 file")
    samples: dict[int, dict] = {}
    names: dict[str, tuple] = {}
    for p, doc in docs:
        for rec in doc["samples"]:
            if rec["sample"] in samples:
                raise StatsError(f"{p}: sample {rec['sample']} is in more than one input")
            samples[rec["sample"]] = rec
        for t, s in doc["tensors"].items():
            names.setdefault(t, (s["name"], s["dtype"]))
    folded: dict[str, dict] = {}
    for index in sorted(samples):
        for t, s in sorted(samples[index]["tensors"].items(), key=lambda kv: int(kv[0])):
            folded[t] = _fold(folded.get(t), s)
    tensors = {}
    for t in sorted(folded, key=int):
        summary = _summary(folded[t])
        summary["name"], summary["dtype"] = names[t]
        tensors[t] = summary
    return {"format": FORMAT, "version": 1, "samples": [samples[i] for i in sorted(samples)], "tensors": tensors}


# `tfldbg dump MODEL --stats-only --dataset DIR --out OUT --ray [ADDRESS]`: the C++
# dump's own --shard i/N run as Ray tasks (tfldbg.distributed), merged here with
# merge_stats_docs and written as the dump directory one local run would write.

_RAY_USAGE = ("tfldbg dump MODEL --stats-only --dataset DIR --out OUT --ray [ADDRESS] [--ray-shards N] "
              "[--force] [other dump options]")


def _check_target(out: str, force: bool) -> Path:
    if not out:
        raise ValueError("the output directory name is empty")
    target = Path(os.path.normpath(os.path.abspath(out)))
    if target == Path(target.anchor):
        raise ValueError(f"{out}: is the root directory; name a new directory for the dump")
    if os.path.lexists(target):
        if not force:
            raise ValueError(f"{out}: already exists; pass --force to replace it (a tfldbg dump only)")
        why = why_not_replaceable(target)  # the dump writers' --force rule
        if why:
            raise ValueError(f"{out}: {why}; --force replaces only an empty directory or a tfldbg dump")
    if not target.parent.is_dir():
        raise OSError(f"{target.parent}: no such directory for the dump")
    return target


def _write_dump(target: Path, out: str, force: bool, manifest: dict, stats: dict) -> None:
    """Writes OUT/{manifest.json, stats.json, tensors/} through a staging directory
    beside it, replacing an old dump only as the C++ writer does."""
    staging = target.parent / f".{target.name}.tfldbg-partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "tensors").mkdir(parents=True)
    (staging / "stats.json").write_text(json.dumps(stats, indent=1) + "\n")
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    if not os.path.lexists(target):
        staging.rename(target)
        return
    _check_target(out, force)
    old = target.parent / f".{target.name}.tfldbg-old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    staging.rename(target)
    shutil.rmtree(old)


def stats_shards(specs: list[str], argv: list[str], dataset: str, cwd: str) -> list[tuple[dict, dict]]:
    """The partial of a Ray task: `tfldbg dump ARGV --stats-only --dataset DATASET
    --shard i/N` for each spec i/N, as (stats.json, manifest.json) documents.
    Runs in the driver's working directory when the worker has it (relative paths)."""
    import subprocess

    from tfldbg.backends.engine import ToolError, find_binary

    out = []
    with tempfile.TemporaryDirectory(prefix="tfldbg-stats-shard-") as tmp:
        for spec in specs:
            shard_dir = Path(tmp) / spec.replace("/", "-of-")
            proc = subprocess.run([str(find_binary()), "dump", *argv, "--stats-only", "--dataset", dataset, "--shard",
                                   spec, "--out", str(shard_dir)], capture_output=True, text=True,
                                  cwd=cwd if os.path.isdir(cwd) else None)
            if proc.returncode != 0:
                why = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exited with {proc.returncode}"
                raise ToolError(f"shard {spec}: {why.removeprefix('tfldbg: error: ')}")
            out.append((json.loads((shard_dir / "stats.json").read_text()),
                        json.loads((shard_dir / "manifest.json").read_text())))
    return out


def merge_shards(parts: list[list[tuple[dict, dict]]]) -> tuple[dict, dict]:
    """The shards' stats merged, and the manifest one local run writes."""
    shards = [shard for part in parts for shard in part]
    stats = merge_stats_docs([(f"shard {m['run']['dataset']['shard']}", doc) for doc, m in shards])
    manifest = shards[0][1]
    manifest["run"]["dataset"]["shard"] = "0/1"
    manifest["run"]["dataset"]["samples_run"] = len(stats["samples"])
    return manifest, stats


def dump_stats_on_ray(argv: list[str]) -> int:
    """`tfldbg dump ... --ray [ADDRESS]`: see the comment above."""
    import argparse

    from tfldbg.distributed import cluster_cpus, connect, ray_address_or_model, run_sharded

    parser = argparse.ArgumentParser(prog="tfldbg dump", usage=_RAY_USAGE, add_help=False)
    parser.add_argument("--ray", nargs="?", const="")
    parser.add_argument("--ray-shards", type=int)
    parser.add_argument("--out", "-o")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--dataset")
    parser.add_argument("--shard")
    parser.add_argument("--stats-only", action="store_true")
    known, rest = parser.parse_known_args(argv)
    address, model = ray_address_or_model(known.ray)
    if model is not None:
        rest = [model, *rest]
    if not known.stats_only or not known.dataset:
        raise ValueError("--ray needs --stats-only and --dataset DIR (it runs the dataset's shards as Ray tasks); "
                         f"usage: {_RAY_USAGE}")
    if known.shard:
        raise ValueError("--ray makes its own shards (--ray-shards N); drop --shard")
    if not known.out:
        raise ValueError(f"--out DIR is required; usage: {_RAY_USAGE}")
    if known.ray_shards is not None and known.ray_shards < 1:
        raise ValueError(f"--ray-shards {known.ray_shards}: expected a positive number")
    target = _check_target(known.out, known.force)
    from tfldbg.analysis.quant_report import dataset_samples

    dataset = str(Path(known.dataset).resolve())
    count = len(dataset_samples(dataset))
    shards = known.ray_shards or cluster_cpus(connect(address))
    shards = max(1, min(shards, count))
    specs = [f"{i}/{shards}" for i in range(shards)]
    partial = functools.partial(stats_shards, argv=rest, dataset=dataset, cwd=os.getcwd())
    manifest, stats = run_sharded(partial, specs, merge_shards, ray_address=address, shards=shards)
    manifest["run"]["dataset"]["dir"] = known.dataset  # as given, as a local run records it
    _write_dump(target, known.out, known.force, manifest, stats)
    print(f"tfldbg: wrote statistics of {len(stats['samples'])} sample(s) to {target}/stats.json "
          f"({shards} shards on Ray)", file=sys.stderr)
    return 0
