// The random numbers of LiteRT's RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL and
// MULTINOMIAL: TensorFlow's Philox4x32-10 generator (Salmon et al., SC 2011:
// "Parallel random numbers: as easy as 1, 2, 3") keyed by the op's seed and
// seed2, and TensorFlow's conversions of its 32-bit outputs to floats.
//
//   Philox rng(seed, seed2);
//   std::array<uint32_t, 4> block = rng.Next();   // 128 random bits, counter + 1
//   float u = UniformFloat(block[0]);             // [0, 1)
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace tfldbg::random {

class Philox {
 public:
  using Block = std::array<uint32_t, 4>;

  // seed: the key; seed2: the high half of the 128-bit counter.
  Philox(uint64_t seed, uint64_t seed2) {
    key_[0] = static_cast<uint32_t>(seed);
    key_[1] = static_cast<uint32_t>(seed >> 32);
    counter_[2] = static_cast<uint32_t>(seed2);
    counter_[3] = static_cast<uint32_t>(seed2 >> 32);
  }

  // The next 128 bits: ten rounds on the counter, then the counter advances by one.
  Block Next() {
    Block c = counter_;
    uint32_t k0 = key_[0], k1 = key_[1];
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        k0 += kKeyStep0;
        k1 += kKeyStep1;
      }
      const uint64_t p0 = static_cast<uint64_t>(kMul0) * c[0];
      const uint64_t p1 = static_cast<uint64_t>(kMul1) * c[2];
      c = {static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k0, static_cast<uint32_t>(p1),
           static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k1, static_cast<uint32_t>(p0)};
    }
    Skip(1);
    return c;
  }

  // Advances the counter by `count` blocks, word by word as TensorFlow does
  // (a carry out of the low word into a high word of all ones is lost there,
  // and here).
  void Skip(uint64_t count) {
    const uint32_t count_lo = static_cast<uint32_t>(count);
    uint32_t count_hi = static_cast<uint32_t>(count >> 32);
    counter_[0] += count_lo;
    if (counter_[0] < count_lo) ++count_hi;
    counter_[1] += count_hi;
    if (counter_[1] < count_hi && ++counter_[2] == 0) ++counter_[3];
  }

 private:
  static constexpr uint32_t kMul0 = 0xD2511F53u;
  static constexpr uint32_t kMul1 = 0xCD9E8D57u;
  static constexpr uint32_t kKeyStep0 = 0x9E3779B9u;
  static constexpr uint32_t kKeyStep1 = 0xBB67AE85u;
  Block counter_{};
  std::array<uint32_t, 2> key_{};
};

// 23 random mantissa bits under exponent 0, minus 1: a float in [0, 1).
inline float UniformFloat(uint32_t bits) {
  const uint32_t word = (127u << 23) | (bits & 0x7fffffu);
  float f;
  std::memcpy(&f, &word, sizeof f);
  return f - 1.0f;
}

// 52 random mantissa bits (20 from x0, 32 from x1) under exponent 0, minus 1:
// a double in [0, 1).
inline double UniformDouble(uint32_t x0, uint32_t x1) {
  const uint64_t word = (uint64_t{1023} << 52) | (static_cast<uint64_t>(x0 & 0xfffffu) << 32) | x1;
  double d;
  std::memcpy(&d, &word, sizeof d);
  return d - 1.0;
}

// Box-Muller as TensorFlow writes it: u1 floored at 1e-7, the angle
// 2*pi*u2 computed in double and rounded to float, then float log, sqrt,
// sin and cos.
inline void BoxMuller(uint32_t x0, uint32_t x1, float* f0, float* f1) {
  float u1 = UniformFloat(x0);
  if (u1 < 1.0e-7f) u1 = 1.0e-7f;
  const float angle = static_cast<float>(2.0f * 3.14159265358979323846 * UniformFloat(x1));
  const float radius = std::sqrt(-2.0f * std::log(u1));
  *f0 = std::sin(angle) * radius;
  *f1 = std::cos(angle) * radius;
}

}  // namespace tfldbg::random
