// Fixed-point arithmetic of TFLite's quantized kernels (placeholder until the
// full library lands: only the rounding mode is needed by the interpreter core).
#pragma once

namespace tfldbg::quant {

// kDouble: LiteRT's default reference build; kSingle: TFLITE_SINGLE_ROUNDING, ruy, CMSIS-NN.
enum class RoundingMode { kDouble, kSingle };

}  // namespace tfldbg::quant
