// Four float lanes in GCC's generic vectors (SSE2 on x86-64, NEON on Arm), for
// scalar kernels whose loops the compiler does not vectorize on its own: a
// std::min / std::max is a branch it may not if-convert while floating-point
// comparisons can trap. Each lane computes what the scalar code computes, the
// same operations on the same values (the build has -ffp-contract=off: no
// product is fused into an add), so the same bits.
//
//   lanes::F4 v = lanes::Load(p);
//   lanes::Store(p, lanes::Min(lanes::Splat(hi), lanes::Max(lanes::Splat(lo), v)));  // std::min(hi, std::max(lo, x))
#pragma once

#include <cstdint>
#include <cstring>

namespace tfldbg::math::lanes {

typedef float F4 __attribute__((vector_size(16)));
typedef int32_t I4 __attribute__((vector_size(16)));

inline F4 Splat(float v) { return F4{v, v, v, v}; }
inline F4 Load(const float* p) {
  F4 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline void Store(float* p, F4 v) { std::memcpy(p, &v, sizeof(v)); }
// mask ? a : b per lane (mask lanes all ones or all zeros, as comparisons give).
inline F4 Select(I4 mask, F4 a, F4 b) {
  return reinterpret_cast<F4>((mask & reinterpret_cast<I4>(a)) | (~mask & reinterpret_cast<I4>(b)));
}
// std::min(a, b) and std::max(a, b) lane by lane, NaNs and signed zeros
// included: (b < a) ? b : a and (a < b) ? b : a.
inline F4 Min(F4 a, F4 b) { return Select(b < a, b, a); }
inline F4 Max(F4 a, F4 b) { return Select(a < b, b, a); }

}  // namespace tfldbg::math::lanes
