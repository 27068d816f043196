// One step of TFLite's integer LSTM "8x8_16" (int8 input, weights and output
// state, int16 cell state and gates), bit for bit with lstm_eval's
// LstmStepInteger8x8_16 and the portable tensor_utils it calls:
//   gate = sat16(M_x(b_x + W_x·x) + M_h(b_h + W_h·h) [+ M_c(w_c⊙c)])  in Q3.12
//          (the zero points are folded into the effective biases b_x, b_h)
//   i, f, o = logistic(gate) in Q0.15;  g = tanh(gate) in Q0.15
//   c = sat16(rdiv(f·c, 2^15) + rdiv(i·g, 2^(30+log2 s_c)))  (i = 1 - f with CIFG), clipped
//   h = requant(o · tanh(c)) to int8, or projected: requant(W_p·requant(o·tanh c) + b_p)
// With layer normalization the gate sums (in each gate's own intermediate
// scale, without the bias) go through ApplyLayerNorm: integer mean and
// variance, 1/stddev as a multiplier, × coefficient + bias, requantized to Q3.12.
//
//   math::LstmIntegerStep(params, dims, x, output_state, cell_state, out, scratch);
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/recurrent/lstm_math.h"
#include "quant/fixed_point.h"
#include "quant/gemmlowp_fixed_point.h"

namespace tfldbg::math {

struct LstmIntegerParams {
  const int8_t* input_to[4] = {};      // null for the input gate with CIFG
  const int8_t* recurrent_to[4] = {};
  std::vector<int32_t> input_bias[4];      // bias - zp_x · rowsum(W_x)
  std::vector<int32_t> recurrent_bias[4];  // -zp_h · rowsum(W_h)
  quant::QuantizedMultiplier input_scale[4], recurrent_scale[4];
  const int16_t* cell_to[4] = {};  // peephole (input, forget, output)
  quant::QuantizedMultiplier cell_scale[4];
  const int8_t* projection = nullptr;
  std::vector<int32_t> projection_bias;  // bias + zp_hidden · rowsum(W_p)
  quant::QuantizedMultiplier projection_scale, hidden_scale;
  int32_t hidden_zero_point = 0;
  int32_t output_state_zero_point = 0;
  int cell_state_log2 = -15;  // the cell state's scale is 2^cell_state_log2
  const int16_t* layer_norm[4] = {};      // coefficients, or all null
  const int32_t* layer_norm_bias[4] = {};  // the gate biases (used after the norm)
  quant::QuantizedMultiplier layer_norm_scale[4];
  int32_t variance_guard[4] = {};
  int16_t cell_clip = 0;      // quantized; 0: none
  int8_t proj_clip = 0;
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

// out[b][r] = sat_T(M(bias[r] + sum_c x[b][c]·W[r][c]) + zp + out[b][r])
template <typename T>
void LstmIntegerMatVecAccumulate(const int8_t* x, const int32_t* bias, const int8_t* w, quant::QuantizedMultiplier m,
                                 int n_batch, int n_in, int n_out, int32_t zp, quant::RoundingMode mode, T* out) {
  constexpr int32_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for (int b = 0; b < n_batch; ++b) {
    for (int r = 0; r < n_out; ++r) {
      int32_t acc = bias[r];
      const int8_t* wr = w + static_cast<int64_t>(r) * n_in;
      const int8_t* xb = x + static_cast<int64_t>(b) * n_in;
      for (int c = 0; c < n_in; ++c) acc = quant::WrappingAdd(acc, int32_t{xb[c]} * wr[c]);
      acc = quant::MultiplyByQuantizedMultiplier(acc, m, mode);
      const int64_t v = int64_t{acc} + zp + out[static_cast<int64_t>(b) * n_out + r];
      out[static_cast<int64_t>(b) * n_out + r] = static_cast<T>(std::clamp<int64_t>(v, lo, hi));
    }
  }
}

// TFLite's ApplyLayerNorm on each row of n int16 gate values, in place.
inline void LstmIntegerLayerNorm(const int16_t* weights, const int32_t* bias, quant::QuantizedMultiplier scale,
                                 int32_t variance_guard, int n_batch, int n, quant::RoundingMode mode, int16_t* gate) {
  constexpr int64_t kTwoToPower20 = int64_t{1} << 20;
  const quant::QuantizedMultiplier out_scale{scale.multiplier, scale.shift + 12};
  for (int b = 0; b < n_batch; ++b) {
    int16_t* row = gate + static_cast<int64_t>(b) * n;
    int64_t sum = 0, sum_sq = 0;
    for (int j = 0; j < n; ++j) {
      sum += row[j];
      sum_sq += int32_t{row[j]} * row[j];
    }
    const int32_t mean = static_cast<int32_t>(sum * 1024 / n);
    const int32_t temp = static_cast<int32_t>(kTwoToPower20 / n);
    const int64_t variance = sum_sq * temp - int64_t{mean} * mean;
    int32_t variance2 = static_cast<int32_t>(variance / kTwoToPower20);
    if (variance2 < 1) variance2 = variance_guard;
    const quant::QuantizedMultiplier inverse = quant::GetInvSqrtQuantizedMultiplierExp(variance2, -1);
    for (int j = 0; j < n; ++j) {
      const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(1024 * int32_t{row[j]}) - static_cast<uint32_t>(mean));
      const int32_t rescaled = quant::MultiplyByQuantizedMultiplier(shifted, inverse, mode);
      // rescaled · w in int32 (wrapping, as LiteRT's product), then + bias in int64.
      const int32_t product = static_cast<int32_t>(static_cast<uint32_t>(rescaled) * static_cast<uint32_t>(int32_t{weights[j]}));
      const int64_t val3 = int64_t{product} + bias[j];
      const int32_t val4 = static_cast<int32_t>((val3 > 0 ? val3 + 512 : val3 - 512) / 1024);
      const int32_t val5 = quant::MultiplyByQuantizedMultiplier(val4, out_scale, mode);
      row[j] = quant::Saturate16(val5);
    }
  }
}

inline void LstmIntegerGate(const LstmIntegerParams& p, int g, const LstmDims& d, const int8_t* x, const int8_t* h,
                            const int16_t* c, bool sigmoid, int16_t* gate) {
  const int64_t n = static_cast<int64_t>(d.n_batch) * d.n_cell;
  std::fill_n(gate, n, int16_t{0});
  LstmIntegerMatVecAccumulate(x, p.input_bias[g].data(), p.input_to[g], p.input_scale[g], d.n_batch, d.n_input, d.n_cell,
                              0, p.rounding, gate);
  LstmIntegerMatVecAccumulate(h, p.recurrent_bias[g].data(), p.recurrent_to[g], p.recurrent_scale[g], d.n_batch,
                              d.n_output, d.n_cell, 0, p.rounding, gate);
  if (p.cell_to[g] != nullptr) {
    // LiteRT walks n_output entries per batch row here (equal to n_cell
    // without a projection, which the kernel requires for integer peepholes).
    for (int b = 0; b < d.n_batch; ++b) {
      for (int v = 0; v < d.n_output; ++v) {
        const int64_t k = static_cast<int64_t>(b) * d.n_cell + v;
        const int32_t prod = quant::MultiplyByQuantizedMultiplier(int32_t{p.cell_to[g][v]} * c[k], p.cell_scale[g], p.rounding);
        gate[k] = quant::Saturate16(prod + gate[k]);
      }
    }
  }
  if (p.layer_norm[g] != nullptr) {
    LstmIntegerLayerNorm(p.layer_norm[g], p.layer_norm_bias[g], p.layer_norm_scale[g], p.variance_guard[g], d.n_batch,
                         d.n_cell, p.rounding, gate);
  }
  for (int64_t k = 0; k < n; ++k) {
    gate[k] = sigmoid ? quant::Logistic(quant::Fixed16<3>::FromRaw(gate[k])).raw : quant::ApplyTanh16(3, gate[k]);
  }
}

// rdiv(a·b, 2^shift) as int16 (TFLite's CwiseMul with a shift).
inline int16_t LstmMulShift(int16_t a, int16_t b, int shift) {
  const int32_t v = int32_t{a} * b;
  return quant::Wrap16(quant::RoundingDivideByPOT(v, shift));
}

// requant(a·b) + zp, clamped to int8 (TFLite's CwiseMul with a multiplier).
inline int8_t LstmMulRequant(int16_t a, int16_t b, quant::QuantizedMultiplier m, int32_t zp, quant::RoundingMode mode) {
  const int32_t v = quant::MultiplyByQuantizedMultiplier(int32_t{a} * b, m, mode) + zp;
  return static_cast<int8_t>(std::clamp(v, -128, 127));
}

// Advances output_state [n_batch, n_output] (int8) and cell_state
// [n_batch, n_cell] (int16) by one step of x; writes the new output state to
// out. scratch: 5 · n_batch · max(n_cell, n_output) int16 values.
inline void LstmIntegerStep(const LstmIntegerParams& p, const LstmDims& d, const int8_t* x, int8_t* output_state,
                            int16_t* cell_state, int8_t* out, int16_t* scratch) {
  const int64_t cells = static_cast<int64_t>(d.n_batch) * d.n_cell;
  const int64_t stride = static_cast<int64_t>(d.n_batch) * std::max(d.n_cell, d.n_output);
  int16_t* input_gate = scratch;
  int16_t* forget_gate = scratch + stride;
  int16_t* cell_gate = scratch + 2 * stride;
  int16_t* output_gate = scratch + 3 * stride;
  int16_t* hidden = scratch + 4 * stride;
  const bool cifg = p.input_to[kGateInput] == nullptr;
  if (!cifg) LstmIntegerGate(p, kGateInput, d, x, output_state, cell_state, true, input_gate);
  LstmIntegerGate(p, kGateForget, d, x, output_state, cell_state, true, forget_gate);
  LstmIntegerGate(p, kGateCell, d, x, output_state, cell_state, false, cell_gate);
  // The cell update.
  for (int64_t k = 0; k < cells; ++k) {
    const int16_t kept = LstmMulShift(forget_gate[k], cell_state[k], 15);
    const int16_t i = cifg ? static_cast<int16_t>(32767 - forget_gate[k]) : input_gate[k];
    const int16_t added = LstmMulShift(i, cell_gate[k], 30 + p.cell_state_log2);
    int16_t c = quant::Saturate16(int32_t{kept} + added);
    if (p.cell_clip > 0) c = std::clamp<int16_t>(c, static_cast<int16_t>(-p.cell_clip), p.cell_clip);
    cell_state[k] = c;
  }
  LstmIntegerGate(p, kGateOutput, d, x, output_state, cell_state, true, output_gate);
  // The hidden state.
  for (int64_t k = 0; k < cells; ++k) hidden[k] = quant::ApplyTanh16(15 + p.cell_state_log2, cell_state[k]);
  const int64_t outs = static_cast<int64_t>(d.n_batch) * d.n_output;
  if (p.projection != nullptr) {
    std::vector<int8_t> h8(static_cast<size_t>(cells));
    for (int64_t k = 0; k < cells; ++k) {
      h8[static_cast<size_t>(k)] = LstmMulRequant(output_gate[k], hidden[k], p.hidden_scale, -p.hidden_zero_point, p.rounding);
    }
    std::fill_n(output_state, outs, int8_t{0});
    LstmIntegerMatVecAccumulate(h8.data(), p.projection_bias.data(), p.projection, p.projection_scale, d.n_batch, d.n_cell,
                                d.n_output, p.output_state_zero_point, p.rounding, output_state);
    if (p.proj_clip > 0) {
      for (int64_t k = 0; k < outs; ++k) {
        output_state[k] = std::clamp<int8_t>(output_state[k], static_cast<int8_t>(-p.proj_clip), p.proj_clip);
      }
    }
  } else {
    for (int64_t k = 0; k < cells; ++k) {
      output_state[k] = LstmMulRequant(output_gate[k], hidden[k], p.hidden_scale, p.hidden_zero_point, p.rounding);
    }
  }
  std::copy_n(output_state, outs, out);
}

}  // namespace tfldbg::math
