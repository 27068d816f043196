// RNN (one step), UNIDIRECTIONAL_SEQUENCE_RNN (a sequence, time- or
// batch-major) and BIDIRECTIONAL_SEQUENCE_RNN (a forward and a backward cell
// over the sequence, outputs merged or apart, with an optional auxiliary
// input): float32, and hybrid (int8 weights, float activations, inputs
// quantized per row, asymmetric_quantize_inputs or not) as LiteRT's
// kernel_utils::RnnBatchStep computes them (kernels/recurrent/rnn_math.h).
//
// The hidden states are variable tensors the op updates in place.
#include <cmath>

#include "kernels/kernel.h"
#include "kernels/recurrent/rnn_math.h"

namespace tfldbg {
namespace {

enum class RnnOp { kRnn, kSequence, kBidirectional };

constexpr int kInput = 0;
// Per cell: input weights, recurrent weights, bias, hidden state.
constexpr int kForwardSlots[4] = {1, 2, 3, 4};
constexpr int kBackwardSlots[4] = {5, 6, 7, 8};
constexpr int kAuxInput = 9;
constexpr int kForwardAuxWeights = 10;
constexpr int kBackwardAuxWeights = 11;

struct RnnCell {
  const char* name = "";  // "" or "forward " / "backward "
  const int* slots = kForwardSlots;
  int aux_weights_slot = -1;
  int units = 0;
  math::RnnFloatWeights float_weights;
  math::RnnHybridWeights hybrid;
  std::vector<int32_t> row_sums[3];  // input, aux, recurrent
};

class RnnKernel : public Kernel {
 public:
  explicit RnnKernel(RnnOp op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    const bool bidirectional = op_ == RnnOp::kBidirectional;
    TFLDBG_RETURN_IF_ERROR(bidirectional ? CheckInputCount(node, 9, 12) : CheckInputCount(node, 5, 5));
    TFLDBG_RETURN_IF_ERROR(ReadOptions(node));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, bidirectional && !merge_outputs_ ? 2 : 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    if (op_ == RnnOp::kRnn) {
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 2, 2));
      steps_ = 1;
      batches_ = input.dim(0);
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 3, 3));
      steps_ = time_major_ ? input.dim(0) : input.dim(1);
      batches_ = time_major_ ? input.dim(1) : input.dim(0);
    }
    n_input_ = input.dim(input.rank() - 1);

    n_aux_ = 0;
    aux_is_backward_input_ = false;
    cells_.assign(bidirectional ? 2 : 1, RnnCell{});
    if (bidirectional) {
      cells_[0].name = "forward ";
      cells_[1].name = "backward ";
      cells_[1].slots = kBackwardSlots;
      const Tensor* aux = node.input(kAuxInput);
      const bool fw_aux = node.input(kForwardAuxWeights) != nullptr;
      if (fw_aux != (node.input(kBackwardAuxWeights) != nullptr)) {
        return node.InvalidModelError("the forward and backward auxiliary weights must be both present or both absent");
      }
      if (fw_aux && aux == nullptr) return node.InvalidModelError("auxiliary weights without an auxiliary input (input 9)");
      if (aux != nullptr) {
        TFLDBG_RETURN_IF_ERROR(CheckType(node, *aux, "auxiliary input", {DataType::kFloat32}));
        // LiteRT steps through the auxiliary input by the input's row size.
        if (aux->shape != input.shape) {
          return node.UnsupportedError("auxiliary input " + ShapeToString(aux->shape) + " unlike the input " +
                                       ShapeToString(input.shape) + " (LiteRT walks both with the input's strides)");
        }
        if (fw_aux) {
          n_aux_ = n_input_;
          cells_[0].aux_weights_slot = kForwardAuxWeights;
          cells_[1].aux_weights_slot = kBackwardAuxWeights;
        } else {
          // Without auxiliary weights the auxiliary input is the backward cell's input.
          aux_is_backward_input_ = true;
        }
      }
    }

    // Hybrid when the (forward) input weights are int8; every cell alike.
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kForwardSlots[0], bidirectional ? "forward input weights" : "input weights"));
    hybrid_ = node.input(kForwardSlots[0])->type == DataType::kInt8;
    int widest = std::max(n_input_, n_aux_);
    for (RnnCell& cell : cells_) {
      TFLDBG_RETURN_IF_ERROR(PrepareCell(node, cell));
      widest = std::max(widest, cell.units);
    }

    const int fw_units = cells_[0].units;
    const int bw_units = bidirectional ? cells_[1].units : 0;
    std::vector<int32_t> out_shape = input.shape;
    out_shape.back() = bidirectional && merge_outputs_ ? fw_units + bw_units : fw_units;
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(0), "output", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(0), out_shape));
    if (bidirectional && !merge_outputs_) {
      out_shape.back() = bw_units;
      TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(1), "backward output", {DataType::kFloat32}));
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(1), out_shape));
    }
    if (bidirectional && hybrid_ && merge_outputs_ && time_major_ && !asymmetric_ && batches_ > 1) {
      // Its row-by-row path hands the multiply zero points at nullptr + row,
      // which it then reads: a segmentation fault.
      return node.UnsupportedError("hybrid with merge_outputs, time-major, without asymmetric_quantize_inputs, on " +
                                   std::to_string(batches_) + " batch rows (LiteRT crashes on it)");
    }
    const size_t rows = static_cast<size_t>(std::max(1, batches_));
    state_.assign(rows * static_cast<size_t>(std::max(fw_units, bw_units)), 0.0f);
    quantized_.assign(rows * static_cast<size_t>(widest), 0);
    scales_.assign(rows, 0.0f);
    zero_points_.assign(rows, 0);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const float* x = node.input(kInput)->data<float>();
    const float* aux = node.input(kAuxInput) != nullptr ? node.input(kAuxInput)->data<float>() : nullptr;
    float* out = node.output(0)->data<float>();
    if (op_ != RnnOp::kBidirectional) {
      RunCell(node, cells_[0], x, nullptr, out, cells_[0].units, true);
      return Status::Ok();
    }
    const int fw_units = cells_[0].units, bw_units = cells_[1].units;
    const int step = merge_outputs_ ? fw_units + bw_units : fw_units;
    RunCell(node, cells_[0], x, n_aux_ > 0 ? aux : nullptr, out, step, true);
    float* bw_out = merge_outputs_ ? out + fw_units : node.output(1)->data<float>();
    // LiteRT reads the backward cell's own input (the auxiliary input, when it
    // has no auxiliary weights) only in time-major order; batch-major it reads
    // the input (docs/litert-defects.md).
    const float* bw_x = aux_is_backward_input_ && time_major_ ? aux : x;
    // LiteRT's hybrid time-major loop runs both cells over the sequence once
    // per time step (docs/litert-defects.md): the states advance steps² times.
    const int passes = hybrid_ && time_major_ ? steps_ : 1;
    for (int pass = 0; pass < passes; ++pass) {
      if (pass > 0) RunCell(node, cells_[0], x, n_aux_ > 0 ? aux : nullptr, out, step, true);
      RunCell(node, cells_[1], bw_x, n_aux_ > 0 ? aux : nullptr, bw_out, merge_outputs_ ? step : bw_units, false);
    }
    return Status::Ok();
  }

 private:
  Status ReadOptions(NodeContext& node) {
    int activation = static_cast<int>(tflite::ActivationFunctionType::TANH);
    time_major_ = false;
    merge_outputs_ = false;
    asymmetric_ = false;
    switch (op_) {
      case RnnOp::kRnn:
        if (const auto* o = node.options<tflite::RNNOptions>()) {
          activation = static_cast<int>(o->fused_activation_function());
          asymmetric_ = o->asymmetric_quantize_inputs();
        }
        break;
      case RnnOp::kSequence:
        if (const auto* o = node.options<tflite::SequenceRNNOptions>()) {
          activation = static_cast<int>(o->fused_activation_function());
          asymmetric_ = o->asymmetric_quantize_inputs();
          time_major_ = o->time_major();
        }
        break;
      case RnnOp::kBidirectional:
        if (const auto* o = node.options<tflite::BidirectionalSequenceRNNOptions>()) {
          activation = static_cast<int>(o->fused_activation_function());
          asymmetric_ = o->asymmetric_quantize_inputs();
          time_major_ = o->time_major();
          merge_outputs_ = o->merge_outputs();
        }
        break;
    }
    if (activation < 0 || activation > static_cast<int>(quant::Activation::kSignBit)) {
      return node.UnsupportedError("activation " + std::to_string(activation) +
                                   " (supported: NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT)");
    }
    activation_ = static_cast<quant::Activation>(activation);
    return Status::Ok();
  }

  Status PrepareCell(NodeContext& node, RnnCell& cell) {
    const std::string prefix = cell.name;
    const std::string weights_name = prefix + "input weights";
    const std::string recurrent_name = prefix + "recurrent weights";
    const std::string bias_name = prefix + "bias";
    const std::string hidden_name = prefix + "hidden state";
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, cell.slots[0], weights_name.c_str()));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, cell.slots[1], recurrent_name.c_str()));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, cell.slots[2], bias_name.c_str()));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, cell.slots[3], hidden_name.c_str()));
    const Tensor& weights = *node.input(cell.slots[0]);
    const Tensor& recurrent = *node.input(cell.slots[1]);
    const Tensor& bias = *node.input(cell.slots[2]);
    const Tensor& hidden = *node.input(cell.slots[3]);
    const Tensor* aux_weights = cell.aux_weights_slot >= 0 ? node.input(cell.aux_weights_slot) : nullptr;
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, weights, weights_name.c_str(), 2, 2));
    cell.units = weights.dim(0);
    const int units = cell.units;
    if (units <= 0 || weights.dim(1) != n_input_) {
      return node.InvalidModelError(weights_name + " must be [units > 0, " + std::to_string(n_input_) + "], got " +
                                    ShapeToString(weights.shape));
    }
    if (recurrent.shape != std::vector<int32_t>{units, units}) {
      return node.InvalidModelError(recurrent_name + " must be [" + std::to_string(units) + "," + std::to_string(units) +
                                    "], got " + ShapeToString(recurrent.shape));
    }
    if (aux_weights != nullptr && aux_weights->shape != std::vector<int32_t>{units, n_aux_}) {
      return node.InvalidModelError(prefix + "auxiliary weights must be [" + std::to_string(units) + "," +
                                    std::to_string(n_aux_) + "], got " + ShapeToString(aux_weights->shape));
    }
    if (bias.shape != std::vector<int32_t>{units}) {
      return node.InvalidModelError(bias_name + " must be [" + std::to_string(units) + "], got " + ShapeToString(bias.shape));
    }
    if (hidden.kind != TensorKind::kVariable) {
      return node.InvalidModelError(hidden_name + " '" + hidden.name + "' (input " + std::to_string(cell.slots[3]) +
                                    ") must be a variable tensor");
    }
    if (hidden.shape != std::vector<int32_t>{batches_, units}) {
      return node.InvalidModelError(hidden_name + " '" + hidden.name + "' must be [" + std::to_string(batches_) + "," +
                                    std::to_string(units) + "], got " + ShapeToString(hidden.shape));
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, bias, bias_name.c_str(), {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, hidden, hidden_name.c_str(), {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, weights, weights_name.c_str(), {hybrid_ ? DataType::kInt8 : DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, recurrent, recurrent_name.c_str(), weights, weights_name.c_str()));
    if (aux_weights != nullptr) {
      const std::string aux_name = prefix + "auxiliary weights";
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, *aux_weights, aux_name.c_str(), weights, weights_name.c_str()));
    }
    cell.float_weights = math::RnnFloatWeights{};
    cell.hybrid = math::RnnHybridWeights{};
    if (weights.type == DataType::kFloat32) {
      cell.float_weights.input = weights.data<float>();
      cell.float_weights.recurrent = recurrent.data<float>();
      cell.float_weights.aux = aux_weights != nullptr ? aux_weights->data<float>() : nullptr;
      cell.float_weights.bias = bias.data<float>();
      cell.float_weights.activation = activation_;
      return Status::Ok();
    }
    // Hybrid: per-tensor int8 weights, read once (their row sums too).
    for (const Tensor* w : {&weights, &recurrent, aux_weights}) {
      if (w == nullptr) continue;
      if (!w->is_constant()) return node.UnsupportedError("hybrid weights '" + w->name + "' computed at run time");
      if (w->quant.scale.size() != 1 || !(w->scale() > 0.0f) || !std::isfinite(w->scale())) {
        return node.UnsupportedError("hybrid weights '" + w->name +
                                     "' need one positive scale (LiteRT's hybrid RNN reads a per-tensor scale)");
      }
      if (w->zero_point() != 0) return node.UnsupportedError("hybrid weights '" + w->name + "' with a zero point");
    }
    math::RnnHybridWeights& h = cell.hybrid;
    h.input = weights.data<int8_t>();
    h.input_scale = weights.scale();
    h.recurrent = recurrent.data<int8_t>();
    h.recurrent_scale = recurrent.scale();
    if (aux_weights != nullptr) {
      h.aux = aux_weights->data<int8_t>();
      h.aux_scale = aux_weights->scale();
    }
    h.bias = bias.data<float>();
    h.activation = activation_;
    h.asymmetric = asymmetric_;
    if (asymmetric_) {
      cell.row_sums[0].assign(static_cast<size_t>(units), 0);
      cell.row_sums[1].assign(static_cast<size_t>(units), 0);
      cell.row_sums[2].assign(static_cast<size_t>(units), 0);
      math::WeightRowSums(h.input, units, n_input_, cell.row_sums[0].data());
      if (h.aux != nullptr) math::WeightRowSums(h.aux, units, n_aux_, cell.row_sums[1].data());
      math::WeightRowSums(h.recurrent, units, units, cell.row_sums[2].data());
      h.input_row_sums = cell.row_sums[0].data();
      h.aux_row_sums = cell.row_sums[1].data();
      h.recurrent_row_sums = cell.row_sums[2].data();
    }
    return Status::Ok();
  }

  void Step(const RnnCell& cell, const math::RnnDims& d, const float* x, const float* aux, float* hidden, float* out,
            int64_t out_stride) {
    const math::RnnScratch s{state_.data(), quantized_.data(), scales_.data(), zero_points_.data()};
    if (hybrid_) {
      math::RnnHybridStep(cell.hybrid, d, x, aux, hidden, out, out_stride, s);
    } else {
      math::RnnFloatStep(cell.float_weights, d, x, aux, hidden, out, out_stride, s);
    }
  }

  // The cell over the whole sequence (forward or backward in time); output
  // rows are out_step apart.
  void RunCell(NodeContext& node, const RnnCell& cell, const float* x, const float* aux, float* out, int out_step,
               bool forward) {
    float* hidden = node.input(cell.slots[3])->data<float>();
    math::RnnDims d;
    d.n_input = n_input_;
    d.n_aux = aux != nullptr ? n_aux_ : 0;
    d.n_units = cell.units;
    auto time = [&](int i) { return forward ? i : steps_ - 1 - i; };
    if (op_ == RnnOp::kRnn || time_major_) {
      d.n_batch = batches_;
      for (int i = 0; i < steps_; ++i) {
        const int64_t row = static_cast<int64_t>(time(i)) * batches_;
        Step(cell, d, x + row * n_input_, aux != nullptr ? aux + row * n_aux_ : nullptr, hidden, out + row * out_step,
             out_step);
      }
      return;
    }
    d.n_batch = 1;
    for (int b = 0; b < batches_; ++b) {
      for (int i = 0; i < steps_; ++i) {
        const int64_t row = static_cast<int64_t>(b) * steps_ + time(i);
        Step(cell, d, x + row * n_input_, aux != nullptr ? aux + row * n_aux_ : nullptr,
             hidden + static_cast<int64_t>(b) * cell.units, out + row * out_step, out_step);
      }
    }
  }

  RnnOp op_;
  bool time_major_ = false;
  bool merge_outputs_ = false;
  bool asymmetric_ = false;
  bool hybrid_ = false;
  bool aux_is_backward_input_ = false;
  quant::Activation activation_ = quant::Activation::kTanh;
  int steps_ = 1, batches_ = 1, n_input_ = 0, n_aux_ = 0;
  std::vector<RnnCell> cells_;
  std::vector<float> state_;
  std::vector<int8_t> quantized_;
  std::vector<float> scales_;
  std::vector<int32_t> zero_points_;
};

}  // namespace

std::unique_ptr<Kernel> CreateRnnKernel() { return std::make_unique<RnnKernel>(RnnOp::kRnn); }
std::unique_ptr<Kernel> CreateUnidirectionalSequenceRnnKernel() { return std::make_unique<RnnKernel>(RnnOp::kSequence); }
std::unique_ptr<Kernel> CreateBidirectionalSequenceRnnKernel() {
  return std::make_unique<RnnKernel>(RnnOp::kBidirectional);
}

}  // namespace tfldbg
