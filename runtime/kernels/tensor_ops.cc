// Operators that move or convert elements without arithmetic on their values:
// SHAPE, CAST, DENSIFY, GATHER, PACK, UNPACK, TILE, SLICE, SPLIT, SPLIT_V. Any element type of a whole number
// of bytes; quantization parameters pass through (LiteRT copies the integers).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"
#include "kernels/math/transpose.h"

namespace tfldbg {
namespace {

size_t ElementBytes(DataType type) { return static_cast<size_t>(DataTypeBits(type) / 8); }

// memcpy that accepts the null pointers of empty tensors when there is nothing to copy.
void CopyBytes(uint8_t* to, const uint8_t* from, size_t n) {
  if (n != 0) std::memcpy(to, from, n);
}

Status CheckWholeBytes(const NodeContext& node, const Tensor& t, const char* slot) {
  if (DataTypeBits(t.type) < 8 || t.type == DataType::kString || t.type == DataType::kResource ||
      t.type == DataType::kVariant) {
    return node.UnsupportedError(std::string(slot) + " of type " + DataTypeName(t.type));
  }
  return Status::Ok();
}

int64_t Product(const std::vector<int32_t>& shape, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; ++i) n *= shape[static_cast<size_t>(i)];
  return n;
}

// Reads element i of an int32/int64 (or int16) tensor.
int64_t ReadIndex(const Tensor& t, int64_t i) {
  switch (t.type) {
    case DataType::kInt64: return t.data<int64_t>()[i];
    case DataType::kInt16: return t.data<int16_t>()[i];
    default: return t.data<int32_t>()[i];
  }
}

// --- SHAPE -----------------------------------------------------------------------------------

class ShapeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt32, DataType::kInt64}));
    if (const auto* o = node.options<tflite::ShapeOptions>()) {
      const bool wants64 = o->out_type() == tflite::TensorType::INT64;
      if (wants64 != (output.type == DataType::kInt64)) {
        return node.InvalidModelError("out_type and the output's type disagree");
      }
    }
    return SetOutputShape(node, output, {node.input(0)->rank()});
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    for (int i = 0; i < input.rank(); ++i) {
      if (output.type == DataType::kInt64) {
        output.data<int64_t>()[i] = input.dim(i);
      } else {
        output.data<int32_t>()[i] = input.dim(i);
      }
    }
    return Status::Ok();
  }
};

// --- DENSIFY ---------------------------------------------------------------------------------

// The interpreter decodes every sparse constant when it loads the model
// (model/sparsity.h), so DENSIFY's input already holds the dense values: the
// kernel checks what LiteRT's checks and copies.
class DensifyKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    if (!input.is_constant() || input.sparse_levels.empty()) {
      return node.InvalidModelError("input '" + input.name + "' must be a sparse constant");
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kFloat16, DataType::kInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    return SetOutputShape(node, output, input.shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    CopyBytes(node.output(0)->bytes, input.bytes, input.byte_size);
    return Status::Ok();
  }
};

// --- CAST ------------------------------------------------------------------------------------

// A float outside the target's range is undefined behaviour for LiteRT's
// static_cast; what its x86-64 build gives (measured): narrow targets
// saturate (the vectorized conversion packs with saturation, so negatives
// become 0 for unsigned types), int32 and int64 get the truncating
// conversion's "integer indefinite" value (the most negative one).
int64_t FloatToInt64(double x) {
  if (std::isnan(x) || x >= 9223372036854775808.0 || x < -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(x);
}
int64_t FloatToInt32Bits(double x) {
  if (std::isnan(x) || x >= 2147483648.0 || x < -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(x);
}

template <typename To>
To CastFromFloat(double x) {
  if constexpr (std::is_same_v<To, bool>) {
    return x != 0.0;
  } else if constexpr (std::is_floating_point_v<To>) {
    return static_cast<To>(x);
  } else if constexpr (sizeof(To) == 8) {
    return static_cast<To>(FloatToInt64(x));
  } else if constexpr (std::is_same_v<To, uint32_t>) {
    return static_cast<To>(static_cast<uint64_t>(FloatToInt64(x)));
  } else if constexpr (std::is_same_v<To, int32_t>) {
    return static_cast<To>(FloatToInt32Bits(x));
  } else {
    const int64_t v = FloatToInt32Bits(x);
    if (std::isnan(x)) return std::numeric_limits<To>::min();
    return static_cast<To>(std::clamp<int64_t>(v == std::numeric_limits<int32_t>::min() ? (x > 0 ? INT32_MAX : INT32_MIN) : v,
                                               std::numeric_limits<To>::min(), std::numeric_limits<To>::max()));
  }
}

template <typename From, typename To>
void CastAll(const From* x, To* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_floating_point_v<From>) {
      y[i] = CastFromFloat<To>(static_cast<double>(x[i]));
    } else if constexpr (std::is_same_v<To, bool>) {
      y[i] = x[i] != 0;
    } else {
      y[i] = static_cast<To>(x[i]);  // integers wrap modulo 2^bits, as the hardware does
    }
  }
}

template <typename From>
bool CastTo(const From* x, Tensor& out, int64_t n) {
  switch (out.type) {
    case DataType::kFloat32: CastAll(x, out.data<float>(), n); return true;
    case DataType::kFloat64: CastAll(x, out.data<double>(), n); return true;
    case DataType::kInt8: CastAll(x, out.data<int8_t>(), n); return true;
    case DataType::kUInt8: CastAll(x, out.data<uint8_t>(), n); return true;
    case DataType::kInt16: CastAll(x, out.data<int16_t>(), n); return true;
    case DataType::kUInt16: CastAll(x, out.data<uint16_t>(), n); return true;
    case DataType::kInt32: CastAll(x, out.data<int32_t>(), n); return true;
    case DataType::kUInt32: CastAll(x, out.data<uint32_t>(), n); return true;
    case DataType::kInt64: CastAll(x, out.data<int64_t>(), n); return true;
    case DataType::kBool: CastAll(x, reinterpret_cast<bool*>(out.bytes), n); return true;
    default: return false;
  }
}

const std::initializer_list<DataType> kCastTypes = {DataType::kFloat32, DataType::kFloat64, DataType::kInt8,
                                                     DataType::kUInt8,   DataType::kInt16,   DataType::kUInt16,
                                                     DataType::kInt32,   DataType::kUInt32,  DataType::kInt64,
                                                     DataType::kBool};

class CastKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.input(0), "input", kCastTypes));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(0), "output", kCastTypes));
    return SetOutputShape(node, *node.output(0), node.input(0)->shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& x = *node.input(0);
    Tensor& y = *node.output(0);
    const int64_t n = x.element_count();
    bool done = false;
    switch (x.type) {
      case DataType::kFloat32: done = CastTo(x.data<float>(), y, n); break;
      case DataType::kFloat64: done = CastTo(x.data<double>(), y, n); break;
      case DataType::kInt8: done = CastTo(x.data<int8_t>(), y, n); break;
      case DataType::kUInt8: done = CastTo(x.data<uint8_t>(), y, n); break;
      case DataType::kInt16: done = CastTo(x.data<int16_t>(), y, n); break;
      case DataType::kUInt16: done = CastTo(x.data<uint16_t>(), y, n); break;
      case DataType::kInt32: done = CastTo(x.data<int32_t>(), y, n); break;
      case DataType::kUInt32: done = CastTo(x.data<uint32_t>(), y, n); break;
      case DataType::kInt64: done = CastTo(x.data<int64_t>(), y, n); break;
      case DataType::kBool: done = CastTo(reinterpret_cast<const bool*>(x.bytes), y, n); break;
      default: break;
    }
    return done ? Status::Ok() : node.RuntimeFailure("unexpected cast types");
  }
};

// --- GATHER ----------------------------------------------------------------------------------

class GatherKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "params"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "indices"));
    const Tensor& params = *node.input(0);
    const Tensor& indices = *node.input(1);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, params, "params"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, params, "params", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "indices", {DataType::kInt32, DataType::kInt64, DataType::kInt16}));
    int axis = 0, batch_dims = 0;
    if (const auto* o = node.options<tflite::GatherOptions>()) {
      axis = o->axis();
      batch_dims = o->batch_dims();
    }
    if (axis < 0) axis += params.rank();
    if (batch_dims < 0) batch_dims += indices.rank();
    if (axis < 0 || axis >= params.rank()) {
      return node.InvalidModelError("axis " + std::to_string(axis) + " is out of range for params " + ShapeToString(params.shape));
    }
    if (batch_dims < 0 || batch_dims > axis || batch_dims > indices.rank()) {
      return node.InvalidModelError("batch_dims " + std::to_string(batch_dims) + " must be in [0, min(axis, rank of indices)]");
    }
    for (int i = 0; i < batch_dims; ++i) {
      if (params.dim(i) != indices.dim(i)) {
        return node.InvalidModelError("params and indices differ in batch dimension " + std::to_string(i));
      }
    }
    axis_ = axis;
    batch_dims_ = batch_dims;
    std::vector<int32_t> shape(params.shape.begin(), params.shape.begin() + axis);
    shape.insert(shape.end(), indices.shape.begin() + batch_dims, indices.shape.end());
    shape.insert(shape.end(), params.shape.begin() + axis + 1, params.shape.end());
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& params = *node.input(0);
    const Tensor& indices = *node.input(1);
    Tensor& output = *node.output(0);
    const size_t element = ElementBytes(params.type);
    const int64_t batches = Product(params.shape, 0, batch_dims_);
    const int64_t outer = Product(params.shape, batch_dims_, axis_);
    const int64_t axis_size = params.dim(axis_);
    const int64_t inner = Product(params.shape, axis_ + 1, params.rank());
    const int64_t coords = Product(indices.shape, batch_dims_, indices.rank());
    const size_t chunk = static_cast<size_t>(inner) * element;
    for (int64_t b = 0; b < batches; ++b) {
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t c = 0; c < coords; ++c) {
          const int64_t index = ReadIndex(indices, b * coords + c);
          if (index < 0 || index >= axis_size) {
            return node.RuntimeFailure("index " + std::to_string(index) + " at position " + std::to_string(b * coords + c) +
                                       " of indices is outside [0, " + std::to_string(axis_size) + ")");
          }
          const int64_t from = ((b * outer + o) * axis_size + index) * inner;
          const int64_t to = ((b * outer + o) * coords + c) * inner;
          CopyBytes(output.bytes + static_cast<size_t>(to) * element, params.bytes + static_cast<size_t>(from) * element, chunk);
        }
      }
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
  int batch_dims_ = 0;
};

// --- PACK / UNPACK ---------------------------------------------------------------------------

// The axis of PACK (in [0, rank]) or UNPACK (in [0, rank)), negative counted from the end.
Result<int> ResolveAxis(const NodeContext& node, int axis, int limit) {
  if (axis < 0) axis += limit;
  if (axis < 0 || axis >= limit) return node.InvalidModelError("axis is out of range (" + std::to_string(limit) + " positions)");
  return axis;
}

class PackKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    const auto* o = node.options<tflite::PackOptions>();
    const int count = o != nullptr ? o->values_count() : node.input_count();
    if (count < 1 || count != node.input_count()) {
      return node.InvalidModelError("values_count " + std::to_string(count) + " but " + std::to_string(node.input_count()) + " inputs");
    }
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    for (int i = 0; i < count; ++i) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, "value"));
    const Tensor& first = *node.input(0);
    // LiteRT's PACK takes these types (and refuses the others).
    TFLDBG_RETURN_IF_ERROR(CheckType(node, first, "values", {DataType::kFloat32, DataType::kUInt8, DataType::kInt8,
                                                            DataType::kInt16, DataType::kInt32, DataType::kInt64}));
    for (int i = 1; i < count; ++i) {
      const Tensor& t = *node.input(i);
      if (t.type != first.type || t.shape != first.shape) {
        return node.InvalidModelError("input " + std::to_string(i) + " is " + DescribeTypeAndShape(t) + ", input 0 is " +
                                      DescribeTypeAndShape(first));
      }
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, first, "values", *node.output(0), "output"));
    TFLDBG_ASSIGN_OR_RETURN(axis_, ResolveAxis(node, o != nullptr ? o->axis() : 0, first.rank() + 1));
    std::vector<int32_t> shape = first.shape;
    shape.insert(shape.begin() + axis_, count);
    return SetOutputShape(node, *node.output(0), shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& first = *node.input(0);
    const size_t element = ElementBytes(first.type);
    const int64_t outer = Product(first.shape, 0, axis_);
    const size_t inner = static_cast<size_t>(Product(first.shape, axis_, first.rank())) * element;
    const int count = node.input_count();
    uint8_t* out = node.output(0)->bytes;
    for (int64_t o = 0; o < outer; ++o) {
      for (int i = 0; i < count; ++i) {
        CopyBytes(out + (static_cast<size_t>(o) * count + static_cast<size_t>(i)) * inner,
                    node.input(i)->bytes + static_cast<size_t>(o) * inner, inner);
      }
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
};

class UnpackKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    const Tensor& input = *node.input(0);
    // LiteRT's UNPACK takes these types (no int64).
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kUInt8, DataType::kInt8,
                                                           DataType::kInt16, DataType::kInt32, DataType::kBool}));
    const auto* o = node.options<tflite::UnpackOptions>();
    TFLDBG_ASSIGN_OR_RETURN(axis_, ResolveAxis(node, o != nullptr ? o->axis() : 0, input.rank()));
    const int count = input.dim(axis_);
    if ((o != nullptr && o->num() != count) || node.output_count() != count) {
      return node.InvalidModelError("unpacking " + std::to_string(count) + " values along axis " + std::to_string(axis_) +
                                    " into " + std::to_string(node.output_count()) + " outputs");
    }
    std::vector<int32_t> shape = input.shape;
    shape.erase(shape.begin() + axis_);
    for (int i = 0; i < count; ++i) {
      if (node.output(i) == nullptr) return node.InvalidModelError("output " + std::to_string(i) + " is missing");
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(i), "output"));
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(i), shape));
    }
    return Status::Ok();
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    const size_t element = ElementBytes(input.type);
    const int64_t outer = Product(input.shape, 0, axis_);
    const int count = input.dim(axis_);
    const size_t inner = static_cast<size_t>(Product(input.shape, axis_ + 1, input.rank())) * element;
    for (int64_t o = 0; o < outer; ++o) {
      for (int i = 0; i < count; ++i) {
        CopyBytes(node.output(i)->bytes + static_cast<size_t>(o) * inner,
                    input.bytes + (static_cast<size_t>(o) * count + static_cast<size_t>(i)) * inner, inner);
      }
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
};

// --- TILE ------------------------------------------------------------------------------------

class TileKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "multiples"));
    const Tensor& input = *node.input(0);
    const Tensor& multiples = *node.input(1);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(0), "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, multiples, "multiples", {DataType::kInt32, DataType::kInt64}));
    if (multiples.rank() != 1 || multiples.dim(0) != input.rank()) {
      return node.InvalidModelError("multiples must be [" + std::to_string(input.rank()) + "], got " + ShapeToString(multiples.shape));
    }
    if (node.DeferUnlessValuesKnown({&multiples})) return Status::Ok();
    std::vector<int32_t> shape;
    int64_t total = 1;
    for (int i = 0; i < input.rank(); ++i) {
      const int64_t m = ReadIndex(multiples, i);
      const int64_t d = m * input.dim(i);
      if (m < 0 || d > std::numeric_limits<int32_t>::max()) {
        return node.InvalidModelError("multiple " + std::to_string(m) + " in dimension " + std::to_string(i) + " is negative or too large");
      }
      total *= d;
      if (total > (int64_t{1} << 34)) return node.InvalidModelError("the tiled output would be too large");
      shape.push_back(static_cast<int32_t>(d));
    }
    return SetOutputShape(node, *node.output(0), shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    if (output.element_count() == 0) return Status::Ok();
    if (input.rank() == 0) {
      CopyBytes(output.bytes, input.bytes, ElementBytes(input.type));
      return Status::Ok();
    }
    Tile(input, output, 0, 0, 0);
    return Status::Ok();
  }

 private:
  // Copies dimension `dim` of the input block at `in` (elements) into the
  // output at `out`, then repeats the written block; returns its length.
  int64_t Tile(const Tensor& input, Tensor& output, int dim, int64_t in, int64_t out) const {
    const size_t element = ElementBytes(input.type);
    const int64_t in_dim = input.dim(dim);
    const int64_t repeats = in_dim == 0 ? 0 : output.dim(dim) / in_dim;
    int64_t written = 0;
    if (dim == input.rank() - 1) {
      CopyBytes(output.bytes + static_cast<size_t>(out) * element, input.bytes + static_cast<size_t>(in) * element,
                  static_cast<size_t>(in_dim) * element);
      written = in_dim;
    } else {
      const int64_t in_stride = Product(input.shape, dim + 1, input.rank());
      for (int64_t i = 0; i < in_dim; ++i) written += Tile(input, output, dim + 1, in + i * in_stride, out + written);
    }
    for (int64_t r = 1; r < repeats; ++r) {
      CopyBytes(output.bytes + static_cast<size_t>(out + r * written) * element, output.bytes + static_cast<size_t>(out) * element,
                  static_cast<size_t>(written) * element);
    }
    return written * std::max<int64_t>(repeats, 1);
  }
};

// --- SLICE -------------------------------------------------------------------------------------

class SliceKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    for (int i = 0; i < 3; ++i) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, i == 0 ? "input" : i == 1 ? "begin" : "size"));
    const Tensor& input = *node.input(0);
    const Tensor& begin = *node.input(1);
    const Tensor& size = *node.input(2);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(0), "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 0, 6));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, begin, "begin", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, size, "size", {DataType::kInt32, DataType::kInt64}));
    if (begin.element_count() != input.rank() || size.element_count() != input.rank()) {
      return node.InvalidModelError("begin and size must hold one value per input dimension (" + std::to_string(input.rank()) + ")");
    }
    if (node.DeferUnlessValuesKnown({&begin, &size})) return Status::Ok();
    plan_ = math::StridedSlicePlan{};
    plan_.effective_shape = input.shape;
    for (int d = 0; d < input.rank(); ++d) {
      const int64_t b = ReadIndex(begin, d);
      int64_t n = ReadIndex(size, d);
      if (n == -1) n = input.dim(d) - b;  // to the end
      if (b < 0 || n < 0 || b + n > input.dim(d)) {
        return node.InvalidModelError("dimension " + std::to_string(d) + ": begin " + std::to_string(b) + " and size " +
                                      std::to_string(ReadIndex(size, d)) + " do not fit in " + std::to_string(input.dim(d)));
      }
      plan_.start.push_back(b);
      plan_.stride.push_back(1);
      plan_.count.push_back(n);
      plan_.output_shape.push_back(static_cast<int32_t>(n));
    }
    return SetOutputShape(node, *node.output(0), plan_.output_shape);
  }
  Status Eval(NodeContext& node) override {
    math::StridedSlice(plan_, ElementBytes(node.input(0)->type), node.input(0)->bytes, node.output(0)->bytes);
    return Status::Ok();
  }

 private:
  math::StridedSlicePlan plan_;
};

// --- SPLIT, SPLIT_V ----------------------------------------------------------------------------

class SplitKernel : public Kernel {
 public:
  explicit SplitKernel(bool by_sizes) : by_sizes_(by_sizes) {}

  Status Prepare(NodeContext& node) override {
    // SPLIT: (axis, input); SPLIT_V: (input, size_splits, axis).
    const int input_slot = by_sizes_ ? 0 : 1, axis_slot = by_sizes_ ? 2 : 0;
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, by_sizes_ ? 3 : 2, by_sizes_ ? 3 : 2));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, input_slot, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, axis_slot, "axis"));
    if (by_sizes_) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "size_splits"));
    const Tensor& input = *node.input(input_slot);
    const Tensor& axis_tensor = *node.input(axis_slot);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, axis_tensor, "axis", {DataType::kInt32, DataType::kInt64}));
    if (axis_tensor.element_count() != 1) return node.InvalidModelError("the axis must be one value");
    const int outputs = node.output_count();
    if (outputs < 1) return node.InvalidModelError("no outputs");
    if (const auto* o = node.options<tflite::SplitOptions>(); o != nullptr && !by_sizes_ && o->num_splits() != outputs) {
      return node.InvalidModelError("num_splits " + std::to_string(o->num_splits()) + " but " + std::to_string(outputs) + " outputs");
    }
    if (node.DeferUnlessValuesKnown({&axis_tensor, by_sizes_ ? node.input(1) : nullptr})) return Status::Ok();
    int64_t axis = ReadIndex(axis_tensor, 0);
    if (axis < 0) axis += input.rank();
    if (axis < 0 || axis >= input.rank()) return node.InvalidModelError("axis " + std::to_string(ReadIndex(axis_tensor, 0)) + " is out of range");
    axis_ = static_cast<int>(axis);
    const int64_t total = input.dim(axis_);
    sizes_.assign(static_cast<size_t>(outputs), 0);
    if (by_sizes_) {
      const Tensor& splits = *node.input(1);
      TFLDBG_RETURN_IF_ERROR(CheckType(node, splits, "size_splits", {DataType::kInt32, DataType::kInt64}));
      if (splits.element_count() != outputs) {
        return node.InvalidModelError("size_splits holds " + std::to_string(splits.element_count()) + " values for " +
                                      std::to_string(outputs) + " outputs");
      }
      int64_t known = 0;
      int open = -1;
      for (int i = 0; i < outputs; ++i) {
        const int64_t s = ReadIndex(splits, i);
        if (s == -1 && open < 0) {
          open = i;
        } else if (s < 0) {
          return node.InvalidModelError("size_splits has a negative size (or more than one -1)");
        } else {
          known += s;
          sizes_[static_cast<size_t>(i)] = s;
        }
      }
      if (open >= 0) sizes_[static_cast<size_t>(open)] = total - known;
      if ((open >= 0 && known > total) || (open < 0 && known != total)) {
        return node.InvalidModelError("size_splits do not add up to " + std::to_string(total));
      }
    } else {
      if (total % outputs != 0) {
        return node.InvalidModelError("dimension " + std::to_string(axis_) + " (" + std::to_string(total) +
                                      ") does not split into " + std::to_string(outputs) + " equal parts");
      }
      std::fill(sizes_.begin(), sizes_.end(), total / outputs);
    }
    for (int i = 0; i < outputs; ++i) {
      if (node.output(i) == nullptr) return node.InvalidModelError("output " + std::to_string(i) + " is missing");
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(i), "output"));
      std::vector<int32_t> shape = input.shape;
      shape[static_cast<size_t>(axis_)] = static_cast<int32_t>(sizes_[static_cast<size_t>(i)]);
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(i), shape));
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(by_sizes_ ? 0 : 1);
    const size_t element = ElementBytes(input.type);
    const int64_t outer = Product(input.shape, 0, axis_);
    const size_t inner = static_cast<size_t>(Product(input.shape, axis_ + 1, input.rank())) * element;
    const size_t row = static_cast<size_t>(input.dim(axis_)) * inner;
    size_t offset = 0;
    for (int i = 0; i < node.output_count(); ++i) {
      const size_t chunk = static_cast<size_t>(sizes_[static_cast<size_t>(i)]) * inner;
      for (int64_t o = 0; o < outer; ++o) {
        CopyBytes(node.output(i)->bytes + static_cast<size_t>(o) * chunk, input.bytes + static_cast<size_t>(o) * row + offset, chunk);
      }
      offset += chunk;
    }
    return Status::Ok();
  }

 private:
  bool by_sizes_;
  int axis_ = 0;
  std::vector<int64_t> sizes_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSliceKernel() { return std::make_unique<SliceKernel>(); }
std::unique_ptr<Kernel> CreateSplitKernel() { return std::make_unique<SplitKernel>(false); }
std::unique_ptr<Kernel> CreateSplitVKernel() { return std::make_unique<SplitKernel>(true); }
std::unique_ptr<Kernel> CreateDensifyKernel() { return std::make_unique<DensifyKernel>(); }
std::unique_ptr<Kernel> CreateShapeKernel() { return std::make_unique<ShapeKernel>(); }
std::unique_ptr<Kernel> CreateCastKernel() { return std::make_unique<CastKernel>(); }
std::unique_ptr<Kernel> CreateGatherKernel() { return std::make_unique<GatherKernel>(); }
std::unique_ptr<Kernel> CreatePackKernel() { return std::make_unique<PackKernel>(); }
std::unique_ptr<Kernel> CreateUnpackKernel() { return std::make_unique<UnpackKernel>(); }
std::unique_ptr<Kernel> CreateTileKernel() { return std::make_unique<TileKernel>(); }

}  // namespace tfldbg
