// The deployment kernel sets' 8-bit ADD in the fast kernels' int8_add entry
// (fast::Int8AddArithmetic) on every fast CPU path against the scalar
// arithmetic they must equal: math::QuantizedAddOptimized (LiteRT's optimized
// ADD blocks, kFoldedShift and kShiftAfter) and xnnpack::AddParams::Apply
// (XNNPACK's vadd), on all 256 × 256 input pairs of random scales.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "support/cpu_paths.h"

#include "kernels/elementwise/optimized_add.h"
#include "kernels/fast/isa.h"
#include "kernels/xnnpack/delegation.h"
#include "quant/quantize.h"

namespace tfldbg::fast {
namespace {

using testing::FastCpuPathsHere;

struct Pairs {
  std::vector<uint8_t> a, b;
  Pairs() {
    // Every pair once, then 5 more (a tail that is not a whole vector).
    for (int i = 0; i < 65536 + 5; ++i) {
      a.push_back(static_cast<uint8_t>(i & 255));
      b.push_back(static_cast<uint8_t>((i >> 8) & 255));
    }
  }
};

int32_t Value(uint8_t byte, bool is_unsigned) { return is_unsigned ? byte : static_cast<int8_t>(byte); }

TEST(FastDeploymentAdd, LiteRtOptimizedBlocksEqualTheScalarArithmeticOnEveryPath) {
  std::mt19937 rng(11);
  const Pairs pairs;
  const int64_t n = static_cast<int64_t>(pairs.a.size());
  std::vector<uint8_t> out(pairs.a.size());
  int tested = 0;
  for (int trial = 0; trial < 48; ++trial) {
    const bool is_unsigned = trial % 2 == 1;
    const bool folded = trial % 4 < 2;
    const DataType type = is_unsigned ? DataType::kUInt8 : DataType::kInt8;
    // Input scales over four decades; the output's from 2^-19 of theirs (an output rescale near 1, where
    // a one-off input term shows in the output) to 2^3.
    auto scale = [&] { return static_cast<float>(std::ldexp(1.0 + (rng() % 1000) / 1000.0, static_cast<int>(rng() % 14) - 14)); };
    const float s1 = scale(), s2 = trial % 5 == 0 ? s1 : scale();
    const float so = static_cast<float>(std::max(s1, s2) * std::ldexp(1.0 + (rng() % 1000) / 1000.0, static_cast<int>(rng() % 23) - 19));
    math::QuantizedAddSubParams p;
    const int32_t zmin = is_unsigned ? 0 : -128;
    p.input1_offset = -(zmin + static_cast<int32_t>(rng() % 256));
    p.input2_offset = -(zmin + static_cast<int32_t>(rng() % 256));
    p.output_offset = zmin + static_cast<int32_t>(rng() % 256);
    p.clamp = quant::TypeRange(type);
    if (trial % 3 == 0) p.clamp = {p.clamp.min + 7, p.clamp.max - 30};
    const double twice_max = static_cast<double>(2 * std::max(s1, s2));
    p.input1_multiplier = quant::QuantizeMultiplier(static_cast<double>(s1) / twice_max, p.rounding);
    p.input2_multiplier = quant::QuantizeMultiplier(static_cast<double>(s2) / twice_max, p.rounding);
    p.output_multiplier = quant::QuantizeMultiplier(twice_max / static_cast<double>(static_cast<float>(1 << 20) * so), p.rounding);
    if (p.output_multiplier.shift > 0) continue;
    Int8AddRow r;
    r.n = n;
    r.a = pairs.a.data();
    r.b = pairs.b.data();
    r.out = out.data();
    r.is_unsigned = is_unsigned;
    r.arithmetic = Int8AddArithmetic::kLiteRtOptimized;
    Int8AddLanes& l = r.lanes;
    l.offset1 = p.input1_offset;
    l.offset2 = p.input2_offset;
    l.m1 = p.input1_multiplier.multiplier;
    l.m2 = p.input2_multiplier.multiplier;
    l.lshift1 = folded ? 20 + p.input1_multiplier.shift : 20;
    l.lshift2 = folded ? 20 + p.input2_multiplier.shift : 20;
    l.rshift1 = folded ? 0 : -p.input1_multiplier.shift;
    l.rshift2 = folded ? 0 : -p.input2_multiplier.shift;
    l.output_multiplier = p.output_multiplier.multiplier;
    l.output_right = -p.output_multiplier.shift;
    l.output_offset = p.output_offset;
    l.min = p.clamp.min;
    l.max = p.clamp.max;
    ASSERT_GE(l.lshift1, 0);
    ASSERT_GE(l.lshift2, 0);
    const math::OptimizedAddPath path = folded ? math::OptimizedAddPath::kFoldedShift : math::OptimizedAddPath::kShiftAfter;
    ++tested;
    for (CpuPath cpu : FastCpuPathsHere()) {
      IsaKernelsFor(cpu)->int8_add(r);
      for (int64_t i = 0; i < n; ++i) {
        const int32_t x = Value(pairs.a[static_cast<size_t>(i)], is_unsigned), y = Value(pairs.b[static_cast<size_t>(i)], is_unsigned);
        const int32_t want = is_unsigned ? math::QuantizedAddOptimized<uint8_t>(path, p, x, y)
                                         : math::QuantizedAddOptimized<int8_t>(path, p, x, y);
        ASSERT_EQ(Value(out[static_cast<size_t>(i)], is_unsigned), want)
            << CpuPathName(cpu) << (folded ? " folded" : " shift-after") << " trial " << trial << " x " << x << " y " << y;
      }
    }
  }
  EXPECT_GE(tested, 32);
}

TEST(FastDeploymentAdd, XnnpackVaddEqualsTheScalarArithmeticOnEveryPath) {
  std::mt19937 rng(12);
  const Pairs pairs;
  const int64_t n = static_cast<int64_t>(pairs.a.size());
  std::vector<uint8_t> out(pairs.a.size());
  int tested = 0;
  for (int trial = 0; trial < 24; ++trial) {
    const bool is_unsigned = trial % 2 == 1;
    const DataType type = is_unsigned ? DataType::kUInt8 : DataType::kInt8;
    auto scale = [&] { return static_cast<float>(std::ldexp(1.0 + (rng() % 1000) / 1000.0, static_cast<int>(rng() % 12) - 14)); };
    const float s1 = scale(), s2 = scale(), so = scale();
    const int32_t zmin = is_unsigned ? 0 : -128;
    quant::IntRange clamp = quant::TypeRange(type);
    if (trial % 3 == 0) clamp = {clamp.min + 7, clamp.max - 30};
    const xnnpack::AddParams p =
        xnnpack::MakeAddParams(s1, zmin + static_cast<int32_t>(rng() % 256), s2, zmin + static_cast<int32_t>(rng() % 256), so,
                               zmin + static_cast<int32_t>(rng() % 256), clamp, /*subtract=*/trial % 4 >= 2);
    if (p.shift > 31) continue;
    Int8AddRow r;
    r.n = n;
    r.a = pairs.a.data();
    r.b = pairs.b.data();
    r.out = out.data();
    r.is_unsigned = is_unsigned;
    r.arithmetic = Int8AddArithmetic::kXnnpack;
    r.lanes.m1 = p.a_multiplier;
    r.lanes.m2 = p.b_multiplier;
    r.lanes.bias = p.bias;
    r.lanes.rshift1 = static_cast<int>(p.shift);
    r.lanes.output_offset = p.output_zero_point;
    r.lanes.min = p.clamp.min;
    r.lanes.max = p.clamp.max;
    ++tested;
    for (CpuPath cpu : FastCpuPathsHere()) {
      IsaKernelsFor(cpu)->int8_add(r);
      for (int64_t i = 0; i < n; ++i) {
        const int32_t x = Value(pairs.a[static_cast<size_t>(i)], is_unsigned), y = Value(pairs.b[static_cast<size_t>(i)], is_unsigned);
        ASSERT_EQ(Value(out[static_cast<size_t>(i)], is_unsigned), p.Apply(x, y)) << CpuPathName(cpu) << " trial " << trial;
      }
    }
  }
  EXPECT_GE(tested, 16);
}

}  // namespace
}  // namespace tfldbg::fast
