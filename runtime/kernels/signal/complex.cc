// REAL, IMAG and COMPLEX_ABS: one float per complex element. complex64 gives
// float32 and complex128 gives float64, as LiteRT's complex_support.cc
// requires; the output has the input's shape. COMPLEX_ABS is std::abs of the
// complex value, which is hypot(re, im) in the C library (as in LiteRT).
#include <cmath>
#include <complex>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;

enum class Part { kReal, kImag, kAbs };

template <typename T>
T Extract(const std::complex<T>& z, Part part) {
  switch (part) {
    case Part::kReal: return z.real();
    case Part::kImag: return z.imag();
    case Part::kAbs: return std::hypot(z.real(), z.imag());
  }
  return T(0);
}

template <typename T>
void ExtractAll(const Tensor& input, Tensor& output, Part part) {
  const auto* in = input.data<std::complex<T>>();
  T* out = output.data<T>();
  const int64_t n = input.element_count();
  for (int64_t i = 0; i < n; ++i) out[i] = Extract(in[i], part);
}

template <Part kPart>
class ComplexPartKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kComplex64, DataType::kComplex128}));
    const DataType want = input.type == DataType::kComplex64 ? DataType::kFloat32 : DataType::kFloat64;
    if (output.type != want) {
      return node.UnsupportedError(std::string("output of type ") + DataTypeName(output.type) + " for a " +
                                   DataTypeName(input.type) + " input (must be " + DataTypeName(want) + ")");
    }
    return SetOutputShape(node, output, input.shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    if (input.type == DataType::kComplex64) {
      ExtractAll<float>(input, output, kPart);
    } else {
      ExtractAll<double>(input, output, kPart);
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateRealKernel() { return std::make_unique<ComplexPartKernel<Part::kReal>>(); }
std::unique_ptr<Kernel> CreateImagKernel() { return std::make_unique<ComplexPartKernel<Part::kImag>>(); }
std::unique_ptr<Kernel> CreateComplexAbsKernel() { return std::make_unique<ComplexPartKernel<Part::kAbs>>(); }

}  // namespace tfldbg
