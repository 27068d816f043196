"""Dataset runs split into shards, run as Ray tasks (or here), and merged.

    from tfldbg.distributed import run_sharded
    result = run_sharded(partial, samples, merge, ray_address="auto", shards=4)

The contract a dataset command keeps to use it:

- `partial(samples)` takes a contiguous slice of the command's sample list
  (any picklable items: paths, argument lists, (index, path) pairs) and returns
  a picklable partial result. It runs on a Ray worker: it must be a module-level
  function (or a functools.partial of one) that imports what it needs, and every
  path it reads must be readable at the same path on the worker (docs/ray.md).
- `merge(parts)` takes the partial results in sample order (part k covers the
  k-th slice) and returns the command's result.
- Equality: merge(parts of ANY contiguous split, in order) must equal
  merge([partial(all samples)]) number for number. Float sums are not
  associative, so a partial does not pre-add its samples: it returns one record
  per sample, and merge folds the records in sample order with the same
  arithmetic as the local run (quant_report.replay_records and apply_records,
  analysis/stats.merge_stats_docs).

Without `ray_address` the command runs here in one shard (merge([partial(samples)])),
so the Ray path and the local path share their code. Ray is optional: it is
imported only when asked for, and its absence is one clear error line.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Callable, Sequence

RAY_PIN = "ray==2.60.0"  # scripts/requirements-ray.txt and the `ray` extra pin the same version


class RayUnavailable(RuntimeError):
    """--ray was asked for but Ray is not installed (or cannot be reached)."""


def split(samples: Sequence, shards: int) -> list[list]:
    """`shards` contiguous slices of `samples` in order, sizes differing by at most
    one, none empty (fewer slices when there are fewer samples)."""
    n = len(samples)
    shards = max(1, min(int(shards), n)) if n else 1
    base, extra = divmod(n, shards)
    out, start = [], 0
    for k in range(shards):
        size = base + (1 if k < extra else 0)
        out.append(list(samples[start:start + size]))
        start += size
    return out


def ray_address_or_model(value: str | None) -> tuple[str | None, str | None]:
    """--ray's optional ADDRESS, or the positional MODEL it swallowed (`--ray MODEL ...`):
    returns (address, model)."""
    if value is None or value in ("", "auto", "local") or "://" in value or \
            (":" in value and not value.endswith(".tflite") and not Path(value).exists()):
        return value, None
    if Path(value).exists() or value.endswith(".tflite"):
        return "", value
    raise ValueError(f"--ray {value}: expected auto, local, ray://HOST:PORT or HOST:PORT")


def import_ray():
    try:
        import ray  # noqa: PLC0415
    except ImportError as e:
        raise RayUnavailable(f"--ray: Ray is not installed ({e}); install the pinned version with "
                             f"`pip install {RAY_PIN}` (or `pip install 'tfldbg[ray]'`), or run without --ray") from None
    return ray


def connect(ray_address: str | None):
    """ray.init once per process: an empty address or 'local' starts (or joins) a
    Ray instance on this machine; 'auto' joins the cluster started here with
    `ray start --head`; 'ray://HOST:10001' joins a remote cluster through Ray Client.
    An already initialised Ray (a test's ray.init) is used as it is."""
    ray = import_ray()
    if ray.is_initialized():
        return ray
    address = ray_address or None
    kwargs: dict[str, Any] = {"logging_level": "ERROR", "log_to_driver": True}
    if address in (None, "local"):
        kwargs["include_dashboard"] = False
    try:
        ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as e:
        raise RayUnavailable(f"--ray {ray_address or ''}: cannot connect to a Ray cluster: {str(e).splitlines()[0]}") from None
    return ray


def cluster_cpus(ray) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def _call(fn: Callable, args: list) -> Any:
    """Runs on a worker; errors come back as one line naming the worker's host."""
    try:
        return ("ok", fn(args))
    except Exception as e:  # noqa: BLE001 - reported by run_tasks as one line
        why = " ".join(str(e).split()).removeprefix("tfldbg: error: ")  # one line; the binary's prefix once
        return ("error", f"{type(e).__name__} on worker {socket.gethostname()} (pid {os.getpid()}): {why}")


def run_tasks(fn: Callable, args_list: list, ray_address: str | None) -> list:
    """fn(args) for each args as Ray tasks (one CPU each); results in the order given."""
    ray = connect(ray_address)
    remote = ray.remote(num_cpus=1, max_retries=0)(_call)
    fn_ref = ray.put(fn)
    results = ray.get([remote.remote(fn_ref, args) for args in args_list])
    for status, value in results:
        if status == "error":
            raise RuntimeError(value)
    return [value for _, value in results]


def run_sharded(partial: Callable[[list], Any], samples: Sequence, merge: Callable[[list], Any], *,
                ray_address: str | None = None, shards: int | None = None) -> Any:
    """merge([partial(slice) for slice in split(samples)]) on Ray when `ray_address` is
    not None ('' = Ray's default, see connect; shards default to the cluster's CPUs),
    else merge([partial(samples)]) here."""
    if shards is not None and shards < 1:
        raise ValueError(f"--ray-shards {shards}: expected a positive number")
    if ray_address is None:
        return merge([partial(list(samples))])
    ray = connect(ray_address)
    count = shards or cluster_cpus(ray)
    return merge(run_tasks(partial, split(samples, count), ray_address))
