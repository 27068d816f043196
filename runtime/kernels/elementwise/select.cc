// SELECT and SELECT_V2: out = condition ? x : y, elementwise, for values of
// any type of 1, 2, 4 or 8 bytes (copied, never converted: quantized values
// keep their raw bytes whatever the output's quantization), as LiteRT does.
//   SELECT      equal shapes; or a scalar condition choosing all of x or y; or
//               a rank-1 condition choosing rows (x's first dimension) of x
//               or y, which then have one shape.
//   SELECT_V2   NumPy broadcasting of all three, up to 8 dimensions.
// When condition, x, y and the output each hold one element, both keep the
// output shape the model declares (LiteRT's scalar special case).
#include <cstring>

#include "kernels/common/broadcast.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kCondition = 0;
constexpr int kX = 1;
constexpr int kY = 2;
constexpr int kOutput = 0;

class SelectKernel : public Kernel {
 public:
  explicit SelectKernel(bool broadcasting) : broadcasting_(broadcasting) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kCondition, "condition"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kX, "x"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kY, "y"));
    const Tensor& cond = *node.input(kCondition);
    const Tensor& x = *node.input(kX);
    const Tensor& y = *node.input(kY);
    Tensor& out = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, cond, "condition", {DataType::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, x, "x", y, "y"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, x, "x", out, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, x, "x"));
    element_bytes_ = ElementBytes(x.type);
    if (element_bytes_ != 1 && element_bytes_ != 2 && element_bytes_ != 4 && element_bytes_ != 8) {
      return node.UnsupportedError(std::string(DataTypeName(x.type)) + " values (LiteRT selects 1, 2, 4 or 8-byte elements)");
    }
    mode_ = Mode::kElementwise;
    if (cond.element_count() == 1 && x.element_count() == 1 && y.element_count() == 1 && out.element_count() == 1 &&
        !node.stored_shapes_stale) {
      mode_ = Mode::kSingle;
      return SetOutputShape(node, out, out.shape);
    }
    if (broadcasting_) {
      if (!broadcast_.Init({&cond.shape, &x.shape, &y.shape})) {
        return node.UnsupportedError("cannot broadcast condition " + ShapeToString(cond.shape) + ", x " +
                                     ShapeToString(x.shape) + " and y " + ShapeToString(y.shape) +
                                     " (NumPy rules, at most 8 dimensions)");
      }
      mode_ = Mode::kBroadcast;
      return SetOutputShape(node, out, broadcast_.output_shape());
    }
    if (cond.shape == x.shape && x.shape == y.shape) return SetOutputShape(node, out, x.shape);
    if (x.shape != y.shape) {
      return node.UnsupportedError("SELECT of x " + ShapeToString(x.shape) + " and y " + ShapeToString(y.shape) +
                                   ": x and y need one shape (SELECT_V2 broadcasts)");
    }
    if (cond.rank() == 0) {
      mode_ = Mode::kWhole;
    } else if (cond.rank() == 1 && x.rank() >= 1 && cond.dim(0) == x.dim(0)) {
      mode_ = Mode::kRows;
    } else {
      return node.UnsupportedError("SELECT of condition " + ShapeToString(cond.shape) + " and x " + ShapeToString(x.shape) +
                                   ": the condition must have x's shape, be a scalar or a vector along x's first "
                                   "dimension (SELECT_V2 broadcasts)");
    }
    return SetOutputShape(node, out, x.shape);
  }

  Status Eval(NodeContext& node) override {
    switch (element_bytes_) {
      case 1: Run<uint8_t>(node); break;
      case 2: Run<uint16_t>(node); break;
      case 4: Run<uint32_t>(node); break;
      case 8: Run<uint64_t>(node); break;
      default: return node.RuntimeFailure("unexpected element size");
    }
    return Status::Ok();
  }

 private:
  enum class Mode { kElementwise, kSingle, kBroadcast, kWhole, kRows };

  // T: an unsigned integer of the element's size; values are copied as bits.
  template <typename T>
  void Run(NodeContext& node) const {
    const Tensor& cond_tensor = *node.input(kCondition);
    const uint8_t* cond = cond_tensor.bytes;
    const T* x = node.input(kX)->data<T>();
    const T* y = node.input(kY)->data<T>();
    T* out = node.output(kOutput)->data<T>();
    switch (mode_) {
      case Mode::kSingle: out[0] = cond[0] != 0 ? x[0] : y[0]; return;
      case Mode::kBroadcast:
        broadcast_.ForEach([&](int64_t o, const std::array<int64_t, 3>& i) { out[o] = cond[i[0]] != 0 ? x[i[1]] : y[i[2]]; });
        return;
      case Mode::kElementwise: {
        const int64_t n = node.output(kOutput)->element_count();
        for (int64_t i = 0; i < n; ++i) out[i] = cond[i] != 0 ? x[i] : y[i];
        return;
      }
      case Mode::kWhole:
      case Mode::kRows: {
        // A row per condition element: all of x (or y) when the condition is a scalar.
        const int64_t rows = cond_tensor.element_count();
        const int64_t row_size = rows == 0 ? 0 : node.output(kOutput)->element_count() / rows;
        for (int64_t r = 0; r < rows; ++r) {
          const T* from = (cond[r] != 0 ? x : y) + r * row_size;
          for (int64_t j = 0; j < row_size; ++j) out[r * row_size + j] = from[j];
        }
        return;
      }
    }
  }

  bool broadcasting_;
  Mode mode_ = Mode::kElementwise;
  size_t element_bytes_ = 1;
  math::BroadcastN<3> broadcast_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSelectKernel() { return std::make_unique<SelectKernel>(false); }
std::unique_ptr<Kernel> CreateSelectV2Kernel() { return std::make_unique<SelectKernel>(true); }

}  // namespace tfldbg
