// The 2-D real FFT of RFFT2D, in double: out[u][v] = sum over x < H, y < W of
// in[x][y] * exp(-2*pi*i*(u*x/H + v*y/W)) for u < H, v <= W/2, where the
// input slice is cropped or zero-padded to H x W (H and W powers of two).
//
// LiteRT runs Ooura's rdft2d in double and rounds to complex64 at the end;
// this is a radix-2 FFT in double with twiddles from std::cos/std::sin, so
// both are the exact transform within a few double ulps before the final
// rounding, and the complex64 results agree to float rounding (the sweep's
// tolerance, rtol 1e-5 / atol 1e-6, is what it checks). The imaginary parts of
// the bins that are real for any real input, (0, 0), (0, W/2), (H/2, 0) and
// (H/2, W/2), are written as -0.0, as LiteRT's reordering leaves them (even
// when the input holds NaN).
//
//   Rfft2dPlan plan;
//   plan.Reset(8, 16);                      // H, W
//   plan.Run(slice, in_h, in_w, out);       // out: H x (W/2 + 1) complex<float>
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

namespace tfldbg::signal {

// One in-place radix-2 complex FFT of length n (a power of two), forward
// (exp(-2*pi*i*k/n)): bit reversal, then log2(n) butterfly passes. `twiddle`
// holds exp(-2*pi*i*k/n) for k < n/2; `stride` steps through a strided vector.
inline void Fft(std::complex<double>* data, int64_t n, int64_t stride, const std::vector<std::complex<double>>& twiddle) {
  auto at = [&](int64_t i) -> std::complex<double>& { return data[i * stride]; };
  for (int64_t i = 1, j = 0; i < n; ++i) {
    int64_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(at(i), at(j));
  }
  for (int64_t len = 2; len <= n; len <<= 1) {
    const int64_t half = len >> 1;
    const int64_t step = n / len;
    for (int64_t start = 0; start < n; start += len) {
      for (int64_t k = 0; k < half; ++k) {
        const std::complex<double> w = twiddle[static_cast<size_t>(k * step)];
        std::complex<double>& a = at(start + k);
        std::complex<double>& b = at(start + k + half);
        // (w * b) written out, so no library complex multiply (with its
        // NaN recovery) decides the value.
        const double tr = w.real() * b.real() - w.imag() * b.imag();
        const double ti = w.real() * b.imag() + w.imag() * b.real();
        const std::complex<double> t(tr, ti);
        b = a - t;
        a = a + t;
      }
    }
  }
}

inline std::vector<std::complex<double>> Twiddles(int64_t n) {
  std::vector<std::complex<double>> w(static_cast<size_t>(std::max<int64_t>(n / 2, 1)));
  const double pi = 3.14159265358979323846;
  for (int64_t k = 0; k < n / 2; ++k) {
    const double angle = -2.0 * pi * static_cast<double>(k) / static_cast<double>(n);
    w[static_cast<size_t>(k)] = {std::cos(angle), std::sin(angle)};
  }
  return w;
}

class Rfft2dPlan {
 public:
  // fft_height, fft_width: powers of two, fft_width >= 2.
  void Reset(int64_t fft_height, int64_t fft_width) {
    height_ = fft_height;
    width_ = fft_width;
    bins_ = fft_width / 2 + 1;
    row_twiddle_ = Twiddles(fft_width);
    column_twiddle_ = Twiddles(fft_height);
    row_.assign(static_cast<size_t>(fft_width), {});
    grid_.assign(static_cast<size_t>(fft_height * bins_), {});
  }
  int64_t bins() const { return bins_; }

  // One slice: `in` is in_height x in_width floats (row-major), `out` receives
  // height x bins complex values.
  void Run(const float* in, int64_t in_height, int64_t in_width, std::complex<float>* out) {
    const int64_t rows = std::min(in_height, height_);
    const int64_t cols = std::min(in_width, width_);
    for (int64_t x = 0; x < height_; ++x) {
      std::complex<double>* bins = &grid_[static_cast<size_t>(x * bins_)];
      if (x >= rows) {
        std::fill(bins, bins + bins_, std::complex<double>());
        continue;
      }
      for (int64_t y = 0; y < width_; ++y) {
        row_[static_cast<size_t>(y)] = {y < cols ? static_cast<double>(in[x * in_width + y]) : 0.0, 0.0};
      }
      Fft(row_.data(), width_, 1, row_twiddle_);
      std::copy(row_.begin(), row_.begin() + bins_, bins);
    }
    for (int64_t v = 0; v < bins_; ++v) Fft(&grid_[static_cast<size_t>(v)], height_, bins_, column_twiddle_);
    for (int64_t i = 0; i < height_ * bins_; ++i) {
      const std::complex<double>& z = grid_[static_cast<size_t>(i)];
      out[i] = {static_cast<float>(z.real()), static_cast<float>(z.imag())};
    }
    // The real-valued bins: LiteRT's reordering writes their imaginary part as -0.
    for (int64_t u : {int64_t{0}, height_ / 2}) {
      for (int64_t v : {int64_t{0}, width_ / 2}) out[u * bins_ + v].imag(-0.0f);
    }
  }

 private:
  int64_t height_ = 0, width_ = 0, bins_ = 0;
  std::vector<std::complex<double>> row_twiddle_, column_twiddle_, row_, grid_;
};

}  // namespace tfldbg::signal
