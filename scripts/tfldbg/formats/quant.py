"""Quantization facts every tool shares: the integer ranges and dequantization.

    from tfldbg.formats.quant import TYPE_RANGE, dequantize
    lo, hi = TYPE_RANGE["int8"]                       # (-128, 127)
    real = dequantize(q, tensor.quantization)          # float64, per channel along quantized_dimension
"""

from __future__ import annotations

import numpy as np

INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1
# The range of each integer type a quantized tensor (or an accumulator) may have.
TYPE_RANGE = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767), "int32": (INT32_MIN, INT32_MAX)}
# The types whose tensors carry quantized activations (a scale and zero point).
QUANTIZED_TYPES = ("int8", "uint8", "int16")


def dequantize(value: np.ndarray, quantization: dict) -> np.ndarray:
    """real = scale * (q - zero_point), in float64; per channel along
    quantization["quantized_dimension"] when there is more than one scale."""
    scale = np.asarray(quantization["scale"], dtype=np.float64)
    zero_point = np.asarray(quantization["zero_point"], dtype=np.float64)
    if scale.size > 1:
        shape = [1] * value.ndim
        shape[quantization["quantized_dimension"]] = -1
        scale, zero_point = scale.reshape(shape), zero_point.reshape(shape)
    return (value.astype(np.float64) - zero_point) * scale
