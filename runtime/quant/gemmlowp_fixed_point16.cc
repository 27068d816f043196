#include "quant/gemmlowp_fixed_point16.h"

namespace tfldbg::quant {

int16_t ApplyTanh16(int integer_bits, int16_t x) {
  switch (integer_bits) {
    case 0: return Tanh16(Fixed16<0>::FromRaw(x)).raw;
    case 1: return Tanh16(Fixed16<1>::FromRaw(x)).raw;
    case 2: return Tanh16(Fixed16<2>::FromRaw(x)).raw;
    case 3: return Tanh16(Fixed16<3>::FromRaw(x)).raw;
    case 4: return Tanh16(Fixed16<4>::FromRaw(x)).raw;
    case 5: return Tanh16(Fixed16<5>::FromRaw(x)).raw;
    default: return Tanh16(Fixed16<6>::FromRaw(x)).raw;
  }
}

}  // namespace tfldbg::quant
