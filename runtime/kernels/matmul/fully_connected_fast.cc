#include "kernels/matmul/fully_connected_fast.h"

namespace tfldbg {
namespace {

struct RowsContext {
  const uint8_t* input;
  int depth;
  uint8_t flip;
};

void PackRows(const void* context, int64_t r0, int count, uint8_t* tile, int64_t stride) {
  const RowsContext& c = *static_cast<const RowsContext*>(context);
  const uint8_t flip = c.flip;  // a local, so the loop below vectorizes
  for (int r = 0; r < count; ++r) {
    const uint8_t* __restrict src = c.input + (r0 + r) * c.depth;
    uint8_t* __restrict dst = tile + r * stride;
    for (int i = 0; i < c.depth; ++i) dst[i] = static_cast<uint8_t>(src[i] ^ flip);
  }
}

}  // namespace

bool FastFullyConnected::Prepare(const NodeContext& node, const math::FullyConnectedShape& shape, const Tensor& input,
                                 const Tensor& weights, const Tensor* bias, const math::ChannelRequant& q,
                                 quant::FloatRange clamp) {
  int8_ = {};
  float_ = {};
  shape_ = shape;
  const fast::IsaKernels* isa = fast::IsaKernelsFor(node.cpu);
  if (isa == nullptr || !weights.is_constant() || (bias != nullptr && !bias->is_constant())) return false;
  if ((input.type == DataType::kInt8 || input.type == DataType::kUInt8) && weights.type == input.type) {
    if (!q.xnn_scales.empty() && !isa->fp32_stage) return false;  // --kernels xnnpack without fp32_stage: the scalar loops
    return int8_.Pack(isa, input.type, weights.bytes, shape.units, shape.depth, bias ? bias->data<int32_t>() : nullptr, q);
  }
  if (input.type == DataType::kFloat32 && weights.type == DataType::kFloat32) {
    return float_.Pack(isa, weights.data<float>(), shape.units, shape.depth, bias ? bias->data<float>() : nullptr, clamp.min,
                       clamp.max, node.fused_float_sums());
  }
  return false;
}

void FastFullyConnected::Run(const Tensor& input, Tensor& output, ThreadPool* pool) const {
  if (int8_.ready()) {
    const RowsContext c{input.bytes, shape_.depth, int8_.flip()};
    int8_.Run(shape_.batches, PackRows, &c, output.bytes, shape_.units, pool);
  } else if (float_.ready()) {
    float_.Run(shape_.batches, nullptr, nullptr, input.data<float>(), shape_.depth, output.data<float>(), shape_.units, pool);
  }
}

}  // namespace tfldbg
