// XNNPACK's dynamic quantization of float rows to int8 ("qd8": the input of
// its hybrid FULLY_CONNECTED and CONV_2D, --kernels xnnpack), here at the
// ground floor of the kernels: the scalar loops (kernels/xnnpack,
// conv, matmul) and the fast hybrid GEMM (kernels/fast) both use it.
#pragma once

#include <cstdint>

namespace tfldbg::math {

// A float32 row dynamically quantized as XNNPACK's f32 -> qd8 convert does it
// (FULLY_CONNECTED with float32 input and int8 weights): the row's min and max
// (widened to include 0) give scale 255/(max − min) and a zero point rounded
// to nearest even; each value is nearest-even(x·scale) + zp, saturated to
// int8. Returns the dequantization scale 1/scale and sets *zero_point.
float QuantizeRowQd8(const float* x, int n, int8_t* q, int32_t* zero_point);

// QuantizeRowQd8's values written as unsigned bytes u = q + 128 (the fast
// hybrid GEMM's input, kernels/fast/hybrid.h), in loops the compiler
// vectorizes: the same range, scale and zero point, and nearest-even rounding
// by adding and subtracting 1.5 · 2^23 (exact for the clamped |v| <= 255).
float QuantizeRowQd8Biased(const float* x, int n, uint8_t* u, int32_t* zero_point);

// QuantizeRowQd8's scale (255/(hi − lo), 1 when lo == hi) and zero point of a
// row whose range is [lo, hi] (lo <= 0 <= hi): returns the scale.
float Qd8Scale(float lo, float hi, int32_t* zero_point);

}  // namespace tfldbg::math
