"""Speed-up of the dataset commands on Ray (docs/ray.md): printed figures, not a test.

    PYTHONPATH=scripts .venv/bin/python benchmarks/ray_speedup.py [--rounds N] [--cpus 2] [--shards N]
                                                                  [--model M --dataset DIR]

Starts a local Ray cluster of --cpus CPUs (default 2: 2 workers) and runs the two
dataset commands' work — `dump --stats-only --dataset` (the binary on the dataset's
shards, merged) and `quant-report --dataset` (a replay per sample, folded) — locally
(tfldbg.distributed.run_sharded without Ray: one shard) and on Ray (--shards shards,
default the CPUs), in alternating order for --rounds rounds, each Ray result checked
equal to the local one. Printed, as medians:

- wall time, local and on Ray, and their ratio: the speed-up as the user sees it on
  this machine now. Other processes take cores from both sides (the load average is
  printed): on a busy machine (Linux's fair share, autogroups) this ratio says more
  about the other processes than about the shards.
- processor time (own + children, from getrusage in each process): the local run's
  total, and the Ray run's critical path, the largest task's + the driver's merge.
  Their ratio is the speed-up 2 idle cores give (Ray's scheduling latency aside),
  steady under load.

Ray's start (once per cluster, not per command) is printed apart; a warm-up run on
Ray goes first (workers start and import tfldbg).
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(partial, samples):
    """Runs on a worker: the partial's result with its processor time (own + children)."""
    start = _cpu()
    part = partial(samples)
    return part, _cpu() - start


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
    from tfldbg.analysis import quant_report as qr
    from tfldbg.analysis import stats
    from tfldbg.distributed import run_tasks, split

    model, dataset = str(Path(args.model).resolve()), str(Path(args.dataset).resolve())
    samples = qr.dataset_samples(dataset)
    start = time.perf_counter()
    ray.init(num_cpus=args.cpus, include_dashboard=False, logging_level="ERROR")
    started = time.perf_counter() - start
    shards = args.shards or args.cpus

    dump_partial = functools.partial(stats.stats_shards, argv=[model], dataset=dataset, cwd=os.getcwd())
    commands = {  # name: (partial, local items, Ray items, merge)
        "dump --stats-only": (dump_partial, ["0/1"], [f"{i}/{shards}" for i in range(shards)], stats.merge_shards),
        "quant-report": (functools.partial(qr.shard_records, model=model, weights_from=None, rounding=None,
                                           float_model=None), samples, samples, qr.merge_records),
    }

    def local(name):
        partial, items, _, merge = commands[name]
        t, c = time.perf_counter(), _cpu()
        result = merge([partial(items)])
        return result, time.perf_counter() - t, _cpu() - c

    def on_ray(name):
        partial, _, items, merge = commands[name]
        t = time.perf_counter()
        parts = run_tasks(functools.partial(timed, partial), split(items, shards), "")
        c = _cpu()
        result = merge([p for p, _ in parts])
        merge_cpu = _cpu() - c
        return result, time.perf_counter() - t, max(cpu for _, cpu in parts) + merge_cpu

    def same(name, a, b):
        if name == "quant-report":
            return repr(qr.build_report(a, "m", len(samples), "sqnr_db")) == \
                repr(qr.build_report(b, "m", len(samples), "sqnr_db"))  # repr: NaN equals NaN
        return a[1] == b[1] and a[0]["run"]["dataset"]["samples_run"] == b[0]["run"]["dataset"]["samples_run"]

    for name in commands:  # warm-up
        on_ray(name)
    wall = {name: {"local": [], "ray": []} for name in commands}
    cpu = {name: {"local": [], "ray": []} for name in commands}
    equal = {name: True for name in commands}
    loads = []
    for r in range(args.rounds):
        for name in commands:
            runs = {}
            for where in (("local", "ray") if r % 2 == 0 else ("ray", "local")):
                runs[where] = (local if where == "local" else on_ray)(name)
                wall[name][where].append(runs[where][1])
                cpu[name][where].append(runs[where][2])
            equal[name] &= same(name, runs["local"][0], runs["ray"][0])
        loads.append(os.getloadavg()[0])
    ray.shutdown()

    med = statistics.median
    print(f"{Path(model).name}, {len(samples)} samples; Ray cluster of {args.cpus} CPUs on a machine with "
          f"{os.cpu_count()} cores, {shards} shards; Ray start {started:.1f} s (once per cluster)")
    print(f"load average during the rounds: {', '.join(f'{x:.1f}' for x in loads)}")
    print(f"{'command':<18} {'wall local':>10} {'wall Ray':>9} {'speed-up':>9} | {'cpu local':>9} {'cpu Ray path':>12} "
          f"{'speed-up':>9} | equal")
    for name in commands:
        wl, wr, cl, cr = med(wall[name]["local"]), med(wall[name]["ray"]), med(cpu[name]["local"]), med(cpu[name]["ray"])
        print(f"{name:<18} {wl:9.2f}s {wr:8.2f}s {wl / wr:8.2f}x | {cl:8.2f}s {cr:11.2f}s {cl / cr:8.2f}x | "
              f"{'yes' if equal[name] else 'NO'}")
    print(f"(medians of {args.rounds} interleaved rounds; cpu Ray path = the largest task's processor time + the merge's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
