// The counter-based generators of STABLEHLO_RNG_BIT_GENERATOR (Salmon et
// al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), as LiteRT's
// rng_util computes them: Threefry2x32 with 20 rounds, Philox4x32 with 10.
#pragma once

#include <array>
#include <cstdint>

namespace tfldbg::math {

inline uint32_t RotateLeft(uint32_t x, int bits) { return (x << bits) | (x >> (32 - bits)); }

inline std::array<uint32_t, 2> Threefry2x32(uint32_t key0, uint32_t key1, std::array<uint32_t, 2> ctr) {
  constexpr int kRotations[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const uint32_t key2 = key0 ^ key1 ^ 0x1BD11BDAu;
  ctr[0] += key0;
  ctr[1] += key1;
  auto round = [&](int r, uint32_t ks0, uint32_t ks1, uint32_t b) {
    for (int rot : kRotations[r]) {
      ctr[0] += ctr[1];
      ctr[1] = RotateLeft(ctr[1], rot) ^ ctr[0];
    }
    ctr[0] += ks0;
    ctr[1] += ks1 + b;
  };
  round(0, key1, key2, 1);
  round(1, key2, key0, 2);
  round(0, key0, key1, 3);
  round(1, key1, key2, 4);
  round(0, key2, key0, 5);
  return ctr;
}

inline std::array<uint32_t, 4> Philox4x32(uint32_t key0, uint32_t key1, std::array<uint32_t, 4> ctr) {
  for (int i = 0; i < 10; ++i) {
    const uint64_t p0 = uint64_t{0xD2511F53u} * ctr[0];
    const uint64_t p1 = uint64_t{0xCD9E8D57u} * ctr[2];
    ctr = {static_cast<uint32_t>(p1 >> 32) ^ ctr[1] ^ key0, static_cast<uint32_t>(p1),
           static_cast<uint32_t>(p0 >> 32) ^ ctr[3] ^ key1, static_cast<uint32_t>(p0)};
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
  return ctr;
}

}  // namespace tfldbg::math
