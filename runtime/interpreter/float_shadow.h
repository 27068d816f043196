// The float shadow of a quantized model (`tfldbg replay`): the same graph with
// every quantized tensor as float32 — constants dequantized with their scales
// and zero points, float16 constants widened — QUANTIZE and DEQUANTIZE copying
// their input, and every other node running its float kernel. Tensor indices
// and node numbering are those of the model, so a shadow run lines up with the
// quantized run step by step.
#pragma once

#include <vector>

#include "tfldbg/status.h"
#include "tensor/tensor.h"

namespace tfldbg {

// Whether the shadow holds this tensor as float32 in place of its own type:
// integer tensors with scales (activations, weights, biases) and float16.
bool ShadowedAsFloat(const Tensor& tensor);

// real = scale × (q − zero_point), per channel along quantized_dimension;
// float16 widened; float32 copied. `out` holds element_count() floats.
Status DequantizeTensor(const Tensor& tensor, float* out);

// The inverse at a float/quantized border (mixed execution, as the QUANTIZE a
// converter puts there): q = clamp(round(x / scale) + zero_point) with the
// tensor's own scales and zero points (per channel along quantized_dimension),
// as LiteRT's reference QUANTIZE computes it; float16 narrowed; float32 copied.
// `in` holds element_count() floats.
Status QuantizeIntoTensor(const float* in, Tensor& tensor);

}  // namespace tfldbg
