#include "kernels/layout/transpose_math.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace tfldbg::math {
namespace {

std::vector<int32_t> Iota(int n) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

std::vector<int32_t> RunTranspose(const std::vector<int32_t>& shape, const std::vector<int>& perm) {
  int n = 1;
  for (int32_t d : shape) n *= d;
  const std::vector<int32_t> in = Iota(n);
  std::vector<int32_t> out(static_cast<size_t>(n), -1);
  Transpose(shape, perm, sizeof(int32_t), reinterpret_cast<const uint8_t*>(in.data()), reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

TEST(Transpose, SwapsTheAxesOfAMatrix) {
  EXPECT_EQ(RunTranspose({2, 3}, {1, 0}), (std::vector<int32_t>{0, 3, 1, 4, 2, 5}));
}

TEST(Transpose, MovesTheLastAxisFirst) {
  // in[a][b][c] = 12a + 4b + c (shape [2, 3, 4]); out[c][a][b].
  const std::vector<int32_t> out = RunTranspose({2, 3, 4}, {2, 0, 1});
  for (int c = 0; c < 4; ++c) {
    for (int a = 0; a < 2; ++a) {
      for (int b = 0; b < 3; ++b) EXPECT_EQ(out[static_cast<size_t>((c * 2 + a) * 3 + b)], 12 * a + 4 * b + c);
    }
  }
}

TEST(Transpose, HandlesSixDimensions) {
  const std::vector<int32_t> shape{2, 1, 3, 2, 2, 3};
  const std::vector<int> perm{5, 3, 0, 4, 2, 1};
  const std::vector<int32_t> out = RunTranspose(shape, perm);
  // Check against the index formula element by element.
  std::vector<int64_t> stride(6, 1);
  for (int d = 4; d >= 0; --d) stride[static_cast<size_t>(d)] = stride[static_cast<size_t>(d + 1)] * shape[static_cast<size_t>(d + 1)];
  std::vector<int32_t> oshape;
  for (int p : perm) oshape.push_back(shape[static_cast<size_t>(p)]);
  std::vector<int32_t> idx(6, 0);
  for (size_t o = 0; o < out.size(); ++o) {
    int64_t src = 0;
    for (size_t d = 0; d < 6; ++d) src += idx[d] * stride[static_cast<size_t>(perm[d])];
    ASSERT_EQ(out[o], src) << "output element " << o;
    for (int d = 5; d >= 0; --d) {
      if (++idx[static_cast<size_t>(d)] < oshape[static_cast<size_t>(d)]) break;
      idx[static_cast<size_t>(d)] = 0;
    }
  }
}

}  // namespace
}  // namespace tfldbg::math
