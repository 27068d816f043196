#include "kernels/elementwise/arithmetic_fast.h"

#include <algorithm>
#include <limits>

#include "cpu/thread_pool.h"

namespace tfldbg {
bool FastAddSub::Prepare(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out,
                         const math::QuantizedAddSubParams& p) {
  isa_ = nullptr;
  const fast::IsaKernels* isa = fast::IsaKernelsFor(node.cpu);
  if (isa == nullptr || (a.type != DataType::kInt8 && a.type != DataType::kUInt8)) return false;
  if (b.type != a.type || out.type != a.type || a.shape != b.shape || a.shape != out.shape) return false;
  // The input factors are below one (shift <= 0), where MultiplyByQuantizedMultiplierSmallerThanOneExp
  // is the general form; multipliers are positive. Anything else keeps the reference.
  if (p.input1_multiplier.shift > 0 || p.input2_multiplier.shift > 0 || p.input1_multiplier.multiplier < 0 ||
      p.input2_multiplier.multiplier < 0 || p.output_multiplier.multiplier < 0 || p.left_shift != 20) {
    return false;
  }
  auto stage = [&](quant::QuantizedMultiplier m, fast::OutputStageArrays& arrays, int32_t offset, int32_t lo, int32_t hi) {
    fast::Int8OutputStage s;
    fast::BuildUniformStage(m, p.rounding, fast::kPanel, arrays, s);
    s.output_offset = offset;
    s.min = lo;
    s.max = hi;
    s.output_unsigned = a.type == DataType::kUInt8;
    return s;
  };
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min(), kMax = std::numeric_limits<int32_t>::max();
  row_ = {};
  block_ = 0;
  row_.is_unsigned = a.type == DataType::kUInt8;
  row_.subtract = p.subtract;
  row_.offset1 = p.input1_offset;
  row_.offset2 = p.input2_offset;
  row_.left_shift = p.left_shift;
  row_.in1 = stage(p.input1_multiplier, in1_, 0, kMin, kMax);
  row_.in2 = stage(p.input2_multiplier, in2_, 0, kMin, kMax);
  row_.stage = stage(p.output_multiplier, out_, p.output_offset, p.clamp.min, p.clamp.max);
  isa_ = isa;
  return true;
}

namespace {

bool SameShape8Bit(const Tensor& a, const Tensor& b, const Tensor& out) {
  return (a.type == DataType::kInt8 || a.type == DataType::kUInt8) && b.type == a.type && out.type == a.type &&
         a.shape == b.shape && a.shape == out.shape;
}

}  // namespace

bool FastAddSub::PrepareOptimized(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out,
                                  const math::QuantizedAddSubParams& p, bool folded_shift, int64_t block) {
  isa_ = nullptr;
  const fast::IsaKernels* isa = fast::IsaKernelsFor(node.cpu);
  if (isa == nullptr || !SameShape8Bit(a, b, out) || p.subtract) return false;
  const quant::QuantizedMultiplier m1 = p.input1_multiplier, m2 = p.input2_multiplier, mo = p.output_multiplier;
  // The shifts the lanes take (isa.h: each in [0, 31]); multipliers >= 0.
  if (m1.multiplier < 0 || m2.multiplier < 0 || mo.multiplier < 0 || m1.shift > 0 || m2.shift > 0 || mo.shift > 0 ||
      mo.shift < -31 || p.left_shift < 0 || p.left_shift > 31) {
    return false;
  }
  if (folded_shift && (p.left_shift + m1.shift < 0 || p.left_shift + m2.shift < 0)) return false;
  if (!folded_shift && (m1.shift < -31 || m2.shift < -31)) return false;
  row_ = {};
  row_.is_unsigned = a.type == DataType::kUInt8;
  row_.arithmetic = fast::Int8AddArithmetic::kLiteRtOptimized;
  fast::Int8AddLanes& l = row_.lanes;
  l.offset1 = p.input1_offset;
  l.offset2 = p.input2_offset;
  l.m1 = m1.multiplier;
  l.m2 = m2.multiplier;
  l.lshift1 = folded_shift ? p.left_shift + m1.shift : p.left_shift;
  l.lshift2 = folded_shift ? p.left_shift + m2.shift : p.left_shift;
  l.rshift1 = folded_shift ? 0 : -m1.shift;
  l.rshift2 = folded_shift ? 0 : -m2.shift;
  l.output_multiplier = mo.multiplier;
  l.output_right = -mo.shift;
  l.output_offset = p.output_offset;
  l.min = p.clamp.min;
  l.max = p.clamp.max;
  block_ = block;
  params_ = p;
  isa_ = isa;
  return true;
}

bool FastAddSub::PrepareXnnpack(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out, int32_t m1,
                                int32_t m2, int32_t bias, int shift, int32_t output_zero_point, quant::IntRange clamp) {
  isa_ = nullptr;
  const fast::IsaKernels* isa = fast::IsaKernelsFor(node.cpu);
  if (isa == nullptr || !SameShape8Bit(a, b, out) || shift < 0 || shift > 31) return false;
  row_ = {};
  row_.is_unsigned = a.type == DataType::kUInt8;
  row_.arithmetic = fast::Int8AddArithmetic::kXnnpack;
  fast::Int8AddLanes& l = row_.lanes;
  l.m1 = m1;
  l.m2 = m2;
  l.bias = bias;
  l.rshift1 = shift;
  l.output_offset = output_zero_point;
  l.min = clamp.min;
  l.max = clamp.max;
  block_ = 0;
  isa_ = isa;
  return true;
}

void FastAddSub::Run(const Tensor& a, const Tensor& b, Tensor& out, ThreadPool* pool) const {
  const int64_t total = a.element_count();
  // LiteRT's optimized ADD: whole blocks through its vector code (the table
  // entry), the last total % block elements through the reference.
  const int64_t n = block_ > 0 ? total / block_ * block_ : total;
  for (int64_t i = n; i < total; ++i) {
    if (row_.is_unsigned) {
      out.bytes[i] = static_cast<uint8_t>(math::QuantizedAddSub(params_, a.bytes[i], b.bytes[i]));
    } else {
      const auto x = static_cast<int8_t>(a.bytes[i]), y = static_cast<int8_t>(b.bytes[i]);
      out.bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(math::QuantizedAddSub(params_, x, y)));
    }
  }
  if (n == 0) return;
  // 2K elements take ~2 µs: the least worth a task. Chunks of whole vectors.
  const int parts = TaskCount(pool, n, 2048);
  const int64_t chunk = ((n + parts - 1) / parts + 63) / 64 * 64;
  const int tasks = static_cast<int>((n + chunk - 1) / chunk);
  ParallelFor(pool, tasks, [&](int task) {
    fast::Int8AddRow r = row_;
    const int64_t begin = task * chunk;
    r.n = std::min(chunk, n - begin);
    r.a = a.bytes + begin;
    r.b = b.bytes + begin;
    r.out = out.bytes + begin;
    isa_->int8_add(r);
  });
}

}  // namespace tfldbg
