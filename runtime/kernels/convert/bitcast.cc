// BITCAST: the same bytes read as another type. A wider input gains a last
// dimension of in/out size, a narrower one loses its last dimension (which
// must be out/in size), equal sizes keep the shape: LiteRT's rule.
#include <string>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// The types LiteRT gives a size to (GetSizeOfType), all of whole bytes.
const std::initializer_list<DataType> kBitcastTypes = {
    DataType::kFloat32, DataType::kFloat16, DataType::kBFloat16, DataType::kFloat64,   DataType::kInt8,
    DataType::kUInt8,   DataType::kInt16,   DataType::kUInt16,   DataType::kInt32,     DataType::kUInt32,
    DataType::kInt64,   DataType::kUInt64,  DataType::kBool,     DataType::kComplex64, DataType::kComplex128};

class BitcastKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", kBitcastTypes));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", kBitcastTypes));
    const int64_t in_size = static_cast<int64_t>(ElementBytes(input.type));
    const int64_t out_size = static_cast<int64_t>(ElementBytes(output.type));
    std::vector<int32_t> shape = input.shape;
    if (in_size > out_size) {
      shape.push_back(static_cast<int32_t>(in_size / out_size));
    } else if (in_size < out_size) {
      // LiteRT reads the last dimension without checking the rank is > 0.
      if (input.rank() == 0 || input.dim(input.rank() - 1) != out_size / in_size) {
        return node.InvalidModelError("a " + std::string(DataTypeName(input.type)) + " input to " + DataTypeName(output.type) +
                                      " needs a last dimension of " + std::to_string(out_size / in_size) + ", got " +
                                      ShapeToString(input.shape));
      }
      shape.pop_back();
    }
    return SetOutputShape(node, output, shape);
  }
  Status Eval(NodeContext& node) override { return CopyInputToOutput(node); }
};

}  // namespace

std::unique_ptr<Kernel> CreateBitcastKernel() { return std::make_unique<BitcastKernel>(); }

}  // namespace tfldbg
