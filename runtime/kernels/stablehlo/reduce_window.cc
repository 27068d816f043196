// STABLEHLO_REDUCE_WINDOW and the deprecated builtin REDUCE_WINDOW, as LiteRT's
// one kernel for both computes them:
//   1. dilate the input by base_dilations (the holes hold the init value),
//   2. pad it by `padding` (low, high per dimension; negative crops; the new
//      elements hold the init value),
//   3. reduce every window (window_dimensions, window_strides,
//      window_dilations) starting from the init value, in row-major order
//      over the window: accu = op(accu, x).
// Output dimension: 0 when the padded size is below the dilated window, else
// (padded - dilated window) / stride + 1. REDUCE_WINDOW has no base dilation
// and no padding; its window comes from three constant int64 inputs and its
// function from ReduceWindowOptions. STABLEHLO_REDUCE_WINDOW's function is
// its body subgraph, which must hold one op: [STABLEHLO_]ADD, MUL/MULTIPLY,
// MAXIMUM, MINIMUM, LOGICAL_AND/STABLEHLO_AND, LOGICAL_OR/STABLEHLO_OR.
// Types: float32, float64, int8, int16, int32, int64, uint8, bool (bool
// computed on its bytes as int8, as LiteRT does). Integers wrap; MAXIMUM is
// a >= b ? a : b and MINIMUM a <= b ? a : b (accu first); AND/OR give 0 or 1.
#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/kernel.h"
#include "kernels/stablehlo/elementwise_math.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kInitValue = 1;
constexpr int kWindowShape = 2;     // REDUCE_WINDOW only
constexpr int kWindowStrides = 3;   // REDUCE_WINDOW only
constexpr int kWindowDilations = 4; // REDUCE_WINDOW only
constexpr int kOutput = 0;
constexpr int kMaxRank = 6;

enum class Fn { kAdd, kMul, kMin, kMax, kAll, kAny };

using stablehlo::Wide;

template <Fn fn, typename T>
T Combine(T a, T b) {
  if constexpr (fn == Fn::kAll) return static_cast<T>(a && b);
  else if constexpr (fn == Fn::kAny) return static_cast<T>(a || b);
  else if constexpr (fn == Fn::kMax) return a >= b ? a : b;
  else if constexpr (fn == Fn::kMin) return a <= b ? a : b;
  else if constexpr (std::is_floating_point_v<T>) return fn == Fn::kAdd ? a + b : a * b;
  else if constexpr (fn == Fn::kAdd) return static_cast<T>(static_cast<Wide<T>>(a) + static_cast<Wide<T>>(b));
  else return static_cast<T>(static_cast<Wide<T>>(a) * static_cast<Wide<T>>(b));
}

Status ReadAttribute(const NodeContext& node, const flatbuffers::Vector<int64_t>* v, const char* name, size_t size,
                     int64_t fallback, bool required, std::vector<int64_t>& out) {
  if (v == nullptr || v->size() == 0) {
    if (required) return node.InvalidModelError(std::string(name) + " is missing");
    out.assign(size, fallback);
    return Status::Ok();
  }
  if (v->size() != size) {
    return node.InvalidModelError(std::string(name) + " has " + std::to_string(v->size()) + " values, not " +
                                  std::to_string(size));
  }
  out.assign(v->begin(), v->end());
  return Status::Ok();
}

class ReduceWindowKernel : public Kernel {
 public:
  explicit ReduceWindowKernel(bool stablehlo) : stablehlo_(stablehlo) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, stablehlo_ ? 2 : 5, stablehlo_ ? 2 : 5));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInitValue, "init value"));
    const Tensor& in = *node.input(kInput);
    const Tensor& init = *node.input(kInitValue);
    Tensor& out = *node.output(kOutput);
    using D = DataType;
    TFLDBG_RETURN_IF_ERROR(CheckType(node, in, "input", {D::kFloat32, D::kFloat64, D::kInt8, D::kInt16, D::kInt32,
                                                         D::kInt64, D::kUInt8, D::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, in, "input", init, "init value"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, in, "input", out, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, in, "input", 1, kMaxRank));
    if (init.element_count() < 1) return node.InvalidModelError("the init value is empty");
    const size_t rank = in.shape.size();
    if (stablehlo_) {
      TFLDBG_RETURN_IF_ERROR(PrepareStablehlo(node, rank));
    } else {
      TFLDBG_RETURN_IF_ERROR(PrepareBuiltin(node, rank));
    }
    for (size_t d = 0; d < rank; ++d) {
      if (window_[d] <= 0 || strides_[d] <= 0 || window_dilations_[d] <= 0 || base_dilations_[d] <= 0) {
        return node.InvalidModelError("window dimensions, strides and dilations must be positive");
      }
      if (window_[d] > (int64_t{1} << 31) || strides_[d] > (int64_t{1} << 31) || window_dilations_[d] > (int64_t{1} << 31) ||
          base_dilations_[d] > (int64_t{1} << 31) || padding_[2 * d] < -(int64_t{1} << 31) ||
          padding_[2 * d] > (int64_t{1} << 31) || padding_[2 * d + 1] < -(int64_t{1} << 31) ||
          padding_[2 * d + 1] > (int64_t{1} << 31)) {
        return node.UnsupportedError("window attributes beyond 2^31");
      }
    }
    // Dilated then padded shape.
    bool pads = false;
    for (int64_t p : padding_) pads = pads || p != 0;
    padded_shape_.assign(rank, 0);
    dilated_shape_.assign(rank, 0);
    int64_t padded_count = 1;
    for (size_t d = 0; d < rank; ++d) {
      dilated_shape_[d] = (in.shape[d] - 1) * base_dilations_[d] + 1;
      if (in.shape[d] == 0 && (base_dilations_[d] != 1 || pads)) {
        return node.UnsupportedError("an empty input with base dilation or padding (LiteRT dilates it into a negative shape)");
      }
      if (in.shape[d] == 0) dilated_shape_[d] = 0;
      padded_shape_[d] = dilated_shape_[d] + padding_[2 * d] + padding_[2 * d + 1];
      if (pads && padded_shape_[d] <= 0) {
        return node.UnsupportedError("the padding leaves dimension " + std::to_string(d) +
                                     " empty (LiteRT fails: the padding specification gives an empty tensor)");
      }
      if (padded_shape_[d] > (int64_t{1} << 31) || padded_count * padded_shape_[d] > (int64_t{1} << 31)) {
        return node.UnsupportedError("the padded input exceeds 2^31 elements");
      }
      padded_count *= std::max<int64_t>(padded_shape_[d], 0);
    }
    std::vector<int32_t> shape(rank);
    for (size_t d = 0; d < rank; ++d) {
      const int64_t span = (window_[d] - 1) * window_dilations_[d] + 1;
      shape[d] = padded_shape_[d] < span ? 0 : static_cast<int32_t>((padded_shape_[d] - span) / strides_[d] + 1);
    }
    padded_.assign(static_cast<size_t>(padded_count) * ElementBytes(in.type), 0);
    return SetOutputShape(node, out, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& in = *node.input(kInput);
    const Tensor& init = *node.input(kInitValue);
    Tensor& out = *node.output(kOutput);
    if (out.element_count() == 0) return Status::Ok();
    Pad(in, init);
    switch (in.type) {
      case DataType::kFloat32: return Dispatch<float>(node, init, out);
      case DataType::kFloat64: return Dispatch<double>(node, init, out);
      case DataType::kInt8:
      case DataType::kBool: return Dispatch<int8_t>(node, init, out);
      case DataType::kInt16: return Dispatch<int16_t>(node, init, out);
      case DataType::kInt32: return Dispatch<int32_t>(node, init, out);
      case DataType::kInt64: return Dispatch<int64_t>(node, init, out);
      case DataType::kUInt8: return Dispatch<uint8_t>(node, init, out);
      default: return node.RuntimeFailure("unexpected type");
    }
  }

 private:
  Status PrepareStablehlo(const NodeContext& node, size_t rank) {
    const auto* o = node.op->builtin_options_2_as<tflite::StablehloReduceWindowOptions>();
    if (o == nullptr) return node.InvalidModelError("StablehloReduceWindowOptions are missing");
    TFLDBG_RETURN_IF_ERROR(ReadAttribute(node, o->window_dimensions(), "window_dimensions", rank, 1, true, window_));
    TFLDBG_RETURN_IF_ERROR(ReadAttribute(node, o->window_strides(), "window_strides", rank, 1, false, strides_));
    TFLDBG_RETURN_IF_ERROR(ReadAttribute(node, o->base_dilations(), "base_dilations", rank, 1, false, base_dilations_));
    TFLDBG_RETURN_IF_ERROR(
        ReadAttribute(node, o->window_dilations(), "window_dilations", rank, 1, false, window_dilations_));
    TFLDBG_RETURN_IF_ERROR(ReadAttribute(node, o->padding(), "padding", 2 * rank, 0, false, padding_));
    // The reduction is the one op of the body subgraph.
    const int body = o->body_subgraph_index();
    if (body <= 0 || body >= node.model->subgraph_count()) {
      return node.InvalidModelError("body subgraph " + std::to_string(body) + " does not exist");
    }
    const auto* ops = node.model->subgraph(body).operators();
    const size_t count = ops == nullptr ? 0 : ops->size();
    if (count != 1) {
      return node.UnsupportedError("a body of " + std::to_string(count) + " ops (LiteRT reduces with a body of one op)");
    }
    const std::string name = node.model->OpName(ops->Get(0)->opcode_index());
    if (name == "ADD" || name == "STABLEHLO_ADD") fn_ = Fn::kAdd;
    else if (name == "MUL" || name == "STABLEHLO_MULTIPLY") fn_ = Fn::kMul;
    else if (name == "MAXIMUM" || name == "STABLEHLO_MAXIMUM") fn_ = Fn::kMax;
    else if (name == "MINIMUM" || name == "STABLEHLO_MINIMUM") fn_ = Fn::kMin;
    else if (name == "LOGICAL_AND" || name == "STABLEHLO_AND") fn_ = Fn::kAll;
    else if (name == "LOGICAL_OR" || name == "STABLEHLO_OR") fn_ = Fn::kAny;
    else return node.UnsupportedError("a reduction body of " + name + " (LiteRT reduces with ADD, MUL, MAXIMUM, MINIMUM, AND or OR)");
    return Status::Ok();
  }

  Status PrepareBuiltin(const NodeContext& node, size_t rank) {
    const auto* o = node.op->builtin_options_2_as<tflite::ReduceWindowOptions>();
    const int function = o == nullptr ? 0 : static_cast<int>(o->reduce_function());
    switch (function) {
      case 1: fn_ = Fn::kAdd; break;
      case 2: fn_ = Fn::kMul; break;
      case 3: fn_ = Fn::kMin; break;
      case 4: fn_ = Fn::kMax; break;
      case 5: fn_ = Fn::kAll; break;
      case 6: fn_ = Fn::kAny; break;
      default: return node.UnsupportedError("reduce_function " + std::to_string(function) + " (LiteRT: unsupported)");
    }
    const int slots[3] = {kWindowShape, kWindowStrides, kWindowDilations};
    const char* names[3] = {"window shape", "window strides", "window dilations"};
    std::vector<int64_t>* targets[3] = {&window_, &strides_, &window_dilations_};
    for (int k = 0; k < 3; ++k) {
      TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, slots[k], names[k]));
      const Tensor& t = *node.input(slots[k]);
      if (!t.is_constant() || t.type != DataType::kInt64) {
        return node.UnsupportedError(std::string("the ") + names[k] + " must be a constant int64 tensor (as LiteRT requires)");
      }
      TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, t, names[k], *targets[k]));
      if (targets[k]->size() != rank) {
        return node.InvalidModelError(std::string("the ") + names[k] + " has " + std::to_string(targets[k]->size()) +
                                      " values for an input of rank " + std::to_string(rank));
      }
    }
    base_dilations_.assign(rank, 1);
    padding_.assign(2 * rank, 0);
    return Status::Ok();
  }

  // Fills padded_ with the dilated, padded input (init value everywhere else).
  void Pad(const Tensor& in, const Tensor& init) {
    const size_t bytes = ElementBytes(in.type);
    const int64_t n = static_cast<int64_t>(padded_.size() / bytes);
    for (int64_t i = 0; i < n; ++i) std::memcpy(padded_.data() + i * bytes, init.bytes, bytes);
    const int rank = static_cast<int>(in.shape.size());
    std::vector<int64_t> stride(static_cast<size_t>(rank), 1), index(static_cast<size_t>(rank), 0);
    for (int d = rank - 2; d >= 0; --d) stride[d] = stride[d + 1] * padded_shape_[d + 1];
    const int64_t count = in.element_count();
    for (int64_t i = 0; i < count; ++i) {
      int64_t flat = 0;
      bool inside = true;
      for (int d = 0; d < rank && inside; ++d) {
        const int64_t at = padding_[2 * d] + index[d] * base_dilations_[d];
        inside = at >= 0 && at < padded_shape_[d];
        flat += at * stride[d];
      }
      if (inside) std::memcpy(padded_.data() + flat * bytes, in.bytes + i * bytes, bytes);
      for (int d = rank - 1; d >= 0; --d) {
        if (++index[d] < in.shape[d]) break;
        index[d] = 0;
      }
    }
  }

  template <typename T>
  Status Dispatch(const NodeContext& node, const Tensor& init, Tensor& out) {
    switch (fn_) {
      case Fn::kAdd: Reduce<Fn::kAdd, T>(init, out); break;
      case Fn::kMul: Reduce<Fn::kMul, T>(init, out); break;
      case Fn::kMin: Reduce<Fn::kMin, T>(init, out); break;
      case Fn::kMax: Reduce<Fn::kMax, T>(init, out); break;
      case Fn::kAll: Reduce<Fn::kAll, T>(init, out); break;
      case Fn::kAny: Reduce<Fn::kAny, T>(init, out); break;
      default: return node.RuntimeFailure("unexpected reduction");
    }
    return Status::Ok();
  }

  template <Fn fn, typename T>
  void Reduce(const Tensor& init, Tensor& out) const {
    const T* p = reinterpret_cast<const T*>(padded_.data());
    T start;
    std::memcpy(&start, init.bytes, sizeof(T));
    T* y = reinterpret_cast<T*>(out.bytes);
    const int rank = static_cast<int>(padded_shape_.size());
    std::vector<int64_t> stride(static_cast<size_t>(rank), 1);
    for (int d = rank - 2; d >= 0; --d) stride[d] = stride[d + 1] * padded_shape_[d + 1];
    int64_t window_count = 1;
    for (int64_t w : window_) window_count *= w;
    std::vector<int64_t> o(static_cast<size_t>(rank), 0), k(static_cast<size_t>(rank), 0);
    const int64_t n = out.element_count();
    for (int64_t i = 0; i < n; ++i) {
      int64_t base = 0;
      for (int d = 0; d < rank; ++d) base += o[d] * strides_[d] * stride[d];
      T accu = start;
      std::fill(k.begin(), k.end(), 0);
      for (int64_t w = 0; w < window_count; ++w) {
        int64_t at = base;
        for (int d = 0; d < rank; ++d) at += k[d] * window_dilations_[d] * stride[d];
        accu = Combine<fn, T>(accu, p[at]);
        for (int d = rank - 1; d >= 0; --d) {
          if (++k[d] < window_[d]) break;
          k[d] = 0;
        }
      }
      y[i] = accu;
      for (int d = rank - 1; d >= 0; --d) {
        if (++o[d] < out.shape[d]) break;
        o[d] = 0;
      }
    }
  }

  bool stablehlo_;
  Fn fn_ = Fn::kAdd;
  std::vector<int64_t> window_, strides_, base_dilations_, window_dilations_, padding_;
  std::vector<int64_t> dilated_shape_, padded_shape_;
  std::vector<uint8_t> padded_;
};

}  // namespace

std::unique_ptr<Kernel> CreateStablehloReduceWindowKernel() { return std::make_unique<ReduceWindowKernel>(true); }
std::unique_ptr<Kernel> CreateReduceWindowKernel() { return std::make_unique<ReduceWindowKernel>(false); }

}  // namespace tfldbg
