// The fast kernels in plain C++ (the build's baseline instructions): the same
// packed layouts, tiles and output stages as the vector tables, for CPUs
// without them (and to test the packing and tiling on their own). The
// compiler vectorizes the 16-lane loops as far as the baseline allows.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/common/hybrid.h"
#include "kernels/fast/hybrid.h"
#include "kernels/fast/isa.h"

namespace tfldbg::fast {
namespace {

// Lane-by-lane twin of the vector Requantize (isa_avx512vnni.cc).
int32_t Requantize(int32_t acc, const Int8OutputStage& s, int c) {
  if (s.fp32_scale != nullptr) {
    const float scaled = std::min(std::max(static_cast<float>(acc) * s.fp32_scale[c], s.fp32_min), s.fp32_max);
    const int32_t v = static_cast<int32_t>(std::nearbyint(scaled)) + s.output_offset;
    return std::min(std::max(v, s.min), s.max);
  }
  const int64_t m = s.multiplier[c];
  const int right = s.right[c];
  int32_t v;
  if (!s.single_rounding) {
    const int32_t a = static_cast<int32_t>(static_cast<uint32_t>(acc) << s.left[c]);
    const int64_t high64 = (static_cast<int64_t>(a) * m + (int64_t{1} << 30));
    const int32_t high = static_cast<int32_t>(static_cast<uint64_t>(high64) >> 31);  // bits 31..62
    const int32_t mask = static_cast<int32_t>((uint32_t{1} << right) - 1);
    const int32_t remainder = high & mask;
    const int32_t threshold = (mask >> 1) + (high < 0 && c >= s.ties_up_channels ? 1 : 0);
    const int32_t floor = high >= 0 ? (high >> right) : ~((~high) >> right);
    v = floor + (remainder > threshold ? 1 : 0);
  } else {
    const int64_t p = static_cast<int64_t>(acc) * m + (int64_t{1} << (right - 1));
    v = static_cast<int32_t>(p >= 0 ? (p >> right) : ~((~p) >> right));
  }
  v = static_cast<int32_t>(static_cast<uint32_t>(v) + static_cast<uint32_t>(s.output_offset));
  return std::min(std::max(v, s.min), s.max);
}

void StoreByte(uint8_t* out, int32_t v) { *out = static_cast<uint8_t>(v); }

constexpr int kRows = 4;

void Int8Gemm(const Int8GemmTile& t) {
  const int64_t panel_bytes = static_cast<int64_t>(t.k_steps) * 64;
  const Int8OutputStage& s = t.stage;
  for (int p = 0; p < t.panels; ++p) {
    const int8_t* b = static_cast<const int8_t*>(t.b) + p * panel_bytes;
    const int c0 = p * kPanel;
    const int count = std::min(kPanel, t.channels - c0);
    if (count <= 0) break;
    for (int r0 = 0; r0 < t.rows; r0 += kRows) {
      const int mr = std::min(kRows, t.rows - r0);
      uint32_t acc[kRows][kPanel] = {};
      for (int i = 0; i < mr; ++i) {
        const uint8_t* a = static_cast<const uint8_t*>(t.a) + (r0 + i) * t.a_stride;
        for (int k = 0; k < t.k_steps; ++k) {
          const int8_t* row = b + k * 64;
          for (int j = 0; j < kPanel; ++j) {
            int32_t dot = 0;
            for (int q = 0; q < 4; ++q) dot += static_cast<int32_t>(a[4 * k + q]) * row[4 * j + q];
            acc[i][j] += static_cast<uint32_t>(dot);
          }
        }
      }
      for (int i = 0; i < mr; ++i) {
        uint8_t* out = static_cast<uint8_t*>(t.c) + (r0 + i) * t.c_stride + c0;
        const uint32_t row = s.row_factor != 0 ? static_cast<uint32_t>(s.row_factor) * static_cast<uint32_t>(t.row_sums[r0 + i]) : 0;
        for (int j = 0; j < count; ++j) {
          const uint32_t x = acc[i][j] + static_cast<uint32_t>(s.bias[c0 + j]) + row;
          StoreByte(out + j, Requantize(static_cast<int32_t>(x), s, c0 + j));
        }
      }
    }
  }
}

void Int8Depthwise(const Int8DepthwiseRow& d) {
  const DepthwiseRowGeometry& g = d.g;
  uint32_t acc[kPanel];
  for (int ox = 0; ox < g.out_width; ++ox) {
    const int ix0 = ox * g.stride - g.pad;
    for (int c0 = 0; c0 < g.channels; c0 += kPanel) {
      const int count = std::min(kPanel, g.channels - c0);
      std::fill(acc, acc + kPanel, 0u);
      for (int fy = 0; fy < g.filter_h; ++fy) {
        const uint8_t* row = d.rows[fy];
        if (row == nullptr) continue;
        for (int fx = 0; fx < g.filter_w; ++fx) {
          const int ix = ix0 + fx * g.dilation;
          if (ix < 0 || ix >= g.in_width) continue;
          const uint8_t* x = row + static_cast<int64_t>(ix) * g.channels + c0;
          const int32_t* w = d.weights + static_cast<int64_t>(fy * g.filter_w + fx) * d.weights_stride + c0;
          for (int j = 0; j < count; ++j) {
            const int32_t xv = (d.input_unsigned ? static_cast<int32_t>(x[j]) : static_cast<int32_t>(static_cast<int8_t>(x[j]))) +
                               d.input_offset;
            acc[j] += static_cast<uint32_t>(xv * w[j]);
          }
        }
      }
      uint8_t* out = d.out + static_cast<int64_t>(ox) * g.channels + c0;
      for (int j = 0; j < count; ++j) {
        const uint32_t x = acc[j] + static_cast<uint32_t>(d.stage.bias[c0 + j]);
        StoreByte(out + j, Requantize(static_cast<int32_t>(x), d.stage, c0 + j));
      }
    }
  }
}

// Float: no contracted multiply-adds (-ffp-contract=off), so unfused sums are
// the reference's; fused ones call fmaf (exact in software where the baseline
// has no FMA instruction), as the scalar kernels' std::fma.
float Clamp(float v, float lo, float hi) { return std::min(std::max(v, lo), hi); }
float MulAdd(bool fused, float acc, float x, float w) { return fused ? std::fma(x, w, acc) : acc + x * w; }

void FloatGemm(const FloatGemmTile& t) {
  const int64_t panel = static_cast<int64_t>(t.k) * kPanel;
  for (int p = 0; p < t.panels; ++p) {
    const float* b = t.b + p * panel;
    const int c0 = p * kPanel;
    const int count = std::min(kPanel, t.channels - c0);
    if (count <= 0) break;
    for (int r0 = 0; r0 < t.rows; r0 += kRows) {
      const int mr = std::min(kRows, t.rows - r0);
      float acc[kRows][kPanel] = {};
      for (int k = 0; k < t.k; ++k) {
        const float* row = b + k * kPanel;
        for (int i = 0; i < mr; ++i) {
          const float x = t.a[(r0 + i) * t.a_stride + k];
          for (int j = 0; j < kPanel; ++j) acc[i][j] = MulAdd(t.fused, acc[i][j], x, row[j]);
        }
      }
      for (int i = 0; i < mr; ++i) {
        float* out = t.c + (r0 + i) * t.c_stride + c0;
        for (int j = 0; j < count; ++j) out[j] = Clamp(acc[i][j] + t.bias[c0 + j], t.min, t.max);
      }
    }
  }
}

void FloatDepthwise(const FloatDepthwiseRow& d) {
  const DepthwiseRowGeometry& g = d.g;
  float acc[kPanel];
  for (int ox = 0; ox < g.out_width; ++ox) {
    const int ix0 = ox * g.stride - g.pad;
    for (int c0 = 0; c0 < g.channels; c0 += kPanel) {
      const int count = std::min(kPanel, g.channels - c0);
      std::fill(acc, acc + kPanel, 0.0f);
      for (int fy = 0; fy < g.filter_h; ++fy) {
        const float* row = d.rows[fy];
        if (row == nullptr) continue;
        for (int fx = 0; fx < g.filter_w; ++fx) {
          const int ix = ix0 + fx * g.dilation;
          if (ix < 0 || ix >= g.in_width) continue;
          const float* x = row + static_cast<int64_t>(ix) * g.channels + c0;
          const float* w = d.weights + static_cast<int64_t>(fy * g.filter_w + fx) * d.weights_stride + c0;
          for (int j = 0; j < count; ++j) acc[j] = MulAdd(d.fused, acc[j], x[j], w[j]);
        }
      }
      float* out = d.out + static_cast<int64_t>(ox) * g.channels + c0;
      for (int j = 0; j < count; ++j) out[j] = Clamp(acc[j] + d.bias[c0 + j], d.min, d.max);
    }
  }
}

// The deployment kernel sets' ADD lanes (isa.h, Int8AddArithmetic).
int32_t Srdhm(int32_t x, int32_t m) {
  return static_cast<int32_t>(static_cast<uint64_t>(static_cast<int64_t>(x) * m + (int64_t{1} << 30)) >> 31);
}
int32_t FloorShift(int32_t x, int r) { return x >= 0 ? x >> r : ~((~x) >> r); }
int32_t RoundingDivideByPot(int32_t x, int r) {
  const int32_t mask = static_cast<int32_t>((uint32_t{1} << r) - 1);
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return FloorShift(x, r) + ((x & mask) > threshold ? 1 : 0);
}
int32_t Wrap16(int32_t x) { return static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(x))); }
uint32_t U(int32_t x) { return static_cast<uint32_t>(x); }

int32_t DeploymentAddLane(const Int8AddRow& r, int32_t a, int32_t b) {
  const Int8AddLanes& l = r.lanes;
  int32_t v;
  if (r.arithmetic == Int8AddArithmetic::kXnnpack) {
    const int32_t acc = static_cast<int32_t>(U(l.bias) + U(a) * U(l.m1) + U(b) * U(l.m2));
    v = static_cast<int32_t>(U(FloorShift(acc, l.rshift1)) + U(l.output_offset));
  } else {
    const int32_t s1 = FloorShift(Srdhm(static_cast<int32_t>(U(a + l.offset1) << l.lshift1), l.m1), l.rshift1);
    const int32_t s2 = FloorShift(Srdhm(static_cast<int32_t>(U(b + l.offset2) << l.lshift2), l.m2), l.rshift2);
    const int32_t scaled = RoundingDivideByPot(Srdhm(static_cast<int32_t>(U(s1) + U(s2)), l.output_multiplier), l.output_right);
    v = Wrap16(static_cast<int32_t>(U(Wrap16(scaled)) + U(l.output_offset)));
  }
  return std::min(std::max(v, l.min), l.max);
}

void Int8Add(const Int8AddRow& r) {
  if (r.arithmetic != Int8AddArithmetic::kReference) {
    for (int64_t i = 0; i < r.n; ++i) {
      const int32_t a = r.is_unsigned ? r.a[i] : static_cast<int8_t>(r.a[i]);
      const int32_t b = r.is_unsigned ? r.b[i] : static_cast<int8_t>(r.b[i]);
      StoreByte(r.out + i, DeploymentAddLane(r, a, b));
    }
    return;
  }
  for (int64_t i = 0; i < r.n; ++i) {
    const int32_t a = r.is_unsigned ? r.a[i] : static_cast<int8_t>(r.a[i]);
    const int32_t b = r.is_unsigned ? r.b[i] : static_cast<int8_t>(r.b[i]);
    const int32_t s1 = Requantize(static_cast<int32_t>(static_cast<uint32_t>(a + r.offset1) << r.left_shift), r.in1, 0);
    const int32_t s2 = Requantize(static_cast<int32_t>(static_cast<uint32_t>(b + r.offset2) << r.left_shift), r.in2, 0);
    const int32_t raw = static_cast<int32_t>(r.subtract ? static_cast<uint32_t>(s1) - static_cast<uint32_t>(s2)
                                                        : static_cast<uint32_t>(s1) + static_cast<uint32_t>(s2));
    StoreByte(r.out + i, Requantize(raw, r.stage, 0));
  }
}

// float_runs false: the portable path packs im2col rows (PackFloatRows), so
// that every x86 machine's cpu-check runs both forms of the float CONV_2D input.
const IsaKernels kPortable = {CpuPath::kPortable, Int8Layout::kQuad, Int8Gemm, Int8Depthwise, FloatGemm, FloatDepthwise,
                              Int8Add, nullptr, /*fp32_stage=*/true, /*float_runs=*/false};

}  // namespace

const IsaKernels* PortableKernels() { return &kPortable; }

const IsaKernels* IsaKernelsFor(CpuPath path) {
  switch (path) {
    case CpuPath::kPortable: return PortableKernels();
#if defined(__x86_64__)
    case CpuPath::kAvx2: return Avx2Kernels();
    case CpuPath::kAvxVnni: return AvxVnniKernels();
    case CpuPath::kAvx512Vnni: return Avx512VnniKernels();
#endif
    default: return nullptr;
  }
}

// ---- hybrid kernels (hybrid.h): the int32 sums plus bias of whole panels; the quantizers ----

namespace {

void Int8GemmSums(const Int8GemmTile& t) {
  const int64_t panel_bytes = static_cast<int64_t>(t.k_steps) * 64;
  for (int p = 0; p < t.panels; ++p) {
    const int8_t* b = static_cast<const int8_t*>(t.b) + p * panel_bytes;
    const int c0 = p * kPanel;
    for (int r = 0; r < t.rows; ++r) {
      const uint8_t* a = static_cast<const uint8_t*>(t.a) + r * t.a_stride;
      uint32_t acc[kPanel] = {};
      for (int k = 0; k < t.k_steps; ++k) {
        const int8_t* row = b + k * 64;
        for (int j = 0; j < kPanel; ++j) {
          int32_t dot = 0;
          for (int q = 0; q < 4; ++q) dot += static_cast<int32_t>(a[4 * k + q]) * row[4 * j + q];
          acc[j] += static_cast<uint32_t>(dot);
        }
      }
      int32_t* out = reinterpret_cast<int32_t*>(static_cast<uint8_t*>(t.c) + r * t.c_stride) + c0;
      for (int j = 0; j < kPanel; ++j) out[j] = static_cast<int32_t>(acc[j] + static_cast<uint32_t>(t.stage.bias[c0 + j]));
    }
  }
}

float MaxAbs(const float* x, int64_t n) { return math::SymmetricRange(x, n); }

const HybridKernels kPortableHybrid = {Int8GemmSums, nullptr, MaxAbs, QuantizeBiasedPortable, nullptr, nullptr};

}  // namespace

const HybridKernels* PortableHybridKernels() { return &kPortableHybrid; }

}  // namespace tfldbg::fast
