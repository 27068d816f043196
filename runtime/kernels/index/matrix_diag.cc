// MATRIX_DIAG (a batch of vectors to diagonal matrices, zero elsewhere) and
// MATRIX_SET_DIAG (a batch of matrices with their main diagonal replaced), as
// LiteRT's matrix_diag.cc and matrix_set_diag.cc compute them.
//
// LiteRT copies elements as float32/int8/uint8/int16/int32/int64 and treats
// every other type as float32: uint32 survives that (same width), but bool,
// float16, uint16 and float64 are read and written with the wrong element
// width (out of bounds, no defined result), so tfldbg refuses them
// (docs/litert-defects.md).
#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr std::array<DataType, 7> kDiagTypes = {DataType::kFloat32, DataType::kInt8,  DataType::kUInt8, DataType::kInt16,
                                                DataType::kInt32,   DataType::kInt64, DataType::kUInt32};

Status CheckDiagType(const NodeContext& node, const Tensor& t, const char* name) {
  for (DataType allowed : kDiagTypes) {
    if (t.type == allowed) return Status::Ok();
  }
  return node.UnsupportedError(std::string(name) + " has type " + DataTypeName(t.type) +
                               ", which LiteRT reads as float32 (out of bounds, no defined result); supported: float32, "
                               "int8, uint8, int16, int32, int64, uint32");
}

// --- MATRIX_DIAG -----------------------------------------------------------------------------

class MatrixDiagKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "diagonal"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckDiagType(node, input, "diagonal"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "diagonal", output, "output"));
    if (input.rank() < 1) return node.InvalidModelError("the diagonal must have at least one dimension");
    std::vector<int32_t> shape = input.shape;
    shape.push_back(input.shape.back());
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    const size_t element = ElementBytes(input.type);
    const int64_t n = input.shape.back();
    const int64_t batches = Product(input.shape, 0, input.rank() - 1);
    std::memset(output.bytes, 0, output.byte_size);
    for (int64_t b = 0; b < batches; ++b) {
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(output.bytes + static_cast<size_t>((b * n + i) * n + i) * element,
                    input.bytes + static_cast<size_t>(b * n + i) * element, element);
      }
    }
    return Status::Ok();
  }
};

// --- MATRIX_SET_DIAG -------------------------------------------------------------------------

class MatrixSetDiagKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "diagonal"));
    const Tensor& input = *node.input(0);
    const Tensor& diagonal = *node.input(1);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckDiagType(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    // LiteRT reads the diagonal as the input's type and walks it flat, one
    // value per diagonal element of every matrix; it checks neither, so a
    // diagonal of another type or with fewer values is read out of bounds.
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", diagonal, "diagonal"));
    if (input.rank() < 2) return node.InvalidModelError("the input must have at least two dimensions");
    const int64_t rows = input.dim(input.rank() - 2);
    const int64_t cols = input.dim(input.rank() - 1);
    const int64_t needed = Product(input.shape, 0, input.rank() - 2) * std::min(rows, cols);
    if (diagonal.element_count() < needed) {
      return node.InvalidModelError("diagonal " + ShapeToString(diagonal.shape) + " holds " +
                                    std::to_string(diagonal.element_count()) + " values; the diagonals of input " +
                                    ShapeToString(input.shape) + " need " + std::to_string(needed));
    }
    return SetOutputShape(node, output, input.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    const Tensor& diagonal = *node.input(1);
    Tensor& output = *node.output(0);
    const size_t element = ElementBytes(input.type);
    const int64_t rows = input.dim(input.rank() - 2);
    const int64_t cols = input.dim(input.rank() - 1);
    const int64_t batches = Product(input.shape, 0, input.rank() - 2);
    const int64_t n = std::min(rows, cols);
    if (output.bytes != input.bytes) CopyBytes(output.bytes, input.bytes, input.byte_size);
    for (int64_t b = 0; b < batches; ++b) {
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(output.bytes + static_cast<size_t>((b * rows + i) * cols + i) * element,
                    diagonal.bytes + static_cast<size_t>(b * n + i) * element, element);
      }
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateMatrixDiagKernel() { return std::make_unique<MatrixDiagKernel>(); }
std::unique_ptr<Kernel> CreateMatrixSetDiagKernel() { return std::make_unique<MatrixSetDiagKernel>(); }

}  // namespace tfldbg
