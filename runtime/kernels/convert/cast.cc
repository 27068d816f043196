// CAST between every numeric type and bool, as LiteRT's x86-64 build converts.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

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

}  // namespace

std::unique_ptr<Kernel> CreateCastKernel() { return std::make_unique<CastKernel>(); }

}  // namespace tfldbg
