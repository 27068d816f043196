// One LSTM time step in float, as TFLite's lstm_eval computes it: four gates
// (input, forget, cell, output), each bias + W_x·x + W_h·h (+ peephole w_c⊙c),
// optionally layer-normalized (then the bias comes after the norm), through
// sigmoid (cell gate: the op's activation); then
//   c = f⊙c + i⊙g (i = 1 - f when CIFG), clipped to ±cell_clip when > 0,
//   h = o⊙act(c), projected (W_p·h + b_p, clipped to ±proj_clip) when given.
// The output gate's peephole reads the updated cell state.
//
//   math::LstmFloatStep(weights, dims, x, aux, output_state, cell_state, out, out_stride, scratch);
//   math::LstmHybridStep(weights, dims, x, aux, output_state, cell_state, out, out_stride, scratch, quantized);
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/activation/activation_math.h"
#include "kernels/common/hybrid.h"
#include "kernels/common/lanes.h"
#include "quant/fixed_point.h"

namespace tfldbg::math {

enum LstmGate { kGateInput = 0, kGateForget = 1, kGateCell = 2, kGateOutput = 3 };

struct LstmDims {
  int n_batch = 1;   // rows processed together in one step
  int n_input = 0;
  int n_aux = 0;     // auxiliary input (BIDIRECTIONAL_SEQUENCE_LSTM); 0: none
  int n_cell = 0;
  int n_output = 0;  // == n_cell without a projection
  // Where LiteRT's gate scratch rows sit (the sigmoid's result depends on
  // alignment, see RecurrentSigmoid): its batch count and this step's row.
  int scratch_batches = 1;
  int scratch_row = 0;
};

struct LstmFloatWeights {
  const float* input_to[4] = {};      // [n_cell, n_input]; input_to[kGateInput] null: CIFG
  const float* aux_to[4] = {};        // [n_cell, n_aux] with an auxiliary input
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

// tanh as LiteRT's recurrent kernels compute it (tensor_utils::ApplyTanhToVector:
// Eigen's fast tanh, the non-FMA build): a [9/8] rational approximation in x²
// on x clamped to ±7.90738964..., Horner steps as separate multiply and add.
// Checked bit for bit against LiteRT over 22400 values (libm's tanh differs
// by up to 5 ulp); a hybrid op quantizes these values, so the bits matter.
inline float RecurrentTanh(float a) {
  constexpr float kClamp = 7.90738964080810547f;
  constexpr float kAlpha[] = {1.394553628e-8f, 2.102733560e-5f, 3.520756727e-3f, 1.340216100e-1f};
  constexpr float kBeta[] = {8.015776984e-7f, 3.326951409e-4f, 2.597254514e-2f, 4.673548340e-1f, 1.0f};
  const float x = std::max(-kClamp, std::min(a, kClamp));
  const float x2 = x * x;
  const float x3 = x2 * x;
  float p = kAlpha[0];
  for (int i = 1; i < 4; ++i) p = p * x2 + kAlpha[i];
  float q = kBeta[0];
  for (int i = 1; i < 5; ++i) q = q * x2 + kBeta[i];
  p = x3 * p + x;
  return p / q;
}

// The sigmoid as LiteRT's recurrent kernels apply it to a vector
// (tensor_utils::ApplySigmoidToVector: Eigen's logistic, an SSE build). Eigen
// runs its packet formula on the 16-byte-aligned groups of four and its scalar
// formula, exp(min(x, 16.6355324)) / (1 + exp(..)), on the elements before and
// after them; `offset` is v's distance in floats from a 16-byte boundary.
// Both checked bit for bit against LiteRT (25600 values, vectors of 3, 5, 13, 64).
inline float RecurrentSigmoidPacket(float x_in) {
  if (x_in < -104.0f) return 0.0f;
  // exp(x) = (2^m · exp(r))² for x/2 = m·ln2 + r, each step a separate multiply and add.
  const float x = std::min(x_in, 16.6355324f) * 0.5f;
  const float m = std::floor(x * 1.44269504088896341f + 0.5f);
  float r = m * -0.693359375f + x;
  r = m * 2.12194440e-4f + r;
  const float r2 = r * r;
  const float p_even = r2 * 4.1898667812347412109375e-2f + 0.49999141693115234375f;
  const float p_odd = r2 * 8.33471305668354034423828125e-3f + 0.16666877269744873046875f;
  const float p_low = r + 1.0f;
  float p = r * p_odd + p_even;
  p = r2 * p + p_low;
  const int32_t biased = static_cast<int32_t>(std::min(std::max(m + 127.0f, 0.0f), 255.0f));
  float two_to_m = 0.0f;
  const uint32_t bits = static_cast<uint32_t>(biased) << 23;
  std::memcpy(&two_to_m, &bits, sizeof(two_to_m));
  float e = p * two_to_m;
  e = e * e;
  return e / (1.0f + e);
}

inline float RecurrentSigmoidScalar(float x) {
  const float e = std::exp(std::min(x, 16.6355324f));
  return e / (1.0f + e);
}

// Four lanes of RecurrentTanh and RecurrentSigmoidPacket (kernels/common/lanes.h:
// the compiler does not vectorize the scalar forms itself). The same
// operations on the same values in each lane, so the same bits, with three
// changes of form in the sigmoid:
// its branch is a select; floor(y) is y's truncation, minus 1 where that lies
// above y (exact for |y| < 2^31; y lies in [-74.5, 12.5] once an x below
// -104, whose result is 0 anyway, is replaced by -104; a NaN y is kept, as
// floor keeps it); 2^m's exponent field comes from min(max(m + 127, 0), 255)
// with a NaN taken to 0 (the scalar form converts NaN to 0x80000000, whose
// field, shifted, is 0 as well). Held to the scalar forms bit for bit over
// every 509th float bit pattern, the NaNs and infinities among them
// (tests/runtime/kernels/recurrent/lstm_math_test.cc).

inline lanes::F4 RecurrentTanh4(lanes::F4 a) {
  using lanes::Splat;
  constexpr float kClamp = 7.90738964080810547f;
  constexpr float kAlpha[] = {1.394553628e-8f, 2.102733560e-5f, 3.520756727e-3f, 1.340216100e-1f};
  constexpr float kBeta[] = {8.015776984e-7f, 3.326951409e-4f, 2.597254514e-2f, 4.673548340e-1f, 1.0f};
  const lanes::F4 x = lanes::Max(Splat(-kClamp), lanes::Min(a, Splat(kClamp)));
  const lanes::F4 x2 = x * x;
  const lanes::F4 x3 = x2 * x;
  lanes::F4 p = Splat(kAlpha[0]);
  for (int i = 1; i < 4; ++i) p = p * x2 + Splat(kAlpha[i]);
  lanes::F4 q = Splat(kBeta[0]);
  for (int i = 1; i < 5; ++i) q = q * x2 + Splat(kBeta[i]);
  p = x3 * p + x;
  return p / q;
}

inline lanes::F4 RecurrentSigmoidPacket4(lanes::F4 x_in) {
  using lanes::F4;
  using lanes::I4;
  using lanes::Splat;
  const I4 below = x_in < Splat(-104.0f);
  const F4 x = lanes::Min(lanes::Select(below, Splat(-104.0f), x_in), Splat(16.6355324f)) * Splat(0.5f);
  const F4 y = x * Splat(1.44269504088896341f) + Splat(0.5f);
  const I4 y_nan = y != y;
  const F4 y_finite = lanes::Select(y_nan, Splat(0.0f), y);
  const F4 t = __builtin_convertvector(__builtin_convertvector(y_finite, I4), F4);
  const F4 floor_y = lanes::Select(t > y_finite, t - Splat(1.0f), t);
  const F4 m = lanes::Select(y_nan, y, floor_y);
  F4 r = m * Splat(-0.693359375f) + x;
  r = m * Splat(2.12194440e-4f) + r;
  const F4 r2 = r * r;
  const F4 p_even = r2 * Splat(4.1898667812347412109375e-2f) + Splat(0.49999141693115234375f);
  const F4 p_odd = r2 * Splat(8.33471305668354034423828125e-3f) + Splat(0.16666877269744873046875f);
  const F4 p_low = r + Splat(1.0f);
  F4 p = r * p_odd + p_even;
  p = r2 * p + p_low;
  const F4 m_biased = m + Splat(127.0f);
  const F4 clamped = lanes::Min(lanes::Select(m_biased > Splat(0.0f), m_biased, Splat(0.0f)), Splat(255.0f));
  const I4 bits = __builtin_convertvector(clamped, I4) << 23;
  F4 e = p * reinterpret_cast<F4>(bits);
  e = e * e;
  return lanes::Select(below, Splat(0.0f), e / (Splat(1.0f) + e));
}

inline void RecurrentSigmoid(float* v, int64_t n, int64_t offset) {
  const int64_t head = std::min<int64_t>(n, (4 - offset % 4) % 4);
  const int64_t body_end = head + (n - head) / 4 * 4;
  for (int64_t k = 0; k < head; ++k) v[k] = RecurrentSigmoidScalar(v[k]);
  for (int64_t k = head; k < body_end; k += 4) lanes::Store(v + k, RecurrentSigmoidPacket4(lanes::Load(v + k)));
  for (int64_t k = body_end; k < n; ++k) v[k] = RecurrentSigmoidScalar(v[k]);
}

inline float LstmActivation(quant::Activation a, float x);

// v[k] = LstmActivation(a, v[k]); out[k] = scale[k] · LstmActivation(a, v[k])
// (the switch outside the loops, so tanh's loop vectorizes).
inline void LstmApplyActivation(quant::Activation a, float* v, int64_t n) {
  if (a == quant::Activation::kTanh) {
    int64_t k = 0;
    for (; k + 4 <= n; k += 4) lanes::Store(v + k, RecurrentTanh4(lanes::Load(v + k)));
    for (; k < n; ++k) v[k] = RecurrentTanh(v[k]);
  } else {
    for (int64_t k = 0; k < n; ++k) v[k] = LstmActivation(a, v[k]);
  }
}
inline void LstmScaledActivation(quant::Activation a, const float* scale, const float* v, int64_t n, float* out) {
  if (a == quant::Activation::kTanh) {
    int64_t k = 0;
    for (; k + 4 <= n; k += 4) lanes::Store(out + k, lanes::Load(scale + k) * RecurrentTanh4(lanes::Load(v + k)));
    for (; k < n; ++k) out[k] = scale[k] * RecurrentTanh(v[k]);
  } else {
    for (int64_t k = 0; k < n; ++k) out[k] = scale[k] * LstmActivation(a, v[k]);
  }
}

inline float LstmActivation(quant::Activation a, float x) {
  switch (a) {
    case quant::Activation::kRelu: return std::max(0.0f, x);
    case quant::Activation::kReluN1To1: return std::min(1.0f, std::max(-1.0f, x));
    case quant::Activation::kRelu6: return std::min(6.0f, std::max(0.0f, x));
    case quant::Activation::kTanh: return RecurrentTanh(x);
    case quant::Activation::kSignBit: return std::signbit(x) ? 1.0f : 0.0f;
    default: return x;
  }
}

// gate[b][r] += sum_c W[r][c] * v[b][c], each sum in c order from 0 (the
// reference's bits). Four rows at a time: four independent sums, so the adds
// overlap instead of waiting on one another (a single sum is bound by the
// add's latency; mnist_lstm float 0.104 -> 0.079 ms per invoke on an AMD Zen 2).
// The RNNs use it; the float LSTM kernel runs LstmPackedMatVec (the same sums).
inline void LstmMatVecAccumulate(const float* w, int rows, int cols, const float* v, int n_batch, float* gate) {
  for (int b = 0; b < n_batch; ++b) {
    const float* vb = v + static_cast<int64_t>(b) * cols;
    float* gb = gate + static_cast<int64_t>(b) * rows;
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      const float* w0 = w + static_cast<int64_t>(r) * cols;
      const float* w1 = w0 + cols;
      const float* w2 = w1 + cols;
      const float* w3 = w2 + cols;
      float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
      for (int c = 0; c < cols; ++c) {
        const float x = vb[c];
        a0 += w0[c] * x;
        a1 += w1[c] * x;
        a2 += w2[c] * x;
        a3 += w3[c] * x;
      }
      gb[r] += a0;
      gb[r + 1] += a1;
      gb[r + 2] += a2;
      gb[r + 3] += a3;
    }
    for (; r < rows; ++r) {
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

// A gate's start: the bias per row, or zeros when layer-normalized (the bias comes after the norm).
inline void LstmGateInit(const float* bias, bool layer_norm, const LstmDims& d, float* gate) {
  for (int b = 0; b < d.n_batch; ++b) {
    for (int i = 0; i < d.n_cell; ++i) gate[b * d.n_cell + i] = layer_norm ? 0.0f : bias[i];
  }
}

// A gate's end, after its weighted inputs: + peephole w_c⊙c, layer norm then
// bias, and sigmoid (or the cell activation).
inline void LstmGateTail(const float* cell_to, const float* layer_norm, const float* bias, const LstmDims& d,
                         const float* c, bool sigmoid, quant::Activation activation, float* gate) {
  const int64_t size = static_cast<int64_t>(d.n_batch) * d.n_cell;
  if (cell_to != nullptr) {
    for (int64_t k = 0; k < size; ++k) gate[k] += cell_to[k % d.n_cell] * c[k];
  }
  if (layer_norm != nullptr) {
    MeanStddevNormalize(gate, d.n_cell, d.n_batch);
    for (int64_t k = 0; k < size; ++k) gate[k] = gate[k] * layer_norm[k % d.n_cell] + bias[k % d.n_cell];
  }
  if (!sigmoid) LstmApplyActivation(activation, gate, size);
}

// Where LiteRT keeps gate g's scratch (in floats from its 64-byte-aligned
// start): input, cell, forget, output gate one after the other (without the
// input gate with CIFG), each n_cell · its batch count long.
inline int64_t LstmScratchOffset(int g, bool cifg, const LstmDims& d) {
  static constexpr int kSlot[4] = {0, 2, 1, 3};
  const int slot = kSlot[g] - (cifg ? 1 : 0);
  return static_cast<int64_t>(slot) * d.n_cell * d.scratch_batches + static_cast<int64_t>(d.scratch_row) * d.n_cell;
}

// The float weights repacked for the step (LstmPackFloat, below): each matrix
// transposed, [cols][rows], the four gates' rows one after the other (gate g's
// cell i at row g·n_cell + i; zeros for CIFG's missing input gate), the rows
// padded with zeros to whole blocks of kLstmRowBlock. LstmPackedMatVec then
// keeps a block's sums in vector registers, one lane per row, each sum still
// taken from +0 in column order: LstmMatVecAccumulate's sums, bit for bit,
// with kLstmRowBlock of them in flight instead of 4.
constexpr int kLstmRowBlock = 32;

struct LstmFloatPacked {
  const float* input = nullptr;       // [n_input][rows]
  const float* aux = nullptr;         // [n_aux][rows] with an auxiliary input
  const float* recurrent = nullptr;   // [n_output][rows]; null with diagonal recurrent weights
  const float* projection = nullptr;  // [n_cell][projection_rows] with a projection
  int rows = 0;                       // 4 · n_cell rounded up to kLstmRowBlock
  int projection_rows = 0;            // n_output rounded up to kLstmRowBlock
  float* sums = nullptr;              // scratch: LstmPackedSumsSize floats
};

inline int LstmPackedRows(int n) { return (n + kLstmRowBlock - 1) / kLstmRowBlock * kLstmRowBlock; }
inline int64_t LstmPackedSumsSize(const LstmDims& d) {
  return static_cast<int64_t>(3) * std::max(1, d.n_batch) * std::max(LstmPackedRows(4 * d.n_cell), LstmPackedRows(d.n_output));
}

// packed[c][r] = w[r][c] (r < rows of w, c < cols), for a packed matrix of packed_rows rows starting at row `first`.
inline void LstmPackTransposed(const float* w, int rows, int cols, int first, int packed_rows, float* packed) {
  if (w == nullptr) return;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) packed[static_cast<int64_t>(c) * packed_rows + first + r] = w[static_cast<int64_t>(r) * cols + c];
  }
}

// Packs w's matrices into storage (LstmPackedFloatSize(d) floats, zeroed
// here) and points p at them (p.sums is the caller's).
inline int64_t LstmPackedFloatSize(const LstmFloatWeights& w, const LstmDims& d) {
  const int64_t rows = LstmPackedRows(4 * d.n_cell);
  int64_t size = rows * (d.n_input + d.n_aux + (w.recurrent_diagonal ? 0 : d.n_output));
  if (w.projection != nullptr) size += static_cast<int64_t>(d.n_cell) * LstmPackedRows(d.n_output);
  return size;
}
inline void LstmPackFloat(const LstmFloatWeights& w, const LstmDims& d, float* storage, LstmFloatPacked& p) {
  std::fill_n(storage, LstmPackedFloatSize(w, d), 0.0f);
  p.rows = LstmPackedRows(4 * d.n_cell);
  p.projection_rows = LstmPackedRows(d.n_output);
  float* next = storage;
  auto pack = [&](const float* const* mats, int cols) -> const float* {
    float* start = next;
    for (int g = 0; g < 4; ++g) LstmPackTransposed(mats[g], d.n_cell, cols, g * d.n_cell, p.rows, start);
    next += static_cast<int64_t>(cols) * p.rows;
    return start;
  };
  p.input = pack(w.input_to, d.n_input);
  p.aux = d.n_aux > 0 ? pack(w.aux_to, d.n_aux) : nullptr;
  p.recurrent = w.recurrent_diagonal ? nullptr : pack(w.recurrent_to, d.n_output);
  p.projection = nullptr;
  if (w.projection != nullptr) {
    LstmPackTransposed(w.projection, d.n_output, d.n_cell, 0, p.projection_rows, next);
    p.projection = next;
  }
}

// sums[b][r] = Σ_c packed[c][r] · v[b][c], each sum from +0 in c order (a
// rounded product, then a rounded add), a block's sums in eight four-lane
// registers.
inline void LstmPackedMatVec(const float* packed, int rows, int cols, const float* v, int n_batch, float* sums) {
  static_assert(kLstmRowBlock == 32, "eight four-lane sums");
  for (int b = 0; b < n_batch; ++b) {
    const float* vb = v + static_cast<int64_t>(b) * cols;
    for (int r0 = 0; r0 < rows; r0 += kLstmRowBlock) {
      lanes::F4 a0 = lanes::Splat(0.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      const float* p = packed + r0;
      for (int c = 0; c < cols; ++c) {
        const lanes::F4 x = lanes::Splat(vb[c]);
        const float* pc = p + static_cast<int64_t>(c) * rows;
        a0 += lanes::Load(pc) * x;
        a1 += lanes::Load(pc + 4) * x;
        a2 += lanes::Load(pc + 8) * x;
        a3 += lanes::Load(pc + 12) * x;
        a4 += lanes::Load(pc + 16) * x;
        a5 += lanes::Load(pc + 20) * x;
        a6 += lanes::Load(pc + 24) * x;
        a7 += lanes::Load(pc + 28) * x;
      }
      float* out = sums + static_cast<int64_t>(b) * rows + r0;
      lanes::Store(out, a0);
      lanes::Store(out + 4, a1);
      lanes::Store(out + 8, a2);
      lanes::Store(out + 12, a3);
      lanes::Store(out + 16, a4);
      lanes::Store(out + 20, a5);
      lanes::Store(out + 24, a6);
      lanes::Store(out + 28, a7);
    }
  }
}

// gate[b][i] += sums[b][first + i] for the n_cell values of each row.
inline void LstmAddSums(const float* sums, int sum_rows, int first, const LstmDims& d, float* gate) {
  for (int b = 0; b < d.n_batch; ++b) {
    const float* s = sums + static_cast<int64_t>(b) * sum_rows + first;
    float* gb = gate + static_cast<int64_t>(b) * d.n_cell;
    for (int i = 0; i < d.n_cell; ++i) gb[i] += s[i];
  }
}

// One gate for all rows of the batch into gate[n_batch * n_cell]. With p
// (packed weights), its input, auxiliary and recurrent sums are already in
// p->sums (the step's LstmPackedMatVec passes): added in the same order.
inline void LstmFloatGate(const LstmFloatWeights& w, int g, const LstmDims& d, const float* x, const float* aux,
                          const float* h, const float* c, bool sigmoid, float* gate, const LstmFloatPacked* p = nullptr) {
  const int64_t size = static_cast<int64_t>(d.n_batch) * d.n_cell;
  LstmGateInit(w.bias[g], w.layer_norm[g] != nullptr, d, gate);
  const int64_t block = p != nullptr ? static_cast<int64_t>(d.n_batch) * p->rows : 0;
  if (p != nullptr) {
    LstmAddSums(p->sums, p->rows, g * d.n_cell, d, gate);
  } else {
    LstmMatVecAccumulate(w.input_to[g], d.n_cell, d.n_input, x, d.n_batch, gate);
  }
  if (d.n_aux > 0) {
    if (p != nullptr) {
      LstmAddSums(p->sums + block, p->rows, g * d.n_cell, d, gate);
    } else {
      LstmMatVecAccumulate(w.aux_to[g], d.n_cell, d.n_aux, aux, d.n_batch, gate);
    }
  }
  if (w.recurrent_diagonal) {
    for (int64_t k = 0; k < size; ++k) gate[k] += w.recurrent_to[g][k % d.n_cell] * h[k];
  } else if (p != nullptr) {
    LstmAddSums(p->sums + 2 * block, p->rows, g * d.n_cell, d, gate);
  } else {
    LstmMatVecAccumulate(w.recurrent_to[g], d.n_cell, d.n_output, h, d.n_batch, gate);
  }
  LstmGateTail(c != nullptr ? w.cell_to[g] : nullptr, w.layer_norm[g], w.bias[g], d, c, sigmoid, w.activation, gate);
  if (sigmoid) RecurrentSigmoid(gate, size, LstmScratchOffset(g, w.input_to[kGateInput] == nullptr, d));
}

// c = f⊙c + i⊙g (i = 1 - f with CIFG), clipped to ±cell_clip when > 0.
inline void LstmUpdateCell(const LstmDims& d, bool cifg, const float* input_gate, const float* forget_gate,
                           const float* cell_gate, float cell_clip, float* cell_state) {
  const int64_t cells = static_cast<int64_t>(d.n_batch) * d.n_cell;
  // The same arithmetic per element, each case its own loop (vectorized).
  auto update = [&](auto cifg_case, auto clip_case) {
    for (int64_t k = 0; k < cells; ++k) {
      const float i = decltype(cifg_case)::value ? 1.0f - forget_gate[k] : input_gate[k];
      float c = forget_gate[k] * cell_state[k] + cell_gate[k] * i;
      if (decltype(clip_case)::value) c = std::min(cell_clip, std::max(-cell_clip, c));
      cell_state[k] = c;
    }
  };
  using Yes = std::true_type;
  using No = std::false_type;
  const bool clip = cell_clip > 0.0f;
  if (clip && !cifg) {
    // The clip's min/max keep the compiler from vectorizing: four lanes by hand.
    int64_t k = 0;
    for (; k + 4 <= cells; k += 4) {
      const lanes::F4 c = lanes::Load(forget_gate + k) * lanes::Load(cell_state + k) +
                          lanes::Load(cell_gate + k) * lanes::Load(input_gate + k);
      lanes::Store(cell_state + k, lanes::Min(lanes::Splat(cell_clip), lanes::Max(lanes::Splat(-cell_clip), c)));
    }
    for (; k < cells; ++k) {
      const float c = forget_gate[k] * cell_state[k] + cell_gate[k] * input_gate[k];
      cell_state[k] = std::min(cell_clip, std::max(-cell_clip, c));
    }
  } else if (cifg) {
    clip ? update(Yes{}, Yes{}) : update(Yes{}, No{});
  } else {
    update(No{}, No{});
  }
}

// The projected output state clipped to ±proj_clip when > 0, then each row copied to out.
inline void LstmFinishOutput(const LstmDims& d, float proj_clip, bool projected, float* output_state, float* out,
                             int64_t out_stride) {
  if (projected && proj_clip > 0.0f) {
    for (int64_t k = 0; k < static_cast<int64_t>(d.n_batch) * d.n_output; ++k) {
      output_state[k] = std::min(proj_clip, std::max(-proj_clip, output_state[k]));
    }
  }
  for (int b = 0; b < d.n_batch; ++b) {
    std::copy_n(output_state + static_cast<int64_t>(b) * d.n_output, d.n_output, out + b * out_stride);
  }
}

// The projection's start: its bias per row, or zeros.
inline void LstmProjectionInit(const float* bias, const LstmDims& d, float* output_state) {
  for (int b = 0; b < d.n_batch; ++b) {
    for (int r = 0; r < d.n_output; ++r) output_state[b * d.n_output + r] = bias != nullptr ? bias[r] : 0.0f;
  }
}

// Advances output_state [n_batch, n_output] and cell_state [n_batch, n_cell]
// by one step of x [n_batch, n_input] (and aux [n_batch, n_aux]); row b of the
// new output_state is also written to out + b * out_stride. scratch holds
// 5 * n_batch * max(n_cell, n_output) floats. With packed (the weights of w
// repacked, LstmPackFloat), the same values, the matrix-vector sums taken
// kLstmRowBlock rows at a time.
inline void LstmFloatStep(const LstmFloatWeights& w, const LstmDims& d, const float* x, const float* aux, float* output_state,
                          float* cell_state, float* out, int64_t out_stride, float* scratch,
                          const LstmFloatPacked* packed = nullptr) {
  const int64_t cells = static_cast<int64_t>(d.n_batch) * d.n_cell;
  const int64_t stride = static_cast<int64_t>(d.n_batch) * std::max(d.n_cell, d.n_output);
  float* input_gate = scratch;
  float* forget_gate = scratch + stride;
  float* cell_gate = scratch + 2 * stride;
  float* output_gate = scratch + 3 * stride;
  float* hidden = scratch + 4 * stride;
  const bool cifg = w.input_to[kGateInput] == nullptr;
  if (packed != nullptr) {
    // Every gate's sums first: none of them reads the cell state or the new output state.
    const int64_t block = static_cast<int64_t>(d.n_batch) * packed->rows;
    LstmPackedMatVec(packed->input, packed->rows, d.n_input, x, d.n_batch, packed->sums);
    if (d.n_aux > 0) LstmPackedMatVec(packed->aux, packed->rows, d.n_aux, aux, d.n_batch, packed->sums + block);
    if (!w.recurrent_diagonal) {
      LstmPackedMatVec(packed->recurrent, packed->rows, d.n_output, output_state, d.n_batch, packed->sums + 2 * block);
    }
  }
  if (!cifg) LstmFloatGate(w, kGateInput, d, x, aux, output_state, cell_state, true, input_gate, packed);
  LstmFloatGate(w, kGateForget, d, x, aux, output_state, cell_state, true, forget_gate, packed);
  LstmFloatGate(w, kGateCell, d, x, aux, output_state, nullptr, false, cell_gate, packed);
  LstmUpdateCell(d, cifg, input_gate, forget_gate, cell_gate, w.cell_clip, cell_state);
  LstmFloatGate(w, kGateOutput, d, x, aux, output_state, cell_state, true, output_gate, packed);
  LstmScaledActivation(w.activation, output_gate, cell_state, cells, hidden);
  if (w.projection != nullptr) {
    LstmProjectionInit(w.projection_bias, d, output_state);
    if (packed != nullptr) {
      LstmPackedMatVec(packed->projection, packed->projection_rows, d.n_cell, hidden, d.n_batch, packed->sums);
      for (int b = 0; b < d.n_batch; ++b) {
        const float* s = packed->sums + static_cast<int64_t>(b) * packed->projection_rows;
        float* o = output_state + static_cast<int64_t>(b) * d.n_output;
        for (int r = 0; r < d.n_output; ++r) o[r] += s[r];
      }
    } else {
      LstmMatVecAccumulate(w.projection, d.n_output, d.n_cell, hidden, d.n_batch, output_state);
    }
  } else {
    std::copy_n(hidden, cells, output_state);
  }
  LstmFinishOutput(d, w.proj_clip, w.projection != nullptr, output_state, out, out_stride);
}

// --- hybrid: int8 weights (one scale each), float activations -------------------------------------------------
// As TFLite's LstmStepHybrid: x and the output state are quantized per row
// once a step (symmetric, or asymmetric with the weights' row sums), each
// gate's products are int32 dot products scaled back to float, a block that
// is all zeros is skipped; the peephole weights are dequantized (w · scale);
// the hidden state o⊙act(c) is quantized per row for the projection.
struct LstmHybridWeights {
  const int8_t* input_to[4] = {};      // null input_to[kGateInput]: CIFG
  const int8_t* aux_to[4] = {};        // with an auxiliary input
  const int8_t* recurrent_to[4] = {};
  const float* recurrent_diagonal[4] = {};  // float [n_cell] each instead, with diagonal recurrent weights
  float input_scale[4] = {};
  float aux_scale[4] = {};
  float recurrent_scale[4] = {};
  const int32_t* input_row_sums[4] = {};  // asymmetric inputs only
  const int32_t* aux_row_sums[4] = {};
  const int32_t* recurrent_row_sums[4] = {};
  const float* cell_to[4] = {};  // the peephole weights dequantized
  const float* layer_norm[4] = {};
  const float* bias[4] = {};
  const int8_t* projection = nullptr;
  float projection_scale = 1.0f;
  const int32_t* projection_row_sums = nullptr;
  const float* projection_bias = nullptr;
  quant::Activation activation = quant::Activation::kTanh;
  float cell_clip = 0.0f;
  float proj_clip = 0.0f;
  bool asymmetric = false;
};

// One quantized block (its rows, scales and zero points).
struct QuantizedRows {
  int8_t* values = nullptr;
  float* scales = nullptr;
  int32_t* zero_points = nullptr;
  bool all_zero = false;
};

inline void QuantizeBlock(const float* x, int n_batch, int n, bool asymmetric, QuantizedRows& q) {
  q.all_zero = AllZero(x, static_cast<int64_t>(n_batch) * n);
  if (!q.all_zero) QuantizeRows(x, n_batch, n, asymmetric, q.values, q.scales, q.zero_points);
}

inline void LstmHybridGate(const LstmHybridWeights& w, int g, const LstmDims& d, const QuantizedRows& x,
                           const QuantizedRows& aux, const QuantizedRows& h, const float* output_state, const float* c,
                           bool sigmoid, float* gate) {
  LstmGateInit(w.bias[g], w.layer_norm[g] != nullptr, d, gate);
  if (!x.all_zero) {
    HybridMatVecAccumulate(w.input_to[g], d.n_cell, d.n_input, w.input_scale[g], x.values, x.scales, x.zero_points,
                           w.input_row_sums[g], d.n_batch, gate, d.n_cell);
  }
  if (d.n_aux > 0 && !aux.all_zero) {
    HybridMatVecAccumulate(w.aux_to[g], d.n_cell, d.n_aux, w.aux_scale[g], aux.values, aux.scales, aux.zero_points,
                           w.aux_row_sums[g], d.n_batch, gate, d.n_cell);
  }
  if (!h.all_zero && w.recurrent_diagonal[g] != nullptr) {
    const int64_t size = static_cast<int64_t>(d.n_batch) * d.n_cell;
    for (int64_t k = 0; k < size; ++k) gate[k] += w.recurrent_diagonal[g][k % d.n_cell] * output_state[k];
  } else if (!h.all_zero) {
    HybridMatVecAccumulate(w.recurrent_to[g], d.n_cell, d.n_output, w.recurrent_scale[g], h.values, h.scales,
                           h.zero_points, w.recurrent_row_sums[g], d.n_batch, gate, d.n_cell);
  }
  LstmGateTail(c != nullptr ? w.cell_to[g] : nullptr, w.layer_norm[g], w.bias[g], d, c, sigmoid, w.activation, gate);
  if (sigmoid) {
    RecurrentSigmoid(gate, static_cast<int64_t>(d.n_batch) * d.n_cell, LstmScratchOffset(g, w.input_to[kGateInput] == nullptr, d));
  }
}

// scratch: 5 * n_batch * max(n_cell, n_output) floats; quantized: the input,
// auxiliary input, output state and hidden blocks, each with n_batch * its width values.
inline void LstmHybridStep(const LstmHybridWeights& w, const LstmDims& d, const float* x, const float* aux,
                           float* output_state, float* cell_state, float* out, int64_t out_stride, float* scratch,
                           QuantizedRows quantized[4]) {
  const int64_t cells = static_cast<int64_t>(d.n_batch) * d.n_cell;
  const int64_t stride = static_cast<int64_t>(d.n_batch) * std::max(d.n_cell, d.n_output);
  float* input_gate = scratch;
  float* forget_gate = scratch + stride;
  float* cell_gate = scratch + 2 * stride;
  float* output_gate = scratch + 3 * stride;
  float* hidden = scratch + 4 * stride;
  QuantizedRows& qx = quantized[0];
  QuantizedRows& qa = quantized[1];
  QuantizedRows& qh = quantized[2];
  QuantizedRows& qp = quantized[3];
  QuantizeBlock(x, d.n_batch, d.n_input, w.asymmetric, qx);
  if (d.n_aux > 0) QuantizeBlock(aux, d.n_batch, d.n_aux, w.asymmetric, qa);
  QuantizeBlock(output_state, d.n_batch, d.n_output, w.asymmetric, qh);
  const bool cifg = w.input_to[kGateInput] == nullptr;
  if (!cifg) LstmHybridGate(w, kGateInput, d, qx, qa, qh, output_state, cell_state, true, input_gate);
  LstmHybridGate(w, kGateForget, d, qx, qa, qh, output_state, cell_state, true, forget_gate);
  LstmHybridGate(w, kGateCell, d, qx, qa, qh, output_state, nullptr, false, cell_gate);
  LstmUpdateCell(d, cifg, input_gate, forget_gate, cell_gate, w.cell_clip, cell_state);
  LstmHybridGate(w, kGateOutput, d, qx, qa, qh, output_state, cell_state, true, output_gate);
  LstmScaledActivation(w.activation, output_gate, cell_state, cells, hidden);
  if (w.projection != nullptr) {
    LstmProjectionInit(w.projection_bias, d, output_state);
    QuantizeBlock(hidden, d.n_batch, d.n_cell, w.asymmetric, qp);
    if (!qp.all_zero) {
      HybridMatVecAccumulate(w.projection, d.n_output, d.n_cell, w.projection_scale, qp.values, qp.scales,
                             qp.zero_points, w.projection_row_sums, d.n_batch, output_state, d.n_output);
    }
  } else {
    std::copy_n(hidden, cells, output_state);
  }
  LstmFinishOutput(d, w.proj_clip, w.projection != nullptr, output_state, out, out_stride);
}

}  // namespace tfldbg::math
