"""Sparse constants in a .tflite file, decoded with numpy.

LiteRT's `get_tensor` gives a sparse constant's stored values only (a flat
array of the nonzeros), while tfldbg's dump holds the dense tensor its kernels
read. The reference writer decodes LiteRT's values with this module so both
dumps hold the same thing; it is written apart from tfldbg's C++ decoder
(runtime/model/sparsity.cc) on purpose, so each checks the other.

    sparsity = sparse_tensors("model.tflite")      # {tensor index: parameters}, subgraph 0
    dense = densify(values, shape, sparsity[3])
"""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np


def _index_values(metadata, which: str) -> np.ndarray:
    from ai_edge_litert import schema_py_generated as fb

    kind = getattr(metadata, f"Array{which}Type")()
    table = getattr(metadata, f"Array{which}")()
    vector = {fb.SparseIndexVector.Int32Vector: fb.Int32Vector, fb.SparseIndexVector.Uint16Vector: fb.Uint16Vector,
              fb.SparseIndexVector.Uint8Vector: fb.Uint8Vector}.get(kind)
    if vector is None or table is None:
        raise ValueError(f"sparse dimension without array_{which.lower()}")
    v = vector()
    v.Init(table.Bytes, table.Pos)
    return np.asarray(v.ValuesAsNumpy(), dtype=np.int64) if v.ValuesLength() else np.zeros(0, np.int64)


def sparse_tensors(model: str | Path, subgraph: int = 0) -> dict[int, dict]:
    """The sparsity parameters of the subgraph's sparse tensors, by tensor index."""
    from ai_edge_litert import schema_py_generated as fb

    with open(model, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        m = fb.Model.GetRootAs(buf, 0)
        if subgraph >= m.SubgraphsLength():
            return {}
        sg = m.Subgraphs(subgraph)
        found = {}
        for t in range(sg.TensorsLength()):
            s = sg.Tensors(t).Sparsity()
            if s is None:
                continue
            levels = []
            for i in range(s.DimMetadataLength()):
                d = s.DimMetadata(i)
                if d.Format() == fb.DimensionType.SPARSE_CSR:
                    levels.append({"format": "SPARSE_CSR", "segments": _index_values(d, "Segments"),
                                   "indices": _index_values(d, "Indices")})
                else:
                    levels.append({"format": "DENSE", "dense_size": int(d.DenseSize())})
            found[t] = {"traversal_order": [int(s.TraversalOrder(i)) for i in range(s.TraversalOrderLength())],
                        "block_map": [int(s.BlockMap(i)) for i in range(s.BlockMapLength())],
                        "dim_metadata": levels}
        return found


def densify(values: np.ndarray, shape, sparsity: dict) -> np.ndarray:
    """The dense tensor of `shape` the stored `values` and their sparsity describe."""
    shape = [int(d) for d in shape]
    n = len(shape)
    order, block_map, levels = sparsity["traversal_order"], sparsity["block_map"], sparsity["dim_metadata"]
    block_size = {order[l] - n: levels[l]["dense_size"] for l in range(n, len(order))}
    # Each walked position as its coordinates in the expanded (blocked) space.
    coords = np.zeros((1, 0), np.int64)
    for l, level in enumerate(levels):
        if level["format"] == "DENSE":
            size = level["dense_size"]
            coords = np.hstack([np.repeat(coords, size, axis=0), np.tile(np.arange(size), len(coords))[:, None]])
        else:
            seg, idx = level["segments"], level["indices"]
            parents = np.repeat(np.arange(len(coords)), np.diff(seg[:len(coords) + 1]))
            coords = np.hstack([coords[parents], idx[:, None]])
    dense_index = np.zeros((len(coords), n), np.int64)
    for l in range(n):
        dense_index[:, order[l]] = coords[:, l]
    for l in range(n, len(order)):
        j = order[l] - n
        d = block_map[j]
        dense_index[:, d] = dense_index[:, d] * block_size[j] + coords[:, l]
    out = np.zeros(shape, dtype=values.dtype)
    out[tuple(dense_index.T)] = values.reshape(-1)[:len(coords)]
    return out
