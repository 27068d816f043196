// The interpolated int16 lookup tables of TFLite's int16 activations
// (SOFTMAX, LOGISTIC, TANH): 512 segments over [input_min, input_max] plus one
// end point, each entry biased so that linear interpolation between entries
// errs evenly around the segment's midpoint.
//
//   std::array<int16_t, kInt16LutSize> exp_lut;
//   BuildInt16Lut([](double x) { return std::exp(x); }, -10.0, 0.0, -1.0, 1.0, exp_lut.data());
//   int16_t y = Int16LutLookup(x, exp_lut.data());
#pragma once

#include <cstdint>

namespace tfldbg::quant {

inline constexpr int kInt16LutSize = 513;

void BuildInt16Lut(double (*fn)(double), double input_min, double input_max, double output_min, double output_max,
                   int16_t* lut);

// Looks up an int16 input (the full range maps onto the 512 segments) with
// 7-bit linear interpolation.
int16_t Int16LutLookup(int16_t value, const int16_t* lut);

}  // namespace tfldbg::quant
