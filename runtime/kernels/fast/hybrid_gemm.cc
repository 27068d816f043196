#include "kernels/fast/hybrid.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/common/hybrid.h"
#include "kernels/common/qd8.h"

namespace tfldbg::fast {
namespace {

int64_t RoundUp(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

// The float stage of one tile row (HybridStage), `count` channels from c0;
// each branch a loop the compiler vectorizes.
void FinishRow(const HybridStage& s, const int32_t* sums, const int32_t* row_sums, int64_t group, int c0, int count,
               float* out) {
  const float row_scale = s.row_scale[group];
  const uint32_t zero_point = static_cast<uint32_t>(s.zero_point[group]);
  const float lo = s.min, hi = s.max;
  const int32_t* rs = row_sums + c0;
  const float* bias = s.bias ? s.bias + c0 : nullptr;
  const float* channel = s.channel_scale ? s.channel_scale + c0 : nullptr;
  // Σ w·q − zero_point · Σ w, wrapping as LiteRT's int32 does.
  auto acc = [&](int j) {
    return static_cast<float>(static_cast<int32_t>(static_cast<uint32_t>(sums[j]) - static_cast<uint32_t>(rs[j]) * zero_point));
  };
  auto clamp = [lo, hi](float v) { return std::min(std::max(v, lo), hi); };
  switch (s.mode) {
    case HybridStage::Mode::kRowScale:
      if (bias) {
        for (int j = 0; j < count; ++j) out[j] = clamp(bias[j] + acc(j) * row_scale);
      } else {
        for (int j = 0; j < count; ++j) out[j] = clamp(0.0f + acc(j) * row_scale);
      }
      break;
    case HybridStage::Mode::kRowTimesChannel:
      if (bias) {
        for (int j = 0; j < count; ++j) out[j] = clamp(bias[j] + acc(j) * (row_scale * channel[j]));
      } else {
        for (int j = 0; j < count; ++j) out[j] = clamp(0.0f + acc(j) * (row_scale * channel[j]));
      }
      break;
    case HybridStage::Mode::kChannelThenRow:
      if (bias) {
        for (int j = 0; j < count; ++j) out[j] = clamp(acc(j) * channel[j] * row_scale + bias[j]);
      } else {
        for (int j = 0; j < count; ++j) out[j] = clamp(acc(j) * channel[j] * row_scale);
      }
      break;
    case HybridStage::Mode::kRowThenChannel:
      if (bias) {
        for (int j = 0; j < count; ++j) out[j] = clamp(acc(j) * row_scale * channel[j] + bias[j]);
      } else {
        for (int j = 0; j < count; ++j) out[j] = clamp(acc(j) * row_scale * channel[j] + 0.0f);
      }
      break;
  }
}

}  // namespace

void QuantizeBiasedPortable(const float* x, int64_t n, float inverse, float offset, int32_t lo, int32_t hi, uint8_t* u) {
  for (int64_t i = 0; i < n; ++i) u[i] = static_cast<uint8_t>(math::RoundToInt8Range(offset + x[i] * inverse, lo, hi) + 128);
}

void Qd8QuantizePortable(const float* x, int64_t n, float scale, int32_t zero_point, uint8_t* u) {
  // As math::QuantizeRowQd8.
  const float lo = static_cast<float>(-128 - zero_point), hi = static_cast<float>(127 - zero_point);
  for (int64_t i = 0; i < n; ++i) {
    const float v = std::min(std::max(x[i] * scale, lo), hi);
    u[i] = static_cast<uint8_t>(static_cast<uint32_t>(static_cast<int32_t>(std::nearbyint(v))) + static_cast<uint32_t>(zero_point) + 128u);
  }
}

float PackedHybridGemm::QuantizeSymmetric(const float* x, int64_t n, uint8_t* u) const {
  if (n <= 0) return 1.0f;
  const float range = kernels_->max_abs(x, n);
  if (range == 0.0f) {
    std::memset(u, 128, static_cast<size_t>(n));
    return 1.0f;
  }
  const float inverse = 127.0f / range;
  kernels_->quantize(x, n, inverse, 0.0f, -127, 127, u);
  return range / 127.0f;
}

void PackedHybridGemm::QuantizeAsymmetric(const float* x, int64_t n, uint8_t* u, float* scale, int32_t* zero_point) const {
  if (!math::AsymmetricQuantizeParams(x, n, scale, zero_point)) {
    std::memset(u, 128, static_cast<size_t>(std::max<int64_t>(n, 0)));
    return;
  }
  kernels_->quantize(x, n, 1.0f / *scale, static_cast<float>(*zero_point), -128, 127, u);
}

float PackedHybridGemm::QuantizeQd8(const float* x, int64_t n, uint8_t* u, int32_t* zero_point) const {
  if (kernels_->qd8_range == nullptr) return math::QuantizeRowQd8Biased(x, static_cast<int>(n), u, zero_point);
  float lo = 0.0f, hi = 0.0f;
  kernels_->qd8_range(x, n, &lo, &hi);
  const float scale = math::Qd8Scale(lo, hi, zero_point);
  kernels_->qd8_quantize(x, n, scale, *zero_point, u);
  return 1.0f / scale;
}

const HybridKernels* HybridKernelsFor(CpuPath path) {
  switch (path) {
    case CpuPath::kPortable: return PortableHybridKernels();
#if defined(__x86_64__)
    case CpuPath::kAvx2: return Avx2HybridKernels();
    case CpuPath::kAvxVnni: return AvxVnniHybridKernels();
    case CpuPath::kAvx512Vnni: return Avx512VnniHybridKernels();
#endif
    default: return nullptr;
  }
}

bool PackedHybridGemm::Pack(const IsaKernels* isa, const int8_t* weights, int n, int k) {
  kernels_ = nullptr;
  if (isa == nullptr || n <= 0 || k <= 0 || static_cast<int64_t>(n) * k > (int64_t{1} << 30)) return false;
  const HybridKernels* kernels = HybridKernelsFor(isa->path);
  if (kernels == nullptr) return false;
  n_ = n;
  k_ = k;
  panels_ = static_cast<int>(RoundUp(n, kPanel) / kPanel);
  step_ = isa->int8_layout == Int8Layout::kQuad ? 4 : 2;
  k_steps_ = static_cast<int>(RoundUp(k, step_) / step_);
  weights_.Allocate(static_cast<size_t>(panels_) * k_steps_ * 64);
  bias_.assign(static_cast<size_t>(panels_) * kPanel, 0);
  row_sums_.assign(static_cast<size_t>(panels_) * kPanel, 0);
  for (int o = 0; o < n; ++o) {
    uint32_t sum = 0;
    const int panel = o / kPanel, lane = o % kPanel;
    for (int i = 0; i < k; ++i) {
      const int8_t w = weights[static_cast<int64_t>(o) * k + i];
      sum += static_cast<uint32_t>(static_cast<int32_t>(w));
      const int64_t row = static_cast<int64_t>(panel) * k_steps_ + i / step_;
      if (step_ == 4) {
        weights_.data()[row * 64 + lane * 4 + i % 4] = static_cast<uint8_t>(w);
      } else {
        const int16_t w16 = w;
        std::memcpy(weights_.data() + row * 64 + lane * 4 + (i % 2) * 2, &w16, 2);
      }
    }
    // A holds u = q + 128: Σ w·u − 128·Σ w = Σ w·q.
    row_sums_[static_cast<size_t>(o)] = static_cast<int32_t>(sum);
    bias_[static_cast<size_t>(o)] = static_cast<int32_t>(0u - 128u * sum);
  }
  kernels_ = kernels;
  return true;
}

void PackedHybridGemm::Run(int64_t rows, PackRowsFn pack_rows, const void* context, const HybridStage& stage, float* out,
                           int64_t out_stride, ThreadPool* pool) const {
  if (rows <= 0) return;
  const int64_t k_pad = static_cast<int64_t>(k_steps_) * step_;
  const GemmSplit split(rows, panels_, k_, n_, k_pad, pool);
  ParallelFor(pool, split.tasks(), [&](int task) {
    const int p0 = split.FirstPanel(task);
    const int panels = split.EndPanel(task) - p0;
    split.ForEachTile(task, [&](int64_t r0, int count) {
      RunTile(r0, count, p0, panels, pack_rows, context, stage, out, out_stride);
    });
  });
}

void PackedHybridGemm::RunTile(int64_t r0, int count, int p0, int panels, PackRowsFn pack_rows, const void* context,
                               const HybridStage& stage, float* out, int64_t out_stride) const {
  const int64_t k_pad = static_cast<int64_t>(k_steps_) * step_;
  uint8_t* a = Scratch(static_cast<size_t>(count * k_pad), 0);
  pack_rows(context, r0, count, a, k_pad);
  if (k_pad > k_) {
    // Padding k: any u times a zero weight adds nothing.
    for (int r = 0; r < count; ++r) std::memset(a + r * k_pad + k_, 0, static_cast<size_t>(k_pad - k_));
  }
  const int64_t sums_stride = static_cast<int64_t>(panels) * kPanel;
  int32_t* sums = reinterpret_cast<int32_t*>(Scratch(static_cast<size_t>(count * sums_stride) * 4, 1));
  Int8GemmTile t;
  t.rows = count;
  t.a = a;
  t.a_stride = k_pad;
  if (step_ == 2) t.a = WidenRows(a, count * k_pad);
  t.panels = panels;
  t.b = weights_.data() + static_cast<int64_t>(p0) * k_steps_ * 64;
  t.k_steps = k_steps_;
  const int c0 = p0 * kPanel;
  t.channels = std::min(n_ - c0, panels * kPanel);
  t.stage.bias = bias_.data() + c0;
  if (kernels_->gemm != nullptr) {
    HybridGemmTile h;
    h.gemm = t;
    h.stage = &stage;
    h.row0 = r0;
    h.row_sums = row_sums_.data() + c0;
    h.channel_scale = stage.channel_scale ? stage.channel_scale + c0 : nullptr;
    h.bias = stage.bias ? stage.bias + c0 : nullptr;
    h.out = out + r0 * out_stride + c0;
    h.out_stride = out_stride;
    kernels_->gemm(h);
    return;
  }
  t.c = sums;
  t.c_stride = sums_stride * 4;
  kernels_->sums(t);
  for (int r = 0; r < count; ++r) {
    const int64_t row = r0 + r;
    FinishRow(stage, sums + r * sums_stride, row_sums_.data(), row / stage.rows_per_group, c0, t.channels,
              out + row * out_stride + c0);
  }
}

}  // namespace tfldbg::fast
