"""`python -m tfldbg compare A B`: two dumps, tensor by tensor, in execution order.

Steps are matched by position (both dumps follow the model's execution
order). For each value a step produced (and the run's inputs), integer
tensors are compared in LSB (max |dq|, a histogram of |dq| over 0, 1, 2, >=3,
the share that differs) and pass only when identical (or within --lsb);
float tensors pass within rtol/atol and report max abs, max rel and mean abs
error. The first diverging step is marked. Exit 0: all within tolerance;
1: something differs; 2: bad input.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field

import numpy as np

from tfldbg.formats.dump import Dump, Slot

INTEGER_KINDS = "iub"


@dataclass
class TensorComparison:
    step: int
    op: str
    role: str          # "output 0", "input 1", "graph input"
    tensor: int
    name: str
    dtype: str
    shape: list
    passed: bool
    reason: str = ""
    max_abs_lsb: int | None = None
    lsb_histogram: list | None = None  # counts of |dq| = 0, 1, 2, >=3
    share_differing: float | None = None
    max_abs: float | None = None
    max_rel: float | None = None
    mean_abs: float | None = None


@dataclass
class Comparison:
    """All tensor comparisons; falsy when anything failed."""

    results: list[TensorComparison] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # structural mismatches
    notes: list[str] = field(default_factory=list)  # what was compared, when not everything

    def __bool__(self) -> bool:
        return not self.problems and all(r.passed for r in self.results)

    @property
    def first_divergence(self) -> TensorComparison | None:
        return next((r for r in self.results if not r.passed), None)

    def summary(self) -> str:
        failed = sum(not r.passed for r in self.results)
        return f"{len(self.results) - failed} passed, {failed} failed"

    def records(self) -> list[dict]:
        """One dict per tensor comparison (pandas.DataFrame(c.records()))."""
        return [asdict(r) for r in self.results]

    def to_dataframe(self):
        """The records as a pandas DataFrame (pandas must be installed)."""
        import pandas

        return pandas.DataFrame(self.records())

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<th>{k}</th>" for k in ("step", "op", "role", "name", "dtype", "passed", "max_abs_lsb",
                                                 "max_abs", "reason"))
        rows = "".join(
            f"<tr><td>{r.step}</td><td>{r.op}</td><td>{r.role}</td><td>{html.escape(r.name)}</td><td>{r.dtype}</td>"
            f"<td>{'yes' if r.passed else '<b>no</b>'}</td><td>{'' if r.max_abs_lsb is None else r.max_abs_lsb}</td>"
            f"<td>{'' if r.max_abs is None else f'{r.max_abs:.3g}'}</td><td>{html.escape(r.reason)}</td></tr>"
            for r in self.results)
        problems = "".join(f"<p>{html.escape(p)}</p>" for p in self.problems)
        return f"<p><b>{self.summary()}</b></p>{problems}<table><tr>{head}</tr>{rows}</table>"


def compare_arrays(a: np.ndarray, b: np.ndarray, rtol: float, atol: float, lsb: int) -> dict:
    """Metrics for one pair of arrays of equal dtype and shape (string arrays:
    equal kind and shape; their widths may differ)."""
    if a.dtype.kind in "SU":  # strings: equal or not, element by element
        same = (a == b).ravel()
        return {"passed": bool(same.all()), "share_differing": float(np.count_nonzero(~same) / same.size) if same.size else 0.0}
    if a.dtype.kind in INTEGER_KINDS:
        d = np.abs(a.astype(np.int64) - b.astype(np.int64)).ravel()
        hist = [int(np.count_nonzero(d == 0)), int(np.count_nonzero(d == 1)), int(np.count_nonzero(d == 2)),
                int(np.count_nonzero(d >= 3))]
        max_d = int(d.max()) if d.size else 0
        return {"passed": max_d <= lsb, "max_abs_lsb": max_d, "lsb_histogram": hist,
                "share_differing": float(np.count_nonzero(d) / d.size) if d.size else 0.0}
    if a.dtype.kind == "c":  # real and imaginary parts, each compared as a float
        a = np.ascontiguousarray(a).reshape(-1).view(a.real.dtype)
        b = np.ascontiguousarray(b).reshape(-1).view(b.real.dtype)
    af = a.astype(np.float64).ravel()
    bf = b.astype(np.float64).ravel()
    both_nan = np.isnan(af) & np.isnan(bf)
    diff = np.where(both_nan, 0.0, np.abs(af - bf))
    rel = diff / np.maximum(np.abs(bf), np.finfo(np.float32).tiny)
    ok = bool(np.all(both_nan | np.isclose(af, bf, rtol=rtol, atol=atol)))
    return {"passed": ok, "max_abs": float(diff.max()) if diff.size else 0.0,
            "max_rel": float(np.where(diff == 0, 0.0, rel).max()) if diff.size else 0.0,
            "mean_abs": float(diff.mean()) if diff.size else 0.0}


def _compare_slot(result: TensorComparison, sa: Slot, sb: Slot, rtol, atol, lsb) -> TensorComparison:
    a, b = sa.value, sb.value
    if a is None or b is None:
        stored = a if b is None else b
        # LiteRT has no value to give for a tensor of zero elements; an empty array is the same.
        result.passed = stored is None or stored.size == 0
        result.reason = "" if stored is None else ("empty" if result.passed else f"stored only in {'A' if b is None else 'B'}")
        return result
    strings = a.dtype.kind in "SU" and b.dtype.kind == a.dtype.kind  # 'S' widths follow the longest string
    if (a.dtype != b.dtype and not strings) or a.shape != b.shape:
        result.passed = False
        result.reason = f"A is {a.dtype}{list(a.shape)}, B is {b.dtype}{list(b.shape)}"
        return result
    for k, v in compare_arrays(np.asarray(a), np.asarray(b), rtol, atol, lsb).items():
        setattr(result, k, v)
    return result


def compare_by_tensor(a: Dump, b: Dump, rtol: float = 1e-5, atol: float = 1e-6, lsb: int = 0) -> Comparison:
    """Compares the two dumps tensor by tensor (subgraph, tensor index), whatever
    the steps that wrote them: for B a rewrite of A's model (an op replaced by
    several, new tensors appended so every tensor of A keeps its index). Each of
    A's stored tensors must have a value in B; B's extra tensors are not compared."""
    out = Comparison()

    def slots(d: Dump) -> dict:
        found: dict[tuple[int, int], tuple] = {}
        for s in d.steps:
            for role, group in (("input", s.inputs), ("output", s.outputs), ("update", s.updates)):
                for x in group:
                    if x.tensor is not None and (s.subgraph, x.tensor.index) not in found:
                        found[(s.subgraph, x.tensor.index)] = (s, role, x)
        return found

    slots_a, slots_b = slots(a), slots(b)
    no_value = 0
    for key, (sa, role, xa) in slots_a.items():
        if xa.file is None:
            continue
        t = xa.tensor
        res = TensorComparison(sa.step, sa.op, f"{role} {xa.slot}", t.index, t.name, t.dtype, list(t.shape), True)
        if key not in slots_b:
            res.passed, res.reason = False, "no step of B reads or writes it"
            out.results.append(res)
            continue
        if slots_b[key][2].no_value:  # B gives no value for it (LiteRT's default path: outputs only)
            no_value += 1
            continue
        out.results.append(_compare_slot(res, xa, slots_b[key][2], rtol, atol, lsb))
    if no_value:
        out.notes.append(f"{no_value} tensors left out: B gives no value for them")
    return out


def compare_dumps(a: Dump, b: Dump, rtol: float = 1e-5, atol: float = 1e-6, lsb: int = 0) -> Comparison:
    out = Comparison()
    steps_a, steps_b = a.steps, b.steps
    # LiteRT's reference dumps hold the main subgraph only: when one side has
    # no steps inside called subgraphs (loop bodies, branches), compare the
    # steps of the subgraph both ran at the top.
    top_a, top_b = a.manifest["subgraphs"][0]["index"], b.manifest["subgraphs"][0]["index"]
    only_top_a = all(s.subgraph == top_a for s in steps_a)
    only_top_b = all(s.subgraph == top_b for s in steps_b)
    if only_top_a != only_top_b:
        steps_a = [s for s in steps_a if s.subgraph == top_a]
        steps_b = [s for s in steps_b if s.subgraph == top_b]
        out.notes.append("one dump has no steps inside called subgraphs: compared the top subgraph's steps only")
    if len(steps_a) != len(steps_b):
        out.problems.append(f"A has {len(steps_a)} steps, B has {len(steps_b)}")
    seen: set[tuple[int, str]] = set()
    no_value = 0
    for sa, sb in zip(steps_a, steps_b):
        if sa.op != sb.op:
            out.problems.append(f"step {sa.step}: A runs {sa.op}, B runs {sb.op}")
            continue
        pairs = [("input", x, y) for x, y in zip(sa.inputs, sb.inputs)] + [("output", x, y) for x, y in zip(sa.outputs, sb.outputs)]
        updates_b = {u.slot: u for u in sb.updates}
        for u in sa.updates:
            if u.slot in updates_b:
                pairs.append(("update", u, updates_b.pop(u.slot)))
            else:
                out.problems.append(f"step {sa.step}: A updates input {u.slot} in place, B does not")
        for u in updates_b.values():
            out.problems.append(f"step {sb.step}: B updates input {u.slot} in place, A does not")
        for role, xa, xb in pairs:
            if xa.tensor is None or xa.file is None and xb.file is None:
                continue
            if xa.no_value or xb.no_value:  # LiteRT gives no value for it: nothing to compare with
                no_value += 1
                continue
            key = (sa.subgraph, xa.file or f"B:{xb.file}")
            if key in seen:
                continue  # a value is compared once, where it first appears
            seen.add(key)
            t = xa.tensor
            res = TensorComparison(sa.step, sa.op, f"{role} {xa.slot}", t.index, t.name, t.dtype, list(t.shape), True)
            out.results.append(_compare_slot(res, xa, xb, rtol, atol, lsb))
    if no_value:
        out.notes.append(f"{no_value} tensor slots left out: LiteRT gives no value for them")
    return out


def format_table(c: Comparison, only_failures: bool = False) -> str:
    lines = [f"{'step':>5} {'op':<22} {'slot':<9} {'tensor':<40} {'dtype':<8} {'verdict':<8} detail"]
    first = c.first_divergence
    for r in c.results:
        if only_failures and r.passed:
            continue
        if r.reason:
            detail = r.reason
        elif r.dtype == "string":
            detail = "equal" if r.passed else f"differ={r.share_differing:.2%}"
        elif r.max_abs_lsb is not None:
            detail = f"max|dq|={r.max_abs_lsb} hist(0,1,2,>=3)={r.lsb_histogram} differ={r.share_differing:.2%}"
        else:
            detail = f"max_abs={r.max_abs:.3g} max_rel={r.max_rel:.3g} mean_abs={r.mean_abs:.3g}"
        mark = "  <== first divergence" if r is first else ""
        name = r.name if len(r.name) <= 40 else "..." + r.name[-37:]
        lines.append(f"{r.step:>5} {r.op:<22} {r.role:<9} {name:<40} {r.dtype:<8} {'ok' if r.passed else 'DIFFERS':<8} {detail}{mark}")
    lines.extend(f"note: {n}" for n in c.notes)
    lines.extend(f"problem: {p}" for p in c.problems)
    lines.append(c.summary())
    return "\n".join(lines)


def write_json(c: Comparison, path: str) -> None:
    with open(path, "w") as f:
        json.dump({"passed": bool(c), "problems": c.problems, "results": [asdict(r) for r in c.results]}, f, indent=1)


def write_csv(c: Comparison, path: str) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(asdict(c.results[0]).keys()) if c.results else ["step"])
        w.writeheader()
        for r in c.results:
            w.writerow(asdict(r))
