// The vector requantization of every fast CPU path against the scalar
// quant::MultiplyByQuantizedMultiplier, on int32 sums that reach the whole
// range (fed through the bias of a GEMM tile whose products are all zero).
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "support/cpu_paths.h"

#include "kernels/fast/gemm.h"
#include "quant/fixed_point.h"

namespace tfldbg::fast {
namespace {

using testing::FastCpuPathsHere;

int32_t Reference(int32_t acc, quant::QuantizedMultiplier m, quant::RoundingMode mode, int32_t offset, quant::IntRange r) {
  const int32_t v = quant::WrappingAdd(quant::MultiplyByQuantizedMultiplier(acc, m, mode), offset);
  return std::min(std::max(v, r.min), r.max);
}

TEST(FastOutputStage, EqualsTheScalarRequantizationOnEveryPath) {
  std::mt19937 rng(7);
  // 37: two whole panels and a part; 70: four whole panels stored together (64 bytes a row), then a part.
  for (int channels : {37, 70})
  for (CpuPath path : FastCpuPathsHere()) {
    const IsaKernels* isa = IsaKernelsFor(path);
    ASSERT_NE(isa, nullptr);
    for (quant::RoundingMode mode :
         {quant::RoundingMode::kDouble, quant::RoundingMode::kDoubleHalfUp, quant::RoundingMode::kSingle}) {
      for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
        for (int trial = 0; trial < 40; ++trial) {
          math::ChannelRequant q;
          q.rounding = mode;
          q.output_offset = static_cast<int32_t>(rng() % 256) - (type == DataType::kInt8 ? 128 : 0);
          q.clamp = quant::TypeRange(type);
          if (trial % 3 == 0) q.clamp = {q.clamp.min + 10, q.clamp.max - 20};
          for (int c = 0; c < channels; ++c) {
            // Real multipliers from 2^-40 to 2^3, as scales give them; a few exact powers of two.
            const double real = std::ldexp(1.0 + (rng() % 1000) / 1000.0, static_cast<int>(rng() % 43) - 40);
            q.multipliers.push_back(quant::QuantizeMultiplier(c % 11 == 0 ? std::ldexp(1.0, -(c % 9)) : real, mode));
          }
          // Sums over the whole int32 range, ties (multiples of powers of two) and the extremes.
          std::vector<int32_t> bias(static_cast<size_t>(channels));
          for (int c = 0; c < channels; ++c) {
            const uint32_t r = static_cast<uint32_t>(rng());
            switch (c % 5) {
              case 0: bias[static_cast<size_t>(c)] = static_cast<int32_t>(r); break;
              case 1: bias[static_cast<size_t>(c)] = static_cast<int32_t>(r % 20001) - 10000; break;
              case 2: bias[static_cast<size_t>(c)] = static_cast<int32_t>((r % 64) << (r % 24)) * (r & 1 ? -1 : 1); break;
              case 3: bias[static_cast<size_t>(c)] = r & 1 ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max(); break;
              default: bias[static_cast<size_t>(c)] = static_cast<int32_t>(r % 2000001) - 1000000; break;
            }
          }
          // Weights all zero and an int8 input at its zero point 0: every product and the compensation are 0.
          std::vector<uint8_t> weights(static_cast<size_t>(channels) * 4, type == DataType::kInt8 ? 0 : 128);
          q.input_offset = type == DataType::kInt8 ? 0 : 0;
          q.filter_offset = type == DataType::kInt8 ? 0 : -128;
          PackedInt8Gemm gemm;
          ASSERT_TRUE(gemm.Pack(isa, type, weights.data(), channels, 4, bias.data(), q));
          const int rows = 3;
          std::vector<uint8_t> out(static_cast<size_t>(rows * channels));
          gemm.Run(rows, [](const void*, int64_t, int count, uint8_t* tile, int64_t stride) {
            for (int r = 0; r < count; ++r) for (int k = 0; k < 4; ++k) tile[r * stride + k] = 0x80;  // x = 0 as int8
          }, nullptr, out.data(), channels, nullptr);
          for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < channels; ++c) {
              const int32_t want = Reference(bias[static_cast<size_t>(c)], q.multipliers[static_cast<size_t>(c)], mode,
                                             q.output_offset, q.clamp);
              const int32_t got = type == DataType::kInt8 ? static_cast<int8_t>(out[static_cast<size_t>(r * channels + c)])
                                                          : out[static_cast<size_t>(r * channels + c)];
              ASSERT_EQ(got, want) << CpuPathName(path) << (mode == quant::RoundingMode::kSingle ? " single" : mode == quant::RoundingMode::kDouble ? " double" : " double half-up")
                                   << " channel " << c << " acc " << bias[static_cast<size_t>(c)] << " multiplier "
                                   << q.multipliers[static_cast<size_t>(c)].multiplier << " shift "
                                   << q.multipliers[static_cast<size_t>(c)].shift;
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace tfldbg::fast
