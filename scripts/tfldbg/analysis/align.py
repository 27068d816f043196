"""Aligning a quantized model with its float original, tensor by tensor.

    python -m tfldbg align QUANT_DUMP_OR_MODEL FLOAT_DUMP_OR_MODEL [--json F]

Pairs each quantized step's output with the float model's tensor that holds the
same value: first by tensor name — exact, then by the components of the
converter's fused names (`a;b;c`), then the borders (the quantized model's input
QUANTIZE aligns with the float input, its output DEQUANTIZE with the float
output) — then, for what names did not settle, by graph structure: the longest
common subsequence of (op, output shape) along the execution order, QUANTIZE and
DEQUANTIZE left out. Whatever does not align is listed with the reason.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

SKIP_OPS = ("QUANTIZE", "DEQUANTIZE")


@dataclass
class Node:
    step: int
    op: str
    tensor: int
    name: str
    shape: tuple[int, ...]


@dataclass
class Pair:
    quant_step: int
    op: str
    quant_tensor: int
    quant_name: str
    float_step: int | None
    float_tensor: int
    float_name: str
    how: str  # name, fused-name, border, structure


@dataclass
class Unaligned:
    quant_step: int
    op: str
    quant_tensor: int
    quant_name: str
    reason: str


@dataclass
class Alignment:
    pairs: list[Pair] = field(default_factory=list)
    unaligned: list[Unaligned] = field(default_factory=list)

    def coverage(self) -> str:
        total = len(self.pairs) + len(self.unaligned)
        by = {}
        for p in self.pairs:
            by[p.how] = by.get(p.how, 0) + 1
        return f"{len(self.pairs)} of {total} quantized steps aligned (" + ", ".join(f"{k} {v}" for k, v in sorted(by.items())) + ")"

    def to_json(self) -> dict:
        return {"pairs": [asdict(p) for p in self.pairs], "unaligned": [asdict(u) for u in self.unaligned],
                "coverage": self.coverage()}


def _manifest(path: str | Path) -> dict:
    """A dump's manifest, or for a .tflite the same structure from `tfldbg info --json` (no values)."""
    p = Path(path)
    if p.is_dir():
        from tfldbg.formats.dump import load_dump

        return load_dump(p).manifest  # validated: schema, indices in range
    from tfldbg.backends.engine import model_info

    info = model_info(p)
    sg = info["subgraphs"][0]
    steps = [{"step": i, "op": op["op"], "outputs": [{"tensor": t} for t in op["outputs"]],
              "inputs": [{"tensor": t} for t in op["inputs"]], "subgraph": 0} for i, op in enumerate(sg["operators"])]
    return {"subgraphs": [{"index": 0, "inputs": sg["inputs"], "outputs": sg["outputs"], "tensors": sg["tensors"]}],
            "steps": steps}


def _nodes(manifest: dict) -> tuple[list[Node], dict]:
    sg = manifest["subgraphs"][0]
    tensors = {t["index"]: t for t in sg["tensors"]}
    nodes = []
    for s in manifest["steps"]:
        if s.get("subgraph", 0) != sg["index"] or not s["outputs"] or s["outputs"][0]["tensor"] < 0:
            continue
        t = tensors[s["outputs"][0]["tensor"]]
        nodes.append(Node(s["step"], s["op"], t["index"], t["name"], tuple(t["shape"])))
    return nodes, sg


def _components(name: str) -> set[str]:
    return {c for c in name.split(";") if c}


def align(quant: dict, float_: dict) -> Alignment:
    qnodes, qsg = _nodes(quant)
    fnodes, fsg = _nodes(float_)
    ftensors = {t["index"]: t for t in fsg["tensors"]}
    by_name = {n.name: n for n in fnodes}
    # Float graph inputs are tensors too (no step produces them).
    finputs = [ftensors[i] for i in fsg["inputs"]]
    foutputs = [ftensors[i] for i in fsg["outputs"]]
    out = Alignment()
    used: set[int] = set()
    pending: list[Node] = []
    for n in qnodes:
        if n.op == "QUANTIZE" and n.step == qnodes[0].step and finputs:
            # The input QUANTIZE of a model with float inputs: its value is the float input's.
            t = finputs[0]
            out.pairs.append(Pair(n.step, n.op, n.tensor, n.name, None, t["index"], t["name"], "border"))
            continue
        if n.op == "DEQUANTIZE" and n.tensor in qsg["outputs"] and foutputs:
            t = foutputs[min(qsg["outputs"].index(n.tensor), len(foutputs) - 1)]
            out.pairs.append(Pair(n.step, n.op, n.tensor, n.name, None, t["index"], t["name"], "border"))
            continue
        if n.op in SKIP_OPS:
            out.unaligned.append(Unaligned(n.step, n.op, n.tensor, n.name, f"op has no float counterpart ({n.op})"))
            continue
        f = by_name.get(n.name)
        how = "name"
        if f is None:
            mine = _components(n.name)
            best, best_overlap = None, 0
            for cand in fnodes:
                if cand.tensor in used:
                    continue
                overlap = len(mine & _components(cand.name))
                if overlap > best_overlap or (overlap == best_overlap and overlap and best is not None
                                              and len(_components(cand.name)) < len(_components(best.name))):
                    best, best_overlap = cand, overlap
            f, how = (best, "fused-name") if best_overlap else (None, "")
        if f is not None and f.tensor not in used:
            if f.shape != n.shape:
                out.unaligned.append(Unaligned(n.step, n.op, n.tensor, n.name,
                                               f"shape differs: {list(n.shape)} vs {list(f.shape)} ({f.name})"))
                continue
            used.add(f.tensor)
            out.pairs.append(Pair(n.step, n.op, n.tensor, n.name, f.step, f.tensor, f.name, how))
        else:
            pending.append(n)
    # Structure: the longest common subsequence of (op, shape) among what is left.
    rest = [f for f in fnodes if f.tensor not in used and f.op not in SKIP_OPS]
    a, b = pending, rest
    lcs = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lcs[i][j] = (lcs[i + 1][j + 1] + 1 if (a[i].op, a[i].shape) == (b[j].op, b[j].shape)
                         else max(lcs[i + 1][j], lcs[i][j + 1]))
    i = j = 0
    matched = {}
    while i < len(a) and j < len(b):
        if (a[i].op, a[i].shape) == (b[j].op, b[j].shape):
            matched[a[i].step] = b[j]
            i, j = i + 1, j + 1
        elif lcs[i + 1][j] >= lcs[i][j + 1]:
            i += 1
        else:
            j += 1
    for n in pending:
        f = matched.get(n.step)
        if f is not None:
            out.pairs.append(Pair(n.step, n.op, n.tensor, n.name, f.step, f.tensor, f.name, "structure"))
        else:
            same_op = [x for x in rest if x.op == n.op]
            reason = ("no float tensor with this name or structure" if not same_op else
                      f"no float {n.op} left in sequence with shape {list(n.shape)}")
            out.unaligned.append(Unaligned(n.step, n.op, n.tensor, n.name, reason))
    out.pairs.sort(key=lambda p: p.quant_step)
    out.unaligned.sort(key=lambda u: u.quant_step)
    return out


def align_paths(quant: str | Path, float_: str | Path) -> Alignment:
    return align(_manifest(quant), _manifest(float_))


def format_table(al: Alignment) -> str:
    lines = [f"{'step':>4}  {'op':<18} {'how':<10} quantized tensor -> float tensor"]
    for p in al.pairs:
        lines.append(f"{p.quant_step:>4}  {p.op:<18} {p.how:<10} {p.quant_name} -> {p.float_name}")
    for u in al.unaligned:
        lines.append(f"{u.quant_step:>4}  {u.op:<18} {'-':<10} {u.quant_name}: not aligned: {u.reason}")
    lines.append(al.coverage())
    return "\n".join(lines)
