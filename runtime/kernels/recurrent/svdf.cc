// SVDF: a fully connected layer factored into a feature filter and a time
// filter over a memory of the last `memory_size` feature activations, kept in
// a variable state tensor [batch, num_filters * memory_size] that the op
// shifts and updates in place. float32, and int8 (int8 input and feature
// weights, int16 time weights and state, int32 bias) as LiteRT's reference
// EvalFloatSVDF / EvalIntegerSVDF compute it:
//   state <<= 1 (the whole buffer, one element);  state[f][memory-1] = W_f[f]·x
//   out[u] = bias[u] + sum over the rank's filters f of W_t[f]·state[f]
// int8 requantizes W_f·(x - zp_x) to the state (clamped to int16) and the
// output sum to the output (clamped to int8; LiteRT requires RELU on the
// integer path but applies no activation there). Hybrid (float input, state
// and output; int8 feature and time weights with one scale each) as LiteRT's
// EvalHybridSVDF: the time weights dequantized (w · scale), each input row
// quantized (symmetric, or asymmetric with asymmetric_quantize_inputs), the
// feature products in int32 scaled back to float; an all-zero input is skipped.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/common/hybrid.h"
#include "kernels/common/requant.h"
#include "kernels/recurrent/lstm_math.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kWeightsFeature = 1;
constexpr int kWeightsTime = 2;
constexpr int kBias = 3;  // optional
constexpr int kState = 4;

class SvdfKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 5, 5));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kWeightsFeature, "feature weights"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kWeightsTime, "time weights"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kState, "state"));
    const Tensor& input = *node.input(kInput);
    const Tensor& feature = *node.input(kWeightsFeature);
    const Tensor& time = *node.input(kWeightsTime);
    const Tensor* bias = node.input(kBias);
    const Tensor& state = *node.input(kState);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, feature, "feature weights", 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, time, "time weights", 2, 2));

    int activation_code = 0;
    if (const auto* o = node.options<tflite::SVDFOptions>()) {
      rank_ = o->rank();
      activation_code = static_cast<int>(o->fused_activation_function());
      asymmetric_ = o->asymmetric_quantize_inputs();
    } else {
      return node.InvalidModelError("SVDF needs its SVDFOptions (the rank)");
    }
    if (activation_code < 0 || activation_code > static_cast<int>(quant::Activation::kSignBit)) {
      return node.UnsupportedError("activation " + std::to_string(activation_code));
    }
    activation_ = static_cast<quant::Activation>(activation_code);

    batches_ = input.dim(0);
    input_size_ = input.dim(1);
    filters_ = feature.dim(0);
    memory_ = time.dim(1);
    if (feature.dim(1) != input_size_) {
      return node.InvalidModelError("feature weights " + ShapeToString(feature.shape) + " do not take inputs of " +
                                    std::to_string(input_size_) + " values (input " + ShapeToString(input.shape) + ")");
    }
    if (rank_ <= 0 || filters_ <= 0 || filters_ % rank_ != 0) {
      return node.InvalidModelError("rank " + std::to_string(rank_) + " must be > 0 and divide the " +
                                    std::to_string(filters_) + " filters");
    }
    units_ = filters_ / rank_;
    if (time.dim(0) != filters_ || memory_ <= 0) {
      return node.InvalidModelError("time weights must be [" + std::to_string(filters_) + ", memory > 0], got " +
                                    ShapeToString(time.shape));
    }
    if (bias != nullptr && bias->shape != std::vector<int32_t>{units_}) {
      return node.InvalidModelError("bias must be [" + std::to_string(units_) + "], got " + ShapeToString(bias->shape));
    }
    if (state.kind != TensorKind::kVariable) {
      return node.InvalidModelError("state '" + state.name + "' (input 4) must be a variable tensor");
    }
    if (state.shape != std::vector<int32_t>{batches_, memory_ * filters_}) {
      return node.InvalidModelError("state '" + state.name + "' must be [" + std::to_string(batches_) + "," +
                                    std::to_string(memory_ * filters_) + "], got " + ShapeToString(state.shape));
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, {batches_, units_}));
    scratch_.assign(static_cast<size_t>(batches_) * filters_, 0);
    float_scratch_.assign(static_cast<size_t>(batches_) * filters_, 0.0f);

    hybrid_ = input.type == DataType::kFloat32 && feature.type == DataType::kInt8;
    if (hybrid_) return PrepareHybrid(node);
    if (input.type == DataType::kFloat32) {
      for (const Tensor* t : {&feature, &time, bias, &state, static_cast<const Tensor*>(&output)}) {
        if (t != nullptr && t->type != DataType::kFloat32) {
          return node.UnsupportedError("float32 input with " + std::string(DataTypeName(t->type)) + " tensor '" + t->name +
                                       "' (hybrid SVDF needs int8 feature and time weights)");
        }
      }
      return Status::Ok();
    }
    if (input.type != DataType::kInt8) {
      return node.UnsupportedError("input type " + std::string(DataTypeName(input.type)) + " (supported: float32, int8)");
    }
    if (activation_ != quant::Activation::kRelu) {
      // LiteRT's integer SVDF applies no activation and insists on RELU.
      return node.UnsupportedError("int8 SVDF with activation " + std::to_string(activation_code) +
                                   ": LiteRT runs it only with RELU");
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, feature, "feature weights", {DataType::kInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, time, "time weights", {DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, state, "state", {DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt8}));
    if (bias != nullptr) TFLDBG_RETURN_IF_ERROR(CheckType(node, *bias, "bias", {DataType::kInt32}));
    for (const Tensor* t : {&input, &feature, &time, &state, static_cast<const Tensor*>(&output)}) {
      if (t->quant.scale.empty() || !(t->scale() > 0.0f) || !std::isfinite(t->scale())) {
        return node.InvalidModelError("tensor '" + t->name + "' needs a positive scale");
      }
    }
    // LiteRT multiplies the scales in float, then widens to double.
    const double scale_1 = static_cast<double>(input.scale() * feature.scale() / state.scale());
    const double scale_2 = static_cast<double>(state.scale() * time.scale() / output.scale());
    if (bias != nullptr && std::abs(static_cast<double>(bias->scale()) -
                                    static_cast<double>(state.scale() * time.scale())) >= 1e-5) {
      return node.InvalidModelError("bias scale " + std::to_string(bias->scale()) +
                                    " must equal state scale x time weights scale (" +
                                    std::to_string(state.scale() * time.scale()) + ")");
    }
    to_state_ = quant::QuantizeMultiplier(scale_1, node.rounding);
    to_output_ = quant::QuantizeMultiplier(scale_2, node.rounding);
    input_zero_point_ = input.zero_point();
    output_zero_point_ = output.zero_point();
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    if (hybrid_) {
      EvalHybrid(node);
    } else if (node.input(kInput)->type == DataType::kFloat32) {
      EvalFloat(node);
    } else {
      EvalInteger(node);
    }
    return Status::Ok();
  }

 private:
  Status PrepareHybrid(NodeContext& node) {
    const Tensor& feature = *node.input(kWeightsFeature);
    const Tensor& time = *node.input(kWeightsTime);
    const Tensor* bias = node.input(kBias);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, time, "time weights", {DataType::kInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.input(kState), "state", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(0), "output", {DataType::kFloat32}));
    if (bias != nullptr) TFLDBG_RETURN_IF_ERROR(CheckType(node, *bias, "bias", {DataType::kFloat32}));
    for (const Tensor* w : {&feature, &time}) {
      if (!w->is_constant()) return node.UnsupportedError("hybrid SVDF weights '" + w->name + "' computed at run time");
      if (w->quant.scale.size() != 1 || !(w->scale() > 0.0f) || !std::isfinite(w->scale())) {
        return node.UnsupportedError("hybrid SVDF weights '" + w->name +
                                     "' need one positive scale (LiteRT's hybrid SVDF reads a per-tensor scale)");
      }
      if (w->zero_point() != 0) return node.UnsupportedError("hybrid SVDF weights '" + w->name + "' with a zero point");
    }
    feature_scale_ = feature.scale();
    time_weights_.resize(static_cast<size_t>(filters_) * static_cast<size_t>(memory_));
    for (size_t i = 0; i < time_weights_.size(); ++i) {
      time_weights_[i] = static_cast<float>(time.data<int8_t>()[i]) * time.scale();
    }
    row_sums_.assign(static_cast<size_t>(filters_), 0);
    if (asymmetric_) math::WeightRowSums(feature.data<int8_t>(), filters_, input_size_, row_sums_.data());
    quantized_.assign(static_cast<size_t>(batches_) * static_cast<size_t>(input_size_), 0);
    row_scales_.assign(static_cast<size_t>(batches_), 0.0f);
    row_zero_points_.assign(static_cast<size_t>(batches_), 0);
    return Status::Ok();
  }

  void EvalFloat(NodeContext& node) {
    const float* x = node.input(kInput)->data<float>();
    const float* wf = node.input(kWeightsFeature)->data<float>();
    float* state = node.input(kState)->data<float>();
    const int64_t total = static_cast<int64_t>(batches_) * filters_ * memory_;
    std::copy(state + 1, state + total, state);
    for (int b = 0; b < batches_; ++b) {
      for (int f = 0; f < filters_; ++f) {
        float acc = 0.0f;
        for (int c = 0; c < input_size_; ++c) acc += wf[f * input_size_ + c] * x[b * input_size_ + c];
        state[(static_cast<int64_t>(b) * filters_ + f) * memory_ + memory_ - 1] = acc;
      }
    }
    ApplyTimeWeights(node.input(kWeightsTime)->data<float>(), node, state);
  }

  void EvalHybrid(NodeContext& node) {
    const float* x = node.input(kInput)->data<float>();
    float* state = node.input(kState)->data<float>();
    const int64_t total = static_cast<int64_t>(batches_) * filters_ * memory_;
    std::copy(state + 1, state + total, state);
    std::fill(float_scratch_.begin(), float_scratch_.end(), 0.0f);
    if (!math::AllZero(x, static_cast<int64_t>(batches_) * input_size_)) {
      math::QuantizeRows(x, batches_, input_size_, asymmetric_, quantized_.data(), row_scales_.data(),
                         row_zero_points_.data());
      math::HybridMatVecAccumulate(node.input(kWeightsFeature)->data<int8_t>(), filters_, input_size_, feature_scale_,
                                   quantized_.data(), row_scales_.data(), row_zero_points_.data(), row_sums_.data(),
                                   batches_, float_scratch_.data(), filters_);
    }
    for (int64_t i = 0; i < static_cast<int64_t>(batches_) * filters_; ++i) {
      state[i * memory_ + memory_ - 1] = float_scratch_[static_cast<size_t>(i)];
    }
    ApplyTimeWeights(time_weights_.data(), node, state);
  }

  // out[u] = act(Σ over the rank's filters of W_t[f]·state[f] + bias[u]).
  void ApplyTimeWeights(const float* wt, NodeContext& node, const float* state) {
    const Tensor* bias = node.input(kBias);
    float* y = node.output(0)->data<float>();
    for (int b = 0; b < batches_; ++b) {
      for (int f = 0; f < filters_; ++f) {
        const float* s = state + (static_cast<int64_t>(b) * filters_ + f) * memory_;
        float acc = 0.0f;
        for (int m = 0; m < memory_; ++m) acc += wt[f * memory_ + m] * s[m];
        float_scratch_[static_cast<size_t>(b) * filters_ + f] = acc;
      }
      for (int u = 0; u < units_; ++u) {
        float sum = 0.0f;
        for (int r = 0; r < rank_; ++r) sum += float_scratch_[static_cast<size_t>(b) * filters_ + u * rank_ + r];
        if (bias != nullptr) sum += bias->data<float>()[u];
        y[b * units_ + u] = math::LstmActivation(activation_, sum);
      }
    }
  }

  void EvalInteger(NodeContext& node) {
    const int8_t* x = node.input(kInput)->data<int8_t>();
    const int8_t* wf = node.input(kWeightsFeature)->data<int8_t>();
    const int16_t* wt = node.input(kWeightsTime)->data<int16_t>();
    const Tensor* bias = node.input(kBias);
    int16_t* state = node.input(kState)->data<int16_t>();
    int8_t* y = node.output(0)->data<int8_t>();
    const int64_t total = static_cast<int64_t>(batches_) * filters_ * memory_;
    std::copy(state + 1, state + total, state);
    // Locals, so that the sums below vectorize (the stores to the state could
    // otherwise alias the members); wrapping uint32 sums, as the reference's int32.
    const int input_size = input_size_;
    const int32_t zp = input_zero_point_;
    for (int b = 0; b < batches_; ++b) {
      const int8_t* xb = x + static_cast<int64_t>(b) * input_size;
      for (int f = 0; f < filters_; ++f) {
        const int8_t* w = wf + static_cast<int64_t>(f) * input_size;
        uint32_t sum = 0;
        for (int c = 0; c < input_size; ++c) sum += static_cast<uint32_t>(w[c] * (xb[c] - zp));
        int32_t acc = static_cast<int32_t>(sum);
        acc = quant::MultiplyByQuantizedMultiplier(acc, to_state_, node.rounding);
        acc = std::min<int32_t>(std::max<int32_t>(acc, std::numeric_limits<int16_t>::min()), std::numeric_limits<int16_t>::max());
        state[(static_cast<int64_t>(b) * filters_ + f) * memory_ + memory_ - 1] = static_cast<int16_t>(acc);
      }
    }
    const int memory = memory_;
    for (int b = 0; b < batches_; ++b) {
      for (int f = 0; f < filters_; ++f) {
        const int16_t* s = state + (static_cast<int64_t>(b) * filters_ + f) * memory;
        const int16_t* w = wt + static_cast<int64_t>(f) * memory;
        uint32_t sum = 0;
        for (int m = 0; m < memory; ++m) sum += static_cast<uint32_t>(w[m] * s[m]);
        scratch_[static_cast<size_t>(b) * filters_ + f] = static_cast<int32_t>(sum);
      }
      for (int u = 0; u < units_; ++u) {
        int32_t sum = 0;
        for (int r = 0; r < rank_; ++r) sum = quant::WrappingAdd(sum, scratch_[static_cast<size_t>(b) * filters_ + u * rank_ + r]);
        if (bias != nullptr) sum = quant::WrappingAdd(sum, bias->data<int32_t>()[u]);
        int32_t q = quant::MultiplyByQuantizedMultiplier(sum, to_output_, node.rounding) + output_zero_point_;
        q = std::min<int32_t>(std::max<int32_t>(q, -128), 127);
        y[b * units_ + u] = static_cast<int8_t>(q);
      }
    }
  }

  int rank_ = 1;
  bool hybrid_ = false;
  bool asymmetric_ = false;
  float feature_scale_ = 1.0f;
  std::vector<float> time_weights_;  // hybrid: dequantized
  std::vector<int32_t> row_sums_;
  std::vector<int8_t> quantized_;
  std::vector<float> row_scales_;
  std::vector<int32_t> row_zero_points_;
  quant::Activation activation_ = quant::Activation::kNone;
  int batches_ = 0, input_size_ = 0, filters_ = 0, memory_ = 0, units_ = 0;
  quant::QuantizedMultiplier to_state_, to_output_;
  int32_t input_zero_point_ = 0, output_zero_point_ = 0;
  std::vector<int32_t> scratch_;
  std::vector<float> float_scratch_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSvdfKernel() { return std::make_unique<SvdfKernel>(); }

}  // namespace tfldbg
