// QUANTIZE (float32 -> int8/uint8/int16, per-tensor or per-channel; integer
// requantization int8/uint8 -> int8/uint8/int16 and int16 -> int8/int16)
// and DEQUANTIZE (int8/uint8/int16 per-tensor or per-channel, float16 ->
// float32), as LiteRT's reference kernels compute them. A DEQUANTIZE of a
// constant is computed once, in Prepare, into storage the kernel owns.
#include <cstring>
#include <vector>

#include "cpu/thread_pool.h"
#include "kernels/kernel.h"
#include "kernels/convert/optimized_quantize.h"
#include "kernels/convert/shadow_copy.h"
#include "quant/quantize.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kOutput = 0;
// Bytes of a table or XOR requantization worth a task of their own (~2 µs).
constexpr int64_t kQuantizeTaskBytes = 32 * 1024;

// For per-channel tensors: the number of elements after the quantized dimension.
Status ChannelLayout(const NodeContext& node, const Tensor& t, const char* slot, int* axis, int64_t* inner) {
  *axis = t.quant.quantized_dimension;
  if (*axis < 0 || *axis >= t.rank() || t.dim(*axis) != static_cast<int32_t>(t.quant.scale.size())) {
    return node.InvalidModelError(std::string(slot) + "'s per-channel scales do not match dimension " + std::to_string(*axis));
  }
  *inner = 1;
  for (int d = *axis + 1; d < t.rank(); ++d) *inner *= t.dim(d);
  return Status::Ok();
}

class QuantizeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    // LiteRT's pairs: float, int8, uint8 -> int8/uint8/int16; int16 -> int8/int16/int32
    // (int32: for applications that read integer outputs, as TFLM's keyword model does).
    if (input.type == DataType::kInt16) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt8, DataType::kInt16, DataType::kInt32}));
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (output.quant.empty()) return node.InvalidModelError("the output needs a scale and zero point");
    range_ = quant::TypeRange(output.type);
    rounding_ = node.rounding;
    if (input.type == DataType::kFloat32) {
      if (output.quant.per_channel()) TFLDBG_RETURN_IF_ERROR(ChannelLayout(node, output, "output", &axis_, &inner_));
      optimized_float_ = node.kernels == KernelSet::kOptimized && !output.quant.per_channel();
      return Status::Ok();
    }
    if (output.quant.per_channel()) return node.UnsupportedError("per-channel output of an integer requantization");
    if (input.quant.empty() || !(input.scale() > 0) || !(output.scale() > 0)) {
      return node.InvalidModelError("requantization needs positive input and output scales");
    }
    if (input.type == DataType::kInt16 && output.type == DataType::kInt16 &&
        (input.zero_point() != 0 || output.zero_point() != 0)) {
      return node.UnsupportedError("int16 -> int16 needs zero points 0");
    }
    requant_ = quant::QuantizeMultiplier(static_cast<double>(input.scale()) / static_cast<double>(output.scale()), rounding_);
    if (requant_.shift > 30 || requant_.shift < -31) return node.UnsupportedError("s_in/s_out is out of range");
    // --kernels optimized, 8-bit to 8-bit: LiteRT's optimized Requantize rounds
    // the shift's ties up in whole blocks of 16 (its NEON code), the rest as the reference.
    const bool bytes = (input.type == DataType::kInt8 || input.type == DataType::kUInt8) &&
                       (output.type == DataType::kInt8 || output.type == DataType::kUInt8);
    optimized_requant_ = bytes && node.kernels == KernelSet::kOptimized && node.rounding_follows_litert;
    // Fast CPU paths: tables of those results (the tail's own table when its rounding differs).
    table_ = BuildTable(node, input, output, optimized_requant_ ? quant::RoundingMode::kDoubleHalfUp : rounding_, &flip_);
    tail_table_.clear();
    if (optimized_requant_) tail_table_ = BuildTable(node, input, output, rounding_, &tail_flip_);
    return Status::Ok();
  }

  // --kernels optimized, float input, per-tensor output: LiteRT's optimized
  // AffineQuantize (optimized_quantize.h), blocks of 8 and a double-division tail.
  void EvalOptimizedFloat(const float* x, int64_t n, float scale, int32_t zp, Tensor& output) const {
    const double wide_scale = static_cast<double>(scale);
    const float reverse = static_cast<float>(1.0 / wide_scale);
    const int64_t blocks = n / 8 * 8;
    for (int64_t i = 0; i < blocks; ++i) output.SetIntegerAt(i, math::QuantizeOptimizedBlock(x[i], reverse, zp, range_));
    for (int64_t i = blocks; i < n; ++i) output.SetIntegerAt(i, math::QuantizeOptimizedTail(x[i], wide_scale, zp, range_));
  }

  // Fast CPU paths: an 8-bit to 8-bit requantization is a function of the
  // input byte, so a 256-entry table of the reference's own results (in
  // `mode`) is exact. Empty on the scalar path and for other types.
  std::vector<uint8_t> BuildTable(const NodeContext& node, const Tensor& input, const Tensor& output, quant::RoundingMode mode,
                                  bool* flip) const {
    std::vector<uint8_t> table;
    *flip = false;
    const bool bytes_in = input.type == DataType::kInt8 || input.type == DataType::kUInt8;
    const bool bytes_out = output.type == DataType::kInt8 || output.type == DataType::kUInt8;
    if (node.cpu == CpuPath::kScalar || !bytes_in || !bytes_out) return table;
    table.resize(256);
    for (int byte = 0; byte < 256; ++byte) {
      const int32_t q = input.type == DataType::kInt8 ? static_cast<int8_t>(byte) : byte;
      const int32_t v = math::Requantize(q - input.zero_point(), requant_, output.zero_point(), range_, mode);
      table[static_cast<size_t>(byte)] = static_cast<uint8_t>(v);
    }
    // int8 <-> uint8 at the same scale, zero points 128 apart (a model's
    // uint8 input or output around an int8 graph): the table flips the top
    // bit, which a plain loop does 16+ bytes at a time.
    *flip = true;
    for (int byte = 0; byte < 256; ++byte) *flip = *flip && table[static_cast<size_t>(byte)] == (byte ^ 0x80);
    return table;
  }

  // out[i] = table[in[i]] for i in [begin, end), over the threads.
  static void Lookup(ThreadPool* pool, const uint8_t* in, uint8_t* out, int64_t begin, int64_t end,
                     const std::vector<uint8_t>& table, bool flip) {
    const int64_t n = end - begin;
    if (n <= 0) return;
    // Equal chunks over the threads: each thread then writes its part of
    // the output (which the next kernel's tasks of that thread read), where
    // the caller alone would first have to take every line from the other
    // core's cache (MobileNetV2 int8's input QUANTIZE: 12 -> 17 us on 2 threads).
    const int tasks = TaskCount(pool, n, kQuantizeTaskBytes);
    ParallelFor(pool, tasks, [&](int task) {
      // Locals: a byte store may alias the captured pointers, which the loops would then reload.
      const uint8_t* const x = in;
      uint8_t* const y = out;
      const int64_t b = begin + n * task / tasks, e = begin + n * (task + 1) / tasks;
      if (flip) {
        for (int64_t i = b; i < e; ++i) y[i] = static_cast<uint8_t>(x[i] ^ 0x80);
        return;
      }
      const uint8_t* const t = table.data();
      for (int64_t i = b; i < e; ++i) y[i] = t[x[i]];
    });
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    const int64_t n = input.element_count();
    if (input.type == DataType::kFloat32) {
      const float* x = input.data<float>();
      if (output.quant.per_channel()) {
        const int64_t channels = output.dim(axis_);
        for (int64_t i = 0; i < n; ++i) {
          const size_t c = static_cast<size_t>((i / inner_) % channels);
          output.SetIntegerAt(i, math::AffineQuantize(x[i], output.quant.scale[c], static_cast<int32_t>(output.quant.zero_point[c]), range_));
        }
        return Status::Ok();
      }
      const float scale = output.scale();
      const int32_t zp = output.zero_point();
      if (optimized_float_) {
        EvalOptimizedFloat(x, n, scale, zp, output);
        return Status::Ok();
      }
      for (int64_t i = 0; i < n; ++i) output.SetIntegerAt(i, math::AffineQuantize(x[i], scale, zp, range_));
      return Status::Ok();
    }
    if (!table_.empty()) {
      // --kernels optimized: whole blocks of 16 as its vector code, the rest as the reference (below).
      const int64_t blocks = optimized_requant_ ? n / 16 * 16 : n;
      Lookup(node.pool, input.bytes, output.bytes, 0, blocks, table_, flip_);
      Lookup(nullptr, input.bytes, output.bytes, blocks, n, tail_table_, tail_flip_);
      return Status::Ok();
    }
    const int32_t in_zp = input.zero_point(), out_zp = output.zero_point();
    if (optimized_requant_) {
      const int64_t blocks = n / 16 * 16;
      for (int64_t i = 0; i < n; ++i) {
        const quant::RoundingMode mode = i < blocks ? quant::RoundingMode::kDoubleHalfUp : rounding_;
        output.SetIntegerAt(i, math::Requantize(static_cast<int32_t>(input.IntegerAt(i)) - in_zp, requant_, out_zp, range_, mode));
      }
      return Status::Ok();
    }
    for (int64_t i = 0; i < n; ++i) {
      output.SetIntegerAt(i, math::Requantize(static_cast<int32_t>(input.IntegerAt(i)) - in_zp, requant_, out_zp, range_, rounding_));
    }
    return Status::Ok();
  }

 private:
  quant::IntRange range_;
  quant::QuantizedMultiplier requant_;
  std::vector<uint8_t> table_;  // fast CPU paths, 8-bit to 8-bit: the output byte of each input byte
  bool flip_ = false;           // table_[b] == b ^ 0x80 for every byte
  std::vector<uint8_t> tail_table_;  // --kernels optimized: the table of the last n % 16 values (the reference's rounding)
  bool tail_flip_ = false;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  bool optimized_float_ = false;    // --kernels optimized, float -> per-tensor integer
  bool optimized_requant_ = false;  // --kernels optimized, 8-bit -> 8-bit
  int axis_ = 0;
  int64_t inner_ = 1;
};

class DequantizeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kInt8, DataType::kUInt8, DataType::kInt16, DataType::kFloat16}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (input.type != DataType::kFloat16) {
      if (input.quant.empty()) return node.InvalidModelError("the input needs scales and zero points");
      if (input.type == DataType::kInt16 && input.zero_point() != 0) return node.UnsupportedError("int16 input needs zero point 0");
      if (input.quant.per_channel()) {
        // LiteRT's per-channel DEQUANTIZE takes int8 and uint8 ("Type 7 not supported for per-channel").
        if (input.type == DataType::kInt16) return node.UnsupportedError("per-channel int16 input (LiteRT has no such path)");
        TFLDBG_RETURN_IF_ERROR(ChannelLayout(node, input, "input", &axis_, &inner_));
      }
    }
    if (input.is_constant()) {
      // Constant weights (float16 models, weight-only quantization): convert once.
      constant_output_.resize(static_cast<size_t>(input.element_count()));
      Compute(input, constant_output_.data());
      constant_ = true;
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    float* y = node.output(kOutput)->data<float>();
    if (constant_) {
      if (!constant_output_.empty()) std::memcpy(y, constant_output_.data(), constant_output_.size() * sizeof(float));
      return Status::Ok();
    }
    Compute(*node.input(kInput), y);
    return Status::Ok();
  }

 private:
  void Compute(const Tensor& input, float* y) const {
    const int64_t n = input.element_count();
    if (input.type == DataType::kFloat16) {
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, input.bytes + 2 * i, 2);
        y[i] = math::HalfToFloat(h);
      }
      return;
    }
    if (!input.quant.per_channel()) {
      const double scale = input.scale();
      const int32_t zp = input.zero_point();
      for (int64_t i = 0; i < n; ++i) y[i] = math::Dequantize(static_cast<int32_t>(input.IntegerAt(i)), scale, zp);
      return;
    }
    const int64_t channels = input.dim(axis_);
    for (int64_t i = 0; i < n; ++i) {
      const size_t c = static_cast<size_t>((i / inner_) % channels);
      y[i] = math::DequantizePerChannel(static_cast<int32_t>(input.IntegerAt(i)), input.quant.scale[c], static_cast<int32_t>(input.quant.zero_point[c]));
    }
  }

  int axis_ = 0;
  int64_t inner_ = 1;
  bool constant_ = false;
  std::vector<float> constant_output_;
};

// QUANTIZE and DEQUANTIZE in a float shadow: float32 in, float32 out, copied.
class ShadowCopyKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kFloat32}));
    return SetOutputShape(node, output, input.shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    if (input.byte_size > 0) std::memcpy(node.output(kOutput)->bytes, input.bytes, input.byte_size);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateShadowCopyKernel() { return std::make_unique<ShadowCopyKernel>(); }
std::unique_ptr<Kernel> CreateQuantizeKernel() { return std::make_unique<QuantizeKernel>(); }
std::unique_ptr<Kernel> CreateDequantizeKernel() { return std::make_unique<DequantizeKernel>(); }

}  // namespace tfldbg
