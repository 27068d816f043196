// One LSTM time step in float, as TFLite's lstm_eval computes it: four gates
// (input, forget, cell, output), each bias + W_x·x + W_h·h (+ peephole w_c⊙c),
// optionally layer-normalized (then the bias comes after the norm), through
// sigmoid (cell gate: the op's activation); then
//   c = f⊙c + i⊙g (i = 1 - f when CIFG), clipped to ±cell_clip when > 0,
//   h = o⊙act(c), projected (W_p·h + b_p, clipped to ±proj_clip) when given.
// The output gate's peephole reads the updated cell state.
//
//   math::LstmFloatStep(weights, dims, x, output_state, cell_state, out, out_stride, scratch);
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/activation/activation_math.h"
#include "quant/fixed_point.h"

namespace tfldbg::math {

enum LstmGate { kGateInput = 0, kGateForget = 1, kGateCell = 2, kGateOutput = 3 };

struct LstmDims {
  int n_batch = 1;   // rows processed together in one step
  int n_input = 0;
  int n_cell = 0;
  int n_output = 0;  // == n_cell without a projection
};

struct LstmFloatWeights {
  const float* input_to[4] = {};      // [n_cell, n_input]; input_to[kGateInput] null: CIFG
  const float* recurrent_to[4] = {};  // [n_cell, n_output], or [n_cell] when diagonal
  bool recurrent_diagonal = false;
  const float* cell_to[4] = {};       // peephole [n_cell] for input, forget, output (cell_to[kGateCell] unused)
  const float* layer_norm[4] = {};    // [n_cell] each, or all null
  const float* bias[4] = {};          // [n_cell]
  const float* projection = nullptr;  // [n_output, n_cell]
  const float* projection_bias = nullptr;
  quant::Activation activation = quant::Activation::kTanh;
  float cell_clip = 0.0f;
  float proj_clip = 0.0f;
};

inline float LstmActivation(quant::Activation a, float x) {
  switch (a) {
    case quant::Activation::kRelu: return std::max(0.0f, x);
    case quant::Activation::kReluN1To1: return std::min(1.0f, std::max(-1.0f, x));
    case quant::Activation::kRelu6: return std::min(6.0f, std::max(0.0f, x));
    case quant::Activation::kTanh: return std::tanh(x);
    default: return x;
  }
}

// gate[b][r] += sum_c W[r][c] * v[b][c]
inline void LstmMatVecAccumulate(const float* w, int rows, int cols, const float* v, int n_batch, float* gate) {
  for (int b = 0; b < n_batch; ++b) {
    const float* vb = v + static_cast<int64_t>(b) * cols;
    float* gb = gate + static_cast<int64_t>(b) * rows;
    for (int r = 0; r < rows; ++r) {
      const float* wr = w + static_cast<int64_t>(r) * cols;
      float acc = 0.0f;
      for (int c = 0; c < cols; ++c) acc += wr[c] * vb[c];
      gb[r] += acc;
    }
  }
}

// Normalizes each row of n to zero mean and unit variance (variance + 1e-8).
inline void MeanStddevNormalize(float* x, int n, int n_batch) {
  for (int b = 0; b < n_batch; ++b) {
    float* row = x + static_cast<int64_t>(b) * n;
    float sum = 0.0f;
    for (int i = 0; i < n; ++i) sum += row[i];
    const float mean = sum / static_cast<float>(n);
    float sum_sq = 0.0f;
    for (int i = 0; i < n; ++i) sum_sq += (row[i] - mean) * (row[i] - mean);
    const float inv = 1.0f / std::sqrt(sum_sq / static_cast<float>(n) + 1e-8f);
    for (int i = 0; i < n; ++i) row[i] = (row[i] - mean) * inv;
  }
}

// One gate for all rows of the batch into gate[n_batch * n_cell].
inline void LstmFloatGate(const LstmFloatWeights& w, int g, const LstmDims& d, const float* x, const float* h,
                          const float* c, bool sigmoid, float* gate) {
  const int64_t size = static_cast<int64_t>(d.n_batch) * d.n_cell;
  const bool layer_norm = w.layer_norm[g] != nullptr;
  for (int b = 0; b < d.n_batch; ++b) {
    for (int i = 0; i < d.n_cell; ++i) gate[b * d.n_cell + i] = layer_norm ? 0.0f : w.bias[g][i];
  }
  LstmMatVecAccumulate(w.input_to[g], d.n_cell, d.n_input, x, d.n_batch, gate);
  if (w.recurrent_diagonal) {
    for (int64_t k = 0; k < size; ++k) gate[k] += w.recurrent_to[g][k % d.n_cell] * h[k];
  } else {
    LstmMatVecAccumulate(w.recurrent_to[g], d.n_cell, d.n_output, h, d.n_batch, gate);
  }
  if (w.cell_to[g] != nullptr) {
    for (int64_t k = 0; k < size; ++k) gate[k] += w.cell_to[g][k % d.n_cell] * c[k];
  }
  if (layer_norm) {
    MeanStddevNormalize(gate, d.n_cell, d.n_batch);
    for (int64_t k = 0; k < size; ++k) gate[k] = gate[k] * w.layer_norm[g][k % d.n_cell] + w.bias[g][k % d.n_cell];
  }
  for (int64_t k = 0; k < size; ++k) gate[k] = sigmoid ? LogisticFloat(gate[k]) : LstmActivation(w.activation, gate[k]);
}

// Advances output_state [n_batch, n_output] and cell_state [n_batch, n_cell]
// by one step of x [n_batch, n_input]; row b of the new output_state is also
// written to out + b * out_stride. scratch holds 5 * n_batch * max(n_cell, n_output) floats.
inline void LstmFloatStep(const LstmFloatWeights& w, const LstmDims& d, const float* x, float* output_state,
                          float* cell_state, float* out, int64_t out_stride, float* scratch) {
  const int64_t cells = static_cast<int64_t>(d.n_batch) * d.n_cell;
  const int64_t stride = static_cast<int64_t>(d.n_batch) * std::max(d.n_cell, d.n_output);
  float* input_gate = scratch;
  float* forget_gate = scratch + stride;
  float* cell_gate = scratch + 2 * stride;
  float* output_gate = scratch + 3 * stride;
  float* hidden = scratch + 4 * stride;
  const bool cifg = w.input_to[kGateInput] == nullptr;
  if (!cifg) LstmFloatGate(w, kGateInput, d, x, output_state, cell_state, true, input_gate);
  LstmFloatGate(w, kGateForget, d, x, output_state, cell_state, true, forget_gate);
  LstmFloatGate(w, kGateCell, d, x, output_state, nullptr, false, cell_gate);
  for (int64_t k = 0; k < cells; ++k) {
    const float i = cifg ? 1.0f - forget_gate[k] : input_gate[k];
    float c = forget_gate[k] * cell_state[k] + cell_gate[k] * i;
    if (w.cell_clip > 0.0f) c = std::min(w.cell_clip, std::max(-w.cell_clip, c));
    cell_state[k] = c;
  }
  LstmFloatGate(w, kGateOutput, d, x, output_state, cell_state, true, output_gate);
  for (int64_t k = 0; k < cells; ++k) hidden[k] = output_gate[k] * LstmActivation(w.activation, cell_state[k]);
  if (w.projection != nullptr) {
    for (int b = 0; b < d.n_batch; ++b) {
      for (int r = 0; r < d.n_output; ++r) {
        output_state[b * d.n_output + r] = w.projection_bias != nullptr ? w.projection_bias[r] : 0.0f;
      }
    }
    LstmMatVecAccumulate(w.projection, d.n_output, d.n_cell, hidden, d.n_batch, output_state);
    if (w.proj_clip > 0.0f) {
      for (int64_t k = 0; k < static_cast<int64_t>(d.n_batch) * d.n_output; ++k) {
        output_state[k] = std::min(w.proj_clip, std::max(-w.proj_clip, output_state[k]));
      }
    }
  } else {
    std::copy_n(hidden, cells, output_state);
  }
  for (int b = 0; b < d.n_batch; ++b) {
    std::copy_n(output_state + static_cast<int64_t>(b) * d.n_output, d.n_output, out + b * out_stride);
  }
}

}  // namespace tfldbg::math
