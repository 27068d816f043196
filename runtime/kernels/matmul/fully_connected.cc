// FULLY_CONNECTED: float32, int8 (per-tensor and per-channel weights), uint8
// and int16x8, matching LiteRT's reference kernels.
#include <cstring>

#include "kernels/common/requant.h"
#include "kernels/common/dot.h"
#include "kernels/matmul/fully_connected_fast.h"
#include "kernels/xnnpack/delegation.h"
#include "kernels/matmul/fully_connected_math.h"
#include "kernels/common/hybrid.h"
#include "kernels/common/qd8.h"
#include "kernels/fast/hybrid.h"

namespace tfldbg {
namespace {

constexpr int kFcInput = 0;
constexpr int kFcWeights = 1;
constexpr int kFcBias = 2;  // optional

class FullyConnectedKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kFcInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kFcWeights, "weights"));
    const Tensor& input = *node.input(kFcInput);
    const Tensor& weights = *node.input(kFcWeights);
    const Tensor* bias = node.input(kFcBias);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, weights, "weights", 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));

    const auto* options = node.options<tflite::FullyConnectedOptions>();
    int activation_code = 0;
    bool keep_num_dims = false;
    if (options != nullptr) {
      if (options->weights_format() != tflite::FullyConnectedOptionsWeightsFormat::DEFAULT) {
        return node.UnsupportedError("weights_format SHUFFLED4x16INT8 is not supported");
      }
      activation_code = static_cast<int>(options->fused_activation_function());
      keep_num_dims = options->keep_num_dims();
    }
    TFLDBG_ASSIGN_OR_RETURN(activation_, FusedActivation(node, activation_code));
    if (!weights.sparse_levels.empty()) TFLDBG_RETURN_IF_ERROR(CheckSparseWeights(node, input, weights));

    shape_.units = weights.dim(0);
    shape_.depth = weights.dim(1);
    if (shape_.depth <= 0 || input.element_count() % shape_.depth != 0) {
      return node.InvalidModelError("input " + ShapeToString(input.shape) + " cannot be split into rows of " +
                                    std::to_string(shape_.depth) + " (the weights' columns)");
    }
    shape_.batches = static_cast<int>(input.element_count() / shape_.depth);
    if (bias != nullptr && (bias->rank() != 1 || bias->dim(0) != shape_.units)) {
      return node.InvalidModelError("bias must be [" + std::to_string(shape_.units) + "], got " + ShapeToString(bias->shape));
    }
    std::vector<int32_t> out_shape;
    if (keep_num_dims) {
      if (input.dim(input.rank() - 1) != shape_.depth) {
        return node.InvalidModelError("keep_num_dims needs the input's last dimension to equal " + std::to_string(shape_.depth));
      }
      out_shape = input.shape;
      out_shape.back() = shape_.units;
    } else {
      out_shape = {shape_.batches, shape_.units};
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, std::move(out_shape)));

    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    switch (input.type) {
      case DataType::kFloat32:
        if (bias && bias->type != DataType::kFloat32) return node.InvalidModelError("float32 FULLY_CONNECTED needs a float32 bias");
        float_clamp_ = quant::FloatActivationRange(activation_);
        if (weights.type == DataType::kInt8) {
          TFLDBG_RETURN_IF_ERROR(PrepareHybrid(node, weights, options));
          PackWeights(input, weights);
          // The fast hybrid GEMM (kernels/fast/hybrid.h) when the node's CPU path has it.
          hybrid_fast_ = {};
          if (weights.is_constant() &&
              hybrid_fast_.Pack(fast::IsaKernelsFor(node.cpu), weights.data<int8_t>(), shape_.units, shape_.depth)) {
            weights16_.clear();
            // XNNPACK's qd8 stage multiplies by one weight scale per unit.
            qd8_weight_scales_.clear();
            if (xnn_qd8_) {
              qd8_weight_scales_.assign(static_cast<size_t>(shape_.units), weights.quant.scale[0]);
              if (weights.quant.per_channel()) qd8_weight_scales_ = weights.quant.scale;
            }
          }
          return Status::Ok();
        }
        if (weights.type != DataType::kFloat32) {
          return node.UnsupportedError("float32 input with " + std::string(DataTypeName(weights.type)) + " weights");
        }
        return PrepareFastOrPack(node, input, weights, bias);
      case DataType::kInt8:
      case DataType::kUInt8:
        TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", weights, "weights"));
        if (bias && bias->type != DataType::kInt32) {
          return node.UnsupportedError(std::string(DataTypeName(bias->type)) + " bias; expected int32");
        }
        break;
      case DataType::kInt16:
        TFLDBG_RETURN_IF_ERROR(CheckType(node, weights, "weights", {DataType::kInt8}));
        if (bias && bias->type != DataType::kInt64 && bias->type != DataType::kInt32) {
          return node.UnsupportedError(std::string(DataTypeName(bias->type)) + " bias; expected int64 or int32");
        }
        break;
      default:
        break;
    }
    // LiteRT's fully_connected.cc derives per-tensor multipliers in double too
    // (checked against the oracle on mlperf_tiny_ad01_int8).
    TFLDBG_RETURN_IF_ERROR(PrepareChannelRequant(node, input, weights, output, shape_.units, 0, activation_, false, requant_));
    // LiteRT's sparse 1x16 int8 kernel requantizes with its own
    // MultiplyByQuantizedMultiplier (two roundings), not through the GEMM
    // backend that makes the dense path round once.
    if (!weights.sparse_levels.empty() && node.rounding_follows_litert) requant_.rounding = quant::RoundingMode::kDouble;
    requant_.xnn_scales.clear();
    if (node.xnnpack_delegated && input.type != DataType::kInt16) {
      requant_.xnn_scales = xnnpack::RequantizationScales(input, weights, output, shape_.units);
      requant_.clamp = xnnpack::QuantizedOutputRange(activation_, output.scale(), output.zero_point(), output.type);
    }
    // int16x8 under --kernels optimized: LiteRT's optimized kernel computes what
    // its reference does (measured), so not the 8-bit GEMM's ties-up rounding
    // the op table gives FULLY_CONNECTED there, but the reference's single rounding.
    if (input.type == DataType::kInt16 && node.kernels == KernelSet::kOptimized && node.rounding_follows_litert) {
      requant_.rounding = quant::RoundingMode::kSingle;
    }
    return PrepareFastOrPack(node, input, weights, bias);
  }

  // The fast kernels (fully_connected_fast.h) when the node's CPU path has them; else the reference loops.
  Status PrepareFastOrPack(const NodeContext& node, const Tensor& input, const Tensor& weights, const Tensor* bias) {
    if (fast_.Prepare(node, shape_, input, weights, bias, requant_, float_clamp_)) {
      packed_float_.clear();
      weights16_.clear();
      return Status::Ok();
    }
    PackWeights(input, weights);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kFcInput);
    const Tensor& weights = *node.input(kFcWeights);
    const Tensor* bias = node.input(kFcBias);
    Tensor& output = *node.output(0);
    if (fast_.ready()) {
      fast_.Run(input, output, node.pool);
      return Status::Ok();
    }
    switch (input.type) {
      case DataType::kFloat32: {
        if (weights.type == DataType::kInt8) {
          if (hybrid_fast_.ready() && xnn_qd8_) {
            EvalHybridXnnpackFast(input.data<float>(), bias ? bias->data<float>() : nullptr, output.data<float>(), node.pool);
            return Status::Ok();
          }
          if (hybrid_fast_.ready()) {
            EvalHybridFast(input.data<float>(), bias ? bias->data<float>() : nullptr, weights, output.data<float>(), node.pool);
            return Status::Ok();
          }
          EvalHybrid(input.data<float>(), weights.data<int8_t>(), bias ? bias->data<float>() : nullptr, weights,
                     output.data<float>());
          return Status::Ok();
        }
        const float* packed = packed_float_.empty() ? nullptr : packed_float_.data();
        const float* b = bias ? bias->data<float>() : nullptr;
        if (node.fused_float_sums()) {
          math::FullyConnectedFloat<true>(shape_, input.data<float>(), weights.data<float>(), b, float_clamp_,
                                          output.data<float>(), packed);
        } else {
          math::FullyConnectedFloat<false>(shape_, input.data<float>(), weights.data<float>(), b, float_clamp_,
                                           output.data<float>(), packed);
        }
        return Status::Ok();
      }
      case DataType::kInt8:
        math::FullyConnectedQuantized(shape_, input.data<int8_t>(), weights.data<int8_t>(),
                                      bias ? bias->data<int32_t>() : nullptr, requant_, output.data<int8_t>(),
                                      weights16_.empty() ? nullptr : weights16_.data(), row16_.data());
        return Status::Ok();
      case DataType::kUInt8:
        math::FullyConnectedQuantized(shape_, input.data<uint8_t>(), weights.data<uint8_t>(),
                                      bias ? bias->data<int32_t>() : nullptr, requant_, output.data<uint8_t>(),
                                      weights16_.empty() ? nullptr : weights16_.data(), row16_.data());
        return Status::Ok();
      case DataType::kInt16:
        if (bias != nullptr && bias->type == DataType::kInt32) {
          math::FullyConnectedInt16(shape_, input.data<int16_t>(), weights.data<int8_t>(), bias->data<int32_t>(), requant_,
                                    output.data<int16_t>());
        } else {
          math::FullyConnectedInt16(shape_, input.data<int16_t>(), weights.data<int8_t>(),
                                    bias ? bias->data<int64_t>() : nullptr, requant_, output.data<int16_t>());
        }
        return Status::Ok();
      default:
        return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  // Sparse weights arrive decoded (interpreter), so the dense kernels compute
  // them; what is checked is that LiteRT has a kernel for the combination.
  // Float: its reference kernel densifies any layout. int8: only 1x16 blocks
  // over a dense-then-CSR walk of symmetric weights (FullyConnectedSparseWeight1x16).
  static Status CheckSparseWeights(const NodeContext& node, const Tensor& input, const Tensor& weights) {
    if (input.type == DataType::kFloat32 && weights.type == DataType::kFloat32) return Status::Ok();
    if (input.type == DataType::kInt8 && weights.type == DataType::kInt8) {
      const auto& l = weights.sparse_levels;
      const bool one_by_sixteen = l.size() == 3 && !l[0].compressed && l[0].dimension == 0 && l[1].compressed &&
                                  l[1].dimension == 1 && !l[2].compressed && l[2].in_block && l[2].dimension == 1 &&
                                  l[2].size == 16;
      if (!one_by_sixteen) {
        return node.UnsupportedError("sparse int8 weights must be in 1x16 blocks (rows dense, block columns CSR), "
                                     "the one int8 layout LiteRT's kernel reads");
      }
      for (int64_t zp : weights.quant.zero_point) {
        if (zp != 0) return node.UnsupportedError("sparse int8 weights must have zero point 0 (LiteRT's sparse kernel is symmetric only)");
      }
      return Status::Ok();
    }
    return node.UnsupportedError("sparse " + std::string(DataTypeName(weights.type)) + " weights with " +
                                 DataTypeName(input.type) + " input: LiteRT has no sparse kernel for that");
  }

  Status PrepareHybrid(const NodeContext& node, const Tensor& weights, const tflite::FullyConnectedOptions* options) {
    asymmetric_ = options != nullptr && options->asymmetric_quantize_inputs();
    xnn_qd8_ = node.xnnpack_delegated;
    if (weights.quant.empty()) return node.InvalidModelError("int8 weights need scales");
    for (int64_t zp : weights.quant.zero_point) {
      if (zp != 0) return node.UnsupportedError("hybrid int8 weights must have zero point 0");
    }
    if (weights.quant.per_channel() && weights.quant.scale.size() != static_cast<size_t>(shape_.units)) {
      return node.InvalidModelError("per-channel weight scales do not match the units");
    }
    if (weights.quant.per_channel() && weights.quant.quantized_dimension != 0) {
      return node.UnsupportedError("per-channel weight scales along axis " + std::to_string(weights.quant.quantized_dimension) +
                                   "; LiteRT's hybrid kernel reads them by unit (axis 0)");
    }
    row_.assign(static_cast<size_t>(shape_.batches) * static_cast<size_t>(shape_.depth), 0);
    row_scales_.assign(static_cast<size_t>(shape_.batches), 0.0f);
    row_offsets_.assign(static_cast<size_t>(shape_.batches), 0);
    // Asymmetric rows: Σ w·(q − z) = Σ w·q − z·Σ w, with the weights' row sums (once for constants).
    row_sums_.assign(static_cast<size_t>(shape_.units), 0);
    if (asymmetric_ && weights.is_constant()) ComputeRowSums(weights.data<int8_t>());
    return Status::Ok();
  }

  void ComputeRowSums(const int8_t* w) {
    for (int u = 0; u < shape_.units; ++u) {
      uint32_t sum = 0;  // wraps as LiteRT's int32 would
      for (int k = 0; k < shape_.depth; ++k) sum += static_cast<uint32_t>(static_cast<int32_t>(w[static_cast<int64_t>(u) * shape_.depth + k]));
      row_sums_[static_cast<size_t>(u)] = static_cast<int32_t>(sum);
    }
  }

  // dot − row_sum·zero_point in int32, wrapping as LiteRT's would overflow.
  static int32_t SubtractOffset(int32_t dot, int32_t row_sum, int32_t zero_point) {
    return static_cast<int32_t>(static_cast<uint32_t>(dot) - static_cast<uint32_t>(row_sum) * static_cast<uint32_t>(zero_point));
  }

  // One input row quantized as LiteRT's BatchQuantizeFloats: symmetric
  // (zero point 0), or asymmetric with asymmetric_quantize_inputs. Returns
  // the row's scale (times the weight scale when per-tensor).
  float QuantizeRow(const float* x, int8_t* q, int32_t* zero_point, const Tensor& weights) const {
    float scale = 1.0f;
    *zero_point = 0;
    if (asymmetric_) {
      math::AsymmetricQuantizeRow(x, shape_.depth, q, &scale, zero_point);
    } else {
      scale = math::SymmetricQuantizeRow(x, shape_.depth, q);
    }
    if (!weights.quant.per_channel()) scale *= weights.quant.scale[0];
    return scale;
  }

  // LiteRT's hybrid path: each input row is quantized (symmetrically, or
  // asymmetrically with a zero point z), the dot products are integer,
  // acc = Σ w·q − z·Σ w, and each result is bias + acc · (row scale · weight scale).
  void EvalHybrid(const float* x, const int8_t* w, const float* bias, const Tensor& weights, float* y) {
    const bool per_channel = weights.quant.per_channel();
    if (xnn_qd8_) {
      EvalHybridXnnpack(x, w, bias, weights, y);
      return;
    }
    if (asymmetric_ && !weights.is_constant()) ComputeRowSums(w);
    if (!weights16_.empty()) {
      EvalHybrid16(x, bias, weights, y);
      return;
    }
    for (int b = 0; b < shape_.batches; ++b) {
      row_scales_[static_cast<size_t>(b)] = QuantizeRow(x + static_cast<int64_t>(b) * shape_.depth,
                                                        row_.data() + static_cast<int64_t>(b) * shape_.depth,
                                                        &row_offsets_[static_cast<size_t>(b)], weights);
    }
    auto finish = [&](int index, int u, int32_t acc) {
      const float row_scale = row_scales_[static_cast<size_t>(index / shape_.units)];
      const float scale = per_channel ? row_scale * weights.quant.scale[static_cast<size_t>(u)] : row_scale;
      float v = bias ? bias[u] : 0.0f;
      v += static_cast<float>(acc) * scale;
      y[index] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
    };
    for (int b = 0; b < shape_.batches; ++b) {
      const int8_t* row = row_.data() + static_cast<int64_t>(b) * shape_.depth;
      const int32_t zero_point = row_offsets_[static_cast<size_t>(b)];
      for (int u = 0; u < shape_.units; ++u) {
        const int8_t* wu = w + static_cast<int64_t>(u) * shape_.depth;
        const int32_t dot = math::DotWithOffsets(row, wu, shape_.depth, 0, 0);
        finish(b * shape_.units + u, u, SubtractOffset(dot, row_sums_[static_cast<size_t>(u)], zero_point));
      }
    }
  }

  // The fast path: the rows quantized as EvalHybrid does, the GEMM and the
  // float stage (bias + acc · scale, clamp) in kernels/fast/hybrid.h.
  struct HybridRows {
    const uint8_t* rows;  // q + 128
    int depth;
  };
  static void PackHybridRows(const void* context, int64_t r0, int count, uint8_t* tile, int64_t stride) {
    const HybridRows& c = *static_cast<const HybridRows*>(context);
    for (int r = 0; r < count; ++r) std::memcpy(tile + r * stride, c.rows + (r0 + r) * c.depth, static_cast<size_t>(c.depth));
  }

  void EvalHybridFast(const float* x, const float* bias, const Tensor& weights, float* y, ThreadPool* pool) {
    uint8_t* u = reinterpret_cast<uint8_t*>(row_.data());
    for (int b = 0; b < shape_.batches; ++b) {
      // As QuantizeRow, the values as q + 128.
      const int64_t at = static_cast<int64_t>(b) * shape_.depth;
      float scale = 1.0f;
      int32_t zero_point = 0;
      if (asymmetric_) {
        hybrid_fast_.QuantizeAsymmetric(x + at, shape_.depth, u + at, &scale, &zero_point);
      } else {
        scale = hybrid_fast_.QuantizeSymmetric(x + at, shape_.depth, u + at);
      }
      if (!weights.quant.per_channel()) scale *= weights.quant.scale[0];
      row_scales_[static_cast<size_t>(b)] = scale;
      row_offsets_[static_cast<size_t>(b)] = zero_point;
    }
    fast::HybridStage s;
    s.mode = weights.quant.per_channel() ? fast::HybridStage::Mode::kRowTimesChannel : fast::HybridStage::Mode::kRowScale;
    s.rows_per_group = 1;
    s.row_scale = row_scales_.data();
    s.zero_point = row_offsets_.data();
    s.channel_scale = weights.quant.scale.data();
    s.bias = bias;
    s.min = float_clamp_.min;
    s.max = float_clamp_.max;
    const HybridRows rows{u, shape_.depth};
    hybrid_fast_.Run(shape_.batches, PackHybridRows, &rows, s, y, shape_.units, pool);
  }

  // --kernels xnnpack: XNNPACK's qd8 fully connected. Each row quantized
  // asymmetrically (math::QuantizeRowQd8), acc = Σ (q − z)·w exactly, then
  // float(acc) · row scale · weight scale + bias, clamped.
  void EvalHybridXnnpack(const float* x, const int8_t* w, const float* bias, const Tensor& weights, float* y) {
    const bool per_channel = weights.quant.per_channel();
    for (int b = 0; b < shape_.batches; ++b) {
      int8_t* row = row_.data() + static_cast<int64_t>(b) * shape_.depth;
      int32_t zero_point = 0;
      const float row_scale = math::QuantizeRowQd8(x + static_cast<int64_t>(b) * shape_.depth, shape_.depth, row,
                                                      &zero_point);
      for (int u = 0; u < shape_.units; ++u) {
        const int8_t* wu = w + static_cast<int64_t>(u) * shape_.depth;
        const int32_t acc = math::DotWithOffsets(row, wu, shape_.depth, -zero_point, 0);
        const float ws = weights.quant.scale[per_channel ? static_cast<size_t>(u) : 0];
        float v = static_cast<float>(acc) * row_scale * ws + (bias ? bias[u] : 0.0f);
        y[static_cast<int64_t>(b) * shape_.units + u] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
      }
    }
  }

  // EvalHybridXnnpack on the fast hybrid GEMM: each row quantized as there
  // (PackedHybridGemm::QuantizeQd8: the same q, stored as q + 128); Σ w·q − z·Σ w
  // (wrapping) is the same int32 as Σ (q − z)·w, and the kRowThenChannel stage
  // is the loop's float(acc) · row scale · weight scale + bias, clamped.
  void EvalHybridXnnpackFast(const float* x, const float* bias, float* y, ThreadPool* pool) {
    for (int b = 0; b < shape_.batches; ++b) {
      const int64_t at = static_cast<int64_t>(b) * shape_.depth;
      uint8_t* u = reinterpret_cast<uint8_t*>(row_.data() + at);
      row_scales_[static_cast<size_t>(b)] = hybrid_fast_.QuantizeQd8(x + at, shape_.depth, u, &row_offsets_[static_cast<size_t>(b)]);
    }
    fast::HybridStage s;
    s.mode = fast::HybridStage::Mode::kRowThenChannel;
    s.rows_per_group = 1;
    s.row_scale = row_scales_.data();
    s.zero_point = row_offsets_.data();
    s.channel_scale = qd8_weight_scales_.data();
    s.bias = bias;
    s.min = float_clamp_.min;
    s.max = float_clamp_.max;
    const HybridRows rows{reinterpret_cast<const uint8_t*>(row_.data()), shape_.depth};
    hybrid_fast_.Run(shape_.batches, PackHybridRows, &rows, s, y, shape_.units, pool);
  }

  // The packed path: each row quantized straight into 16 bits, four units per dot pass.
  void EvalHybrid16(const float* x, const float* bias, const Tensor& weights, float* y) {
    const bool per_channel = weights.quant.per_channel();
    const int depth = shape_.depth, units = shape_.units;
    for (int b = 0; b < shape_.batches; ++b) {
      int32_t zero_point = 0;
      float row_scale = 0.0f;
      if (asymmetric_) {
        int8_t* q = row_.data() + static_cast<int64_t>(b) * depth;
        row_scale = QuantizeRow(x + static_cast<int64_t>(b) * depth, q, &zero_point, weights);
        for (int k = 0; k < depth; ++k) row16_[static_cast<size_t>(k)] = q[k];
      } else {
        row_scale = math::SymmetricQuantizeRow(x + static_cast<int64_t>(b) * depth, depth, row16_.data());
        if (!per_channel) row_scale *= weights.quant.scale[0];
      }
      float* out = y + static_cast<int64_t>(b) * units;
      auto write = [&](int u, int32_t acc) {
        acc = SubtractOffset(acc, row_sums_[static_cast<size_t>(u)], zero_point);
        const float scale = per_channel ? row_scale * weights.quant.scale[static_cast<size_t>(u)] : row_scale;
        float v = bias ? bias[u] : 0.0f;
        v += static_cast<float>(acc) * scale;
        out[u] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
      };
      int u = 0;
      for (; u + 4 <= units; u += 4) {
        int32_t acc[4];
        math::DotInt16Rows4(row16_.data(), weights16_.data() + static_cast<int64_t>(u) * depth, depth, depth, acc);
        for (int k = 0; k < 4; ++k) write(u + k, acc[k]);
      }
      for (; u < units; ++u) write(u, math::DotInt16(row16_.data(), weights16_.data() + static_cast<int64_t>(u) * depth, depth));
    }
  }

  // Constant weights are repacked for the loop vectorized across units
  // (integer weights as int16 with their offset added).
  void PackWeights(const Tensor& input, const Tensor& weights) {
    packed_float_.clear();
    weights16_.clear();
    row16_.assign(static_cast<size_t>(shape_.depth), 0);
    if (!weights.is_constant()) return;
    const math::ConvGeometry g = math::AsOneByOneConv(shape_);
    const int32_t offset = requant_.filter_offset;
    const bool offsets_fit = offset >= -255 && offset <= 255 && requant_.input_offset >= -255 && requant_.input_offset <= 255;
    if (input.type == DataType::kFloat32 && weights.type == DataType::kFloat32) {
      packed_float_ = math::PackFilterByOutputChannel<float>(g, weights.data<float>(), 0);
    } else if (input.type == DataType::kFloat32 && weights.type == DataType::kInt8) {
      Widen(weights.data<int8_t>(), weights.element_count(), 0);
    } else if (input.type == DataType::kInt8 && offsets_fit) {
      Widen(weights.data<int8_t>(), weights.element_count(), offset);
    } else if (input.type == DataType::kUInt8 && offsets_fit) {
      Widen(weights.data<uint8_t>(), weights.element_count(), offset);
    }
    row16_.assign(static_cast<size_t>(shape_.depth), 0);
  }

  // Integer weights as int16 with the filter offset added, same [units][depth] layout.
  template <typename W>
  void Widen(const W* w, int64_t n, int32_t offset) {
    weights16_.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) weights16_[static_cast<size_t>(i)] = static_cast<int16_t>(w[i] + offset);
  }

  FastFullyConnected fast_;
  fast::PackedHybridGemm hybrid_fast_;
  bool xnn_qd8_ = false;  // --kernels xnnpack, a delegated hybrid node: XNNPACK's qd8 path
  std::vector<float> qd8_weight_scales_;  // xnn_qd8_ on the fast GEMM: each unit's weight scale
  std::vector<float> packed_float_;
  std::vector<int16_t> weights16_;
  std::vector<int16_t> row16_;
  std::vector<float> row_scales_;
  std::vector<int32_t> row_offsets_;  // each row's zero point (0 when symmetric)
  std::vector<int32_t> row_sums_;     // Σ_k w[u][k], for asymmetric rows
  bool asymmetric_ = false;
  std::vector<int8_t> row_;
  math::FullyConnectedShape shape_;
  quant::Activation activation_ = quant::Activation::kNone;
  quant::FloatRange float_clamp_;
  math::ChannelRequant requant_;
};

}  // namespace

std::unique_ptr<Kernel> CreateFullyConnectedKernel() { return std::make_unique<FullyConnectedKernel>(); }

}  // namespace tfldbg
