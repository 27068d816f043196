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

void FastAddSub::Run(const Tensor& a, const Tensor& b, Tensor& out, ThreadPool* pool) const {
  const int64_t n = a.element_count();
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
