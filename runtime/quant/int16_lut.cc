#include "quant/int16_lut.h"

#include <algorithm>
#include <cmath>

namespace tfldbg::quant {

void BuildInt16Lut(double (*fn)(double), double input_min, double input_max, double output_min, double output_max,
                   int16_t* lut) {
  constexpr int kSteps = 512;
  const double step = (input_max - input_min) / kSteps;
  const double half_step = step / 2;
  const double output_scaling_inv = 65536.0 / (output_max - output_min);
  const double table_min = -32768.0, table_max = 32767.0;
  for (int i = 0; i < kSteps; ++i) {
    const double value = fn(input_min + i * step);
    const double value_midpoint = fn(input_min + i * step + half_step);
    const double value_next = fn(input_min + (i + 1) * step);
    const double sample = std::round(value * output_scaling_inv);
    const double midpoint_interpolated = std::round((value_next * output_scaling_inv + std::round(value * output_scaling_inv)) / 2);
    const double midpoint = std::round(value_midpoint * output_scaling_inv);
    const double bias = std::round((midpoint_interpolated - midpoint) / 2);
    lut[i] = static_cast<int16_t>(std::min(std::max(sample - bias, table_min), table_max));
  }
  lut[kSteps] = static_cast<int16_t>(std::min(std::max(std::round(fn(input_max) * output_scaling_inv), table_min), table_max));
}

int16_t Int16LutLookup(int16_t value, const int16_t* lut) {
  const int index = 256 + (value >> 7);  // arithmetic shift of a small value: well defined for int
  const int offset = value & 0x7f;
  const int base = lut[index];
  const int slope = lut[index + 1] - lut[index];
  const int delta = (slope * offset + 64) >> 7;
  return static_cast<int16_t>(base + delta);
}

}  // namespace tfldbg::quant
