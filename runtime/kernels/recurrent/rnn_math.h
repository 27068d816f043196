// One step of a basic RNN cell, as TFLite's kernel_utils::RnnBatchStep
// computes it for n_batch rows at once:
//   h = act(bias + W·x + A·aux + R·h)    (A·aux only with an auxiliary input)
// float32, or hybrid: int8 weights with a per-tensor scale, each block (x,
// aux, h) quantized per row (symmetric, or asymmetric with zero points and
// the weights' row sums), multiplied in int32 and scaled back to float. A
// block that is all zeros is skipped, as LiteRT skips it.
//
//   math::RnnFloatStep(weights, dims, x, aux, hidden, out, out_stride, scratch);
//   math::RnnHybridStep(weights, dims, x, aux, hidden, out, out_stride, scratch);
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/common/hybrid.h"
#include "kernels/recurrent/lstm_math.h"

namespace tfldbg::math {

struct RnnDims {
  int n_batch = 1;
  int n_input = 0;
  int n_aux = 0;  // 0: no auxiliary input
  int n_units = 0;
};

struct RnnFloatWeights {
  const float* input = nullptr;      // [n_units, n_input]
  const float* aux = nullptr;        // [n_units, n_aux]
  const float* recurrent = nullptr;  // [n_units, n_units]
  const float* bias = nullptr;       // [n_units]
  quant::Activation activation = quant::Activation::kTanh;
};

struct RnnHybridWeights {
  const int8_t* input = nullptr;
  const int8_t* aux = nullptr;
  const int8_t* recurrent = nullptr;
  float input_scale = 1.0f, aux_scale = 1.0f, recurrent_scale = 1.0f;
  const int32_t* input_row_sums = nullptr;  // with asymmetric inputs
  const int32_t* aux_row_sums = nullptr;
  const int32_t* recurrent_row_sums = nullptr;
  const float* bias = nullptr;
  quant::Activation activation = quant::Activation::kTanh;
  bool asymmetric = false;
};

// Scratch for one step of n_batch rows: the new state, and (hybrid) one
// quantized block with its row scales and zero points.
struct RnnScratch {
  float* state = nullptr;        // n_batch * n_units
  int8_t* quantized = nullptr;   // n_batch * max(n_input, n_aux, n_units)
  float* scales = nullptr;       // n_batch
  int32_t* zero_points = nullptr;  // n_batch
};

inline void RnnFinish(quant::Activation activation, const RnnDims& d, float* state, float* hidden, float* out,
                      int64_t out_stride) {
  const int64_t size = static_cast<int64_t>(d.n_batch) * d.n_units;
  for (int64_t k = 0; k < size; ++k) state[k] = LstmActivation(activation, state[k]);
  std::copy_n(state, size, hidden);
  for (int b = 0; b < d.n_batch; ++b) {
    std::copy_n(state + static_cast<int64_t>(b) * d.n_units, d.n_units, out + b * out_stride);
  }
}

inline void RnnBias(const float* bias, const RnnDims& d, float* state) {
  for (int b = 0; b < d.n_batch; ++b) std::copy_n(bias, d.n_units, state + static_cast<int64_t>(b) * d.n_units);
}

// Advances hidden [n_batch, n_units] by one step of x [n_batch, n_input] (and
// aux [n_batch, n_aux]); row b of the new state is also written to out + b * out_stride.
inline void RnnFloatStep(const RnnFloatWeights& w, const RnnDims& d, const float* x, const float* aux, float* hidden,
                         float* out, int64_t out_stride, const RnnScratch& s) {
  RnnBias(w.bias, d, s.state);
  LstmMatVecAccumulate(w.input, d.n_units, d.n_input, x, d.n_batch, s.state);
  if (d.n_aux > 0) LstmMatVecAccumulate(w.aux, d.n_units, d.n_aux, aux, d.n_batch, s.state);
  LstmMatVecAccumulate(w.recurrent, d.n_units, d.n_units, hidden, d.n_batch, s.state);
  RnnFinish(w.activation, d, s.state, hidden, out, out_stride);
}

// state += W·block for one quantized block of n_batch rows of n values (skipped when all zero).
inline void HybridBlockAccumulate(const float* block, int n, const int8_t* w, float weight_scale,
                                  const int32_t* row_sums, bool asymmetric, const RnnDims& d, const RnnScratch& s) {
  if (AllZero(block, static_cast<int64_t>(d.n_batch) * n)) return;
  QuantizeRows(block, d.n_batch, n, asymmetric, s.quantized, s.scales, s.zero_points);
  HybridMatVecAccumulate(w, d.n_units, n, weight_scale, s.quantized, s.scales, s.zero_points, row_sums, d.n_batch,
                         s.state, d.n_units);
}

inline void RnnHybridStep(const RnnHybridWeights& w, const RnnDims& d, const float* x, const float* aux, float* hidden,
                          float* out, int64_t out_stride, const RnnScratch& s) {
  RnnBias(w.bias, d, s.state);
  HybridBlockAccumulate(x, d.n_input, w.input, w.input_scale, w.input_row_sums, w.asymmetric, d, s);
  if (d.n_aux > 0) HybridBlockAccumulate(aux, d.n_aux, w.aux, w.aux_scale, w.aux_row_sums, w.asymmetric, d, s);
  HybridBlockAccumulate(hidden, d.n_units, w.recurrent, w.recurrent_scale, w.recurrent_row_sums, w.asymmetric, d, s);
  RnnFinish(w.activation, d, s.state, hidden, out, out_stride);
}

}  // namespace tfldbg::math
