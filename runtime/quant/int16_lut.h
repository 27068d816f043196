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

// TFLite's gen_lut<FloatT, int16_t, int16_t>. The arithmetic is done in the
// function's own float type: LiteRT builds some tables in double (the legacy
// SOFTMAX path) and others in float (LUTPopulate<int16_t>), and the two can
// differ in an entry, so pick the overload that matches the kernel copied.
void BuildInt16Lut(double (*fn)(double), double input_min, double input_max, double output_min, double output_max,
                   int16_t* lut);
void BuildInt16Lut(float (*fn)(float), float input_min, float input_max, float output_min, float output_max,
                   int16_t* lut);
// The float form with a function that takes parameters (LiteRT's
// LUTPopulate<int16_t> with transform_params: RSQRT's and LOG's value for
// inputs <= 0).
void BuildInt16Lut(float (*fn)(float, const void*), const void* params, float input_min, float input_max,
                   float output_min, float output_max, int16_t* lut);

// TFLite's LUTLookup / generic_int16_table_lookup: the top 9 bits of the input
// pick a segment, the low 7 bits interpolate (rounded, Q0.7). The slope is
// kept in int16 as TFLite keeps it, so a segment rising by more than 32767
// wraps exactly as it does there.
int16_t Int16LutLookup(int16_t value, const int16_t* lut);

}  // namespace tfldbg::quant
