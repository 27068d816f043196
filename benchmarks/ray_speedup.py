"""Speed-up of the dataset commands on Ray (docs/ray.md): printed figures, not a test.

    PYTHONPATH=scripts .venv/bin/python benchmarks/ray_speedup.py [--rounds N] [--cpus 2] [--shards N]
                                                                  [--model M --dataset DIR]

Starts a local Ray cluster of --cpus CPUs (default 2: 2 workers), then runs, in
alternating order for --rounds rounds, `dump --stats-only --dataset` and
`quant-report --dataset` locally and with `--ray` (--shards shards, default the
CPUs), each checked equal to the local result, and prints the median wall times and
the speed-up (local / Ray). Wall time, because the work of the Ray path runs in Ray's
worker processes, not in children of this one; the load average is printed beside
it, since other processes on the machine take cores from both sides. Ray's start
(once per cluster, not per command) is printed apart; a warm-up run of each command
on Ray goes first (workers start and import tfldbg).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--shards", type=int)
    parser.add_argument("--model", default=str(ROOT / "examples/digits/digits_int8.tflite"))
    parser.add_argument("--dataset", default=str(ROOT / "examples/digits/dataset"))
    args = parser.parse_args()
    try:
        import ray
    except ImportError:
        print("ray_speedup: Ray is not installed (pip install -r scripts/requirements-ray.txt)", file=sys.stderr)
        return 2
    from tfldbg.cli import main as tfldbg

    start = time.perf_counter()
    ray.init(num_cpus=args.cpus, include_dashboard=False, logging_level="ERROR")
    started = time.perf_counter() - start
    shards = args.shards or args.cpus
    tmp = Path(tempfile.mkdtemp(prefix="tfldbg-ray-bench-"))

    def run(argv: list[str]) -> float:
        out, err = io.StringIO(), io.StringIO()
        t = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = tfldbg(argv)
        elapsed = time.perf_counter() - t
        if code != 0:
            raise SystemExit(f"ray_speedup: {' '.join(argv)} failed: {err.getvalue().strip()}")
        return elapsed

    commands = {
        "dump --stats-only": lambda where, ray_args: ["dump", args.model, "--stats-only", "--dataset", args.dataset,
                                                      "--out", str(tmp / f"stats-{where}"), "--force", *ray_args],
        "quant-report": lambda where, ray_args: ["quant-report", args.model, "--dataset", args.dataset,
                                                 "--json", str(tmp / f"report-{where}.json"), *ray_args],
    }
    ray_args = ["--ray", "--ray-shards", str(shards)]
    for make in commands.values():  # warm-up: Ray's workers start and import tfldbg
        run(make("ray", ray_args))
    times = {name: {"local": [], "ray": []} for name in commands}
    loads = []
    for r in range(args.rounds):
        for name, make in commands.items():
            order = [("local", []), ("ray", ray_args)]
            for where, extra in (order if r % 2 == 0 else order[::-1]):
                times[name][where].append(run(make(where, extra)))
        loads.append(os.getloadavg()[0])
    # Equal results, as the tests check.
    same_stats = json.loads((tmp / "stats-local/stats.json").read_text()) == \
        json.loads((tmp / "stats-ray/stats.json").read_text())
    same_report = (tmp / "report-local.json").read_text() == (tmp / "report-ray.json").read_text()
    ray.shutdown()

    samples = len([p for p in Path(args.dataset).iterdir() if p.is_dir() or p.suffix == ".npy"])
    print(f"{Path(args.model).name}, {samples} samples; Ray cluster of {args.cpus} CPUs on a machine with "
          f"{os.cpu_count()} cores, {shards} shards; Ray start {started:.1f} s (once per cluster)")
    print(f"load average during the rounds: {', '.join(f'{x:.1f}' for x in loads)} (other processes share the cores)")
    print(f"{'command':<20} {'local s':>9} {'Ray s':>9} {'speed-up':>9}  equal")
    for name in commands:
        local, on_ray = statistics.median(times[name]["local"]), statistics.median(times[name]["ray"])
        equal = same_stats if name.startswith("dump") else same_report
        print(f"{name:<20} {local:9.2f} {on_ray:9.2f} {local / on_ray:8.2f}x  {'yes' if equal else 'NO'}")
    print(f"(median wall time of {args.rounds} interleaved rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
