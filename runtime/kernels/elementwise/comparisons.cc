// LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL with broadcasting:
// bool outputs. float32, int32, int64, bool (EQUAL/NOT_EQUAL), int16, and
// quantized int8/uint8 (and int16 for EQUAL/NOT_EQUAL when quantized), which
// LiteRT compares after rescaling both sides: (q - zp)·2^8 times each input's
// own scale as a fixed-point multiplier. int16 LESS/GREATER compare the raw
// integers, as LiteRT does.
#include "kernels/kernel.h"
#include "kernels/common/broadcast.h"

namespace tfldbg {
namespace {

enum class Comparison { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

template <typename T>
bool Compare(Comparison c, T a, T b) {
  switch (c) {
    case Comparison::kLess: return a < b;
    case Comparison::kLessEqual: return a <= b;
    case Comparison::kGreater: return a > b;
    case Comparison::kGreaterEqual: return a >= b;
    case Comparison::kEqual: return a == b;
    case Comparison::kNotEqual: return a != b;
  }
  return false;
}

class ComparisonKernel : public Kernel {
 public:
  explicit ComparisonKernel(Comparison c) : comparison_(c) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input1"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "input2"));
    const Tensor& a = *node.input(0);
    const Tensor& b = *node.input(1);
    const bool equality = comparison_ == Comparison::kEqual || comparison_ == Comparison::kNotEqual;
    if (equality) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {DataType::kFloat32, DataType::kInt32, DataType::kInt64,
                                                           DataType::kInt8, DataType::kUInt8, DataType::kInt16,
                                                           DataType::kBool, DataType::kString}));
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {DataType::kFloat32, DataType::kInt32, DataType::kInt64,
                                                           DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", b, "input2"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(0), "output", {DataType::kBool}));
    scaled_ = a.type == DataType::kInt8 || a.type == DataType::kUInt8 ||
              (a.type == DataType::kInt16 && equality && !a.quant.empty());
    if (a.type == DataType::kInt16 && comparison_ == Comparison::kNotEqual && a.quant.empty()) {
      return node.UnsupportedError("NOT_EQUAL of int16 without quantization (LiteRT leaves the output unwritten)");
    }
    if (scaled_) {
      for (const Tensor* t : {&a, &b}) {
        if (t->quant.empty() || t->quant.per_channel()) {
          return node.InvalidModelError("quantized input '" + t->name + "' needs one scale and zero point");
        }
        if (!(t->scale() > 0.0f && t->scale() < 1.0f)) {
          return node.UnsupportedError("input scale " + std::to_string(t->scale()) +
                                       " (LiteRT's rescaled comparison is defined for scales in (0, 1))");
        }
      }
      m1_ = quant::QuantizeMultiplierSmallerThanOneExp(a.scale(), node.rounding);
      m2_ = quant::QuantizeMultiplierSmallerThanOneExp(b.scale(), node.rounding);
      zp1_ = a.zero_point();
      zp2_ = b.zero_point();
      rounding_ = node.rounding;
    }
    if (!broadcast_.Init(a.shape, b.shape)) {
      return node.InvalidModelError("shapes " + ShapeToString(a.shape) + " and " + ShapeToString(b.shape) +
                                    " do not broadcast (up to 6 dimensions)");
    }
    return SetOutputShape(node, *node.output(0), broadcast_.output_shape());
  }

  Status Eval(NodeContext& node) override {
    // Strings: equal strings get equal int32 ids, compared as int32.
    if (node.input(0)->type == DataType::kString) return EvalOnStringIds(node, {0, 1}, -1, true, [&] { return EvalTyped(node); });
    return EvalTyped(node);
  }

 private:
  Status EvalTyped(NodeContext& node) {
    const Tensor& a = *node.input(0);
    const Tensor& b = *node.input(1);
    uint8_t* y = node.output(0)->bytes;
    switch (a.type) {
      case DataType::kFloat32: Run(a.data<float>(), b.data<float>(), y); break;
      case DataType::kInt32: Run(a.data<int32_t>(), b.data<int32_t>(), y); break;
      case DataType::kInt64: Run(a.data<int64_t>(), b.data<int64_t>(), y); break;
      case DataType::kInt8: RunScaled(a.data<int8_t>(), b.data<int8_t>(), y); break;
      case DataType::kUInt8: RunScaled(a.data<uint8_t>(), b.data<uint8_t>(), y); break;
      case DataType::kInt16:
        if (scaled_) {
          RunScaled(a.data<int16_t>(), b.data<int16_t>(), y);
        } else {
          Run(a.data<int16_t>(), b.data<int16_t>(), y);
        }
        break;
      case DataType::kBool: Run(a.data<uint8_t>(), b.data<uint8_t>(), y); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

  template <typename T>
  void Run(const T* a, const T* b, uint8_t* y) const {
    broadcast_.ForEach([&](int64_t out, int64_t i, int64_t j) { y[out] = Compare(comparison_, a[i], b[j]) ? 1 : 0; });
  }

  template <typename T>
  void RunScaled(const T* a, const T* b, uint8_t* y) const {
    auto scale = [this](int32_t q, int32_t zp, quant::QuantizedMultiplier m) {
      return quant::MultiplyByQuantizedMultiplierSmallerThanOneExp((q - zp) * (1 << 8), m, rounding_);
    };
    broadcast_.ForEach([&](int64_t out, int64_t i, int64_t j) {
      y[out] = Compare(comparison_, scale(a[i], zp1_, m1_), scale(b[j], zp2_, m2_)) ? 1 : 0;
    });
  }

  Comparison comparison_;
  math::Broadcast broadcast_;
  bool scaled_ = false;
  quant::QuantizedMultiplier m1_, m2_;
  int32_t zp1_ = 0, zp2_ = 0;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
};

}  // namespace

std::unique_ptr<Kernel> CreateLessKernel() { return std::make_unique<ComparisonKernel>(Comparison::kLess); }
std::unique_ptr<Kernel> CreateLessEqualKernel() { return std::make_unique<ComparisonKernel>(Comparison::kLessEqual); }
std::unique_ptr<Kernel> CreateGreaterKernel() { return std::make_unique<ComparisonKernel>(Comparison::kGreater); }
std::unique_ptr<Kernel> CreateGreaterEqualKernel() { return std::make_unique<ComparisonKernel>(Comparison::kGreaterEqual); }
std::unique_ptr<Kernel> CreateEqualKernel() { return std::make_unique<ComparisonKernel>(Comparison::kEqual); }
std::unique_ptr<Kernel> CreateNotEqualKernel() { return std::make_unique<ComparisonKernel>(Comparison::kNotEqual); }

}  // namespace tfldbg
