// Unit tests of RFFT2D's math: the radix-2 FFT against a direct DFT in long
// double, cropping and zero-padding of the slice, and the -0 imaginary parts
// of the four real-valued bins.
#include "kernels/signal/rfft2d_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <random>
#include <vector>

namespace tfldbg::signal {
namespace {

// The transform of the H x W slice (in cropped or zero-padded), directly.
std::vector<std::complex<long double>> Dft(const std::vector<float>& in, int64_t in_h, int64_t in_w, int64_t h,
                                           int64_t w) {
  const long double pi = 3.141592653589793238462643383279502884L;
  std::vector<std::complex<long double>> out;
  for (int64_t u = 0; u < h; ++u) {
    for (int64_t v = 0; v <= w / 2; ++v) {
      std::complex<long double> sum = 0;
      for (int64_t x = 0; x < std::min(h, in_h); ++x) {
        for (int64_t y = 0; y < std::min(w, in_w); ++y) {
          const long double angle = -2 * pi * (static_cast<long double>(u * x % h) / h + static_cast<long double>(v * y % w) / w);
          sum += static_cast<long double>(in[static_cast<size_t>(x * in_w + y)]) * std::polar(1.0L, angle);
        }
      }
      out.push_back(sum);
    }
  }
  return out;
}

void ExpectMatchesDft(int64_t in_h, int64_t in_w, int64_t h, int64_t w) {
  std::mt19937 rng(static_cast<uint32_t>(in_h * 1000 + in_w * 100 + h * 10 + w));
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> in(static_cast<size_t>(in_h * in_w));
  for (float& v : in) v = d(rng);
  Rfft2dPlan plan;
  plan.Reset(h, w);
  std::vector<std::complex<float>> out(static_cast<size_t>(h * plan.bins()));
  plan.Run(in.data(), in_h, in_w, out.data());
  const auto want = Dft(in, in_h, in_w, h, w);
  for (size_t i = 0; i < out.size(); ++i) {
    // The FFT in double, rounded once to float: within one float ulp of the exact value.
    const float re = static_cast<float>(want[i].real()), im = static_cast<float>(want[i].imag());
    EXPECT_NEAR(out[i].real(), re, 4e-7 * (1 + std::abs(re)) + 1e-12) << in_h << "x" << in_w << " -> " << h << "x" << w << " #" << i;
    EXPECT_NEAR(out[i].imag(), im, 4e-7 * (1 + std::abs(im)) + 1e-12) << in_h << "x" << in_w << " -> " << h << "x" << w << " #" << i;
  }
}

TEST(Rfft2d, MatchesTheDirectTransform) {
  ExpectMatchesDft(4, 4, 4, 4);
  ExpectMatchesDft(8, 16, 8, 16);
  ExpectMatchesDft(1, 8, 1, 8);
  ExpectMatchesDft(2, 2, 2, 2);
  ExpectMatchesDft(32, 8, 32, 8);
}

TEST(Rfft2d, CropsAndZeroPadsTheSlice) {
  ExpectMatchesDft(3, 5, 8, 8);   // padded both ways
  ExpectMatchesDft(9, 7, 4, 2);   // cropped both ways
  ExpectMatchesDft(6, 3, 4, 8);   // cropped rows, padded columns
}

TEST(Rfft2d, RealValuedBinsHaveNegativeZeroImaginaryParts) {
  std::vector<float> in(16, 0.0f);
  in[0] = std::nanf("");
  Rfft2dPlan plan;
  plan.Reset(4, 4);
  std::vector<std::complex<float>> out(static_cast<size_t>(4 * plan.bins()));
  plan.Run(in.data(), 4, 4, out.data());
  for (int64_t u : {0, 2}) {
    for (int64_t v : {0, 2}) {
      const std::complex<float> z = out[static_cast<size_t>(u * plan.bins() + v)];
      EXPECT_TRUE(std::isnan(z.real()));
      EXPECT_EQ(z.imag(), 0.0f);
      EXPECT_TRUE(std::signbit(z.imag()));
    }
  }
}

}  // namespace
}  // namespace tfldbg::signal
