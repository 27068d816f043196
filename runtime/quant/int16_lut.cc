#include "quant/int16_lut.h"

#include <algorithm>
#include <cmath>

namespace tfldbg::quant {
namespace {

// An entry narrowed to int16 as LiteRT's build narrows it: clamped in float;
// NaN (an entry of a function that overflowed to infinity, inf - inf) becomes 0,
// what x86's conversion gives LiteRT (0x80000000, truncated to 16 bits).
template <typename FloatT>
int16_t NarrowEntry(FloatT v) {
  if (std::isnan(v)) return 0;
  return static_cast<int16_t>(std::min(std::max(v, static_cast<FloatT>(-32768)), static_cast<FloatT>(32767)));
}

template <typename FloatT, typename Fn>
void BuildInt16LutIn(Fn fn, FloatT input_min, FloatT input_max, FloatT output_min, FloatT output_max,
                     int16_t* lut) {
  constexpr int kSteps = kInt16LutSize - 1;
  const FloatT step = (input_max - input_min) / kSteps;
  const FloatT half_step = step / 2;
  const FloatT output_scaling_inv = static_cast<FloatT>(65536) / (output_max - output_min);
  for (int i = 0; i < kSteps; ++i) {
    // The three abscissae are computed as TFLite computes them (i·step, not
    // an accumulated sum) so the float rounding matches.
    const FloatT value = fn(input_min + i * step);
    const FloatT value_midpoint = fn(input_min + i * step + half_step);
    const FloatT value_next = fn(input_min + (i + 1) * step);
    const FloatT sample = std::round(value * output_scaling_inv);
    // Where straight-line interpolation from this entry would land at the
    // segment midpoint, against the true midpoint; half that error is
    // subtracted from the entry so the error is spread over the segment.
    const FloatT midpoint_interpolated = std::round((value_next * output_scaling_inv + sample) / 2);
    const FloatT midpoint = std::round(value_midpoint * output_scaling_inv);
    const FloatT bias = std::round((midpoint_interpolated - midpoint) / 2);
    lut[i] = NarrowEntry(sample - bias);
  }
  // The end point only serves as the last segment's slope: no bias.
  lut[kSteps] = NarrowEntry(std::round(fn(input_max) * output_scaling_inv));
}

}  // namespace

void BuildInt16Lut(double (*fn)(double), double input_min, double input_max, double output_min, double output_max,
                   int16_t* lut) {
  BuildInt16LutIn(fn, input_min, input_max, output_min, output_max, lut);
}

void BuildInt16Lut(float (*fn)(float), float input_min, float input_max, float output_min, float output_max,
                   int16_t* lut) {
  BuildInt16LutIn(fn, input_min, input_max, output_min, output_max, lut);
}

void BuildInt16Lut(float (*fn)(float, const void*), const void* params, float input_min, float input_max,
                   float output_min, float output_max, int16_t* lut) {
  BuildInt16LutIn([fn, params](float x) { return fn(x, params); }, input_min, input_max, output_min, output_max, lut);
}

int16_t Int16LutLookup(int16_t value, const int16_t* lut) {
  const int v = value;
  // floor(v / 128) without shifting a negative number: index in [0, 511].
  const int index = 256 + (v >= 0 ? (v >> 7) : ~((~v) >> 7));
  const int offset = v & 0x7f;
  const int base = lut[index];
  const int16_t slope = static_cast<int16_t>(lut[index + 1] - lut[index]);
  // |slope·offset + 64| < 2^22, so the floor shift is exact and safe.
  const int scaled = slope * offset + 64;
  const int delta = scaled >= 0 ? (scaled >> 7) : ~((~scaled) >> 7);
  return static_cast<int16_t>(base + delta);
}

}  // namespace tfldbg::quant
