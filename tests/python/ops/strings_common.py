"""Edge strings every string sweep uses: empty, one byte, long, bytes that are
not UTF-8, a NUL inside, multi-byte UTF-8. (No string ends in NUL: numpy's
string arrays, which dumps and --input files use, cannot hold a trailing NUL.)"""

from __future__ import annotations

import numpy as np

EDGE = [b"", b"a", b"x" * 1000, b"\xff\xfe\x80", b"a\x00b", "\u20ac\u00e9".encode(), b"a", b" "]


def strings(shape, seed: int = 0) -> np.ndarray:
    """A numpy 'S' array of `shape` drawn from EDGE (every edge string once when the shape is large enough)."""
    n = int(np.prod(shape))
    rng = np.random.default_rng(seed)
    picks = [EDGE[i % len(EDGE)] for i in range(n)]
    order = rng.permutation(n)
    if not shape:  # 0-d: never the empty string, which LiteRT's set_tensor cannot take (docs/litert-defects.md)
        return np.array(EDGE[1 + seed % (len(EDGE) - 1)])
    return np.array([picks[i] for i in order] or [], dtype="S1000" if n else "S1").reshape(shape)
