// LSTM (one step, kernel_type FULL) and UNIDIRECTIONAL_SEQUENCE_LSTM (a
// sequence, time- or batch-major): float32, with CIFG, peephole, projection,
// layer normalization and diagonal recurrent weights as LiteRT defines them;
// and LiteRT's integer kernel (int8 input, weights and output state, int16
// cell state; kernels/math/lstm_integer.h), bit for bit.
//
// The output and cell states are variable tensors: the op reads and updates
// them in place, so they carry over from one Invoke to the next, as in LiteRT.
#include <cmath>

#include "kernels/common/requant.h"
#include "kernels/recurrent/lstm_math.h"
#include "kernels/recurrent/lstm_integer_math.h"

namespace tfldbg {
namespace {

// Input slots shared by both ops.
constexpr int kInput = 0;
constexpr int kInputToGate[4] = {1, 2, 3, 4};       // input, forget, cell, output
constexpr int kRecurrentToGate[4] = {5, 6, 7, 8};
constexpr int kCellToGate[4] = {9, 10, -1, 11};     // peephole: input, forget, output
constexpr int kGateBias[4] = {12, 13, 14, 15};
constexpr int kProjection = 16;
constexpr int kProjectionBias = 17;
constexpr int kOutputState = 18;
constexpr int kCellState = 19;
constexpr int kLayerNorm[4] = {20, 21, 22, 23};
constexpr const char* kGateName[4] = {"input", "forget", "cell", "output"};

std::string Slot(const char* what, int gate) { return std::string(what) + " (" + kGateName[gate] + " gate)"; }

class LstmKernel : public Kernel {
 public:
  explicit LstmKernel(bool sequence) : sequence_(sequence) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 20, 24));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(ReadOptions(node));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    if (sequence_) {
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 3, 3));
      steps_ = time_major_ ? input.dim(0) : input.dim(1);
      batches_ = time_major_ ? input.dim(1) : input.dim(0);
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 2, 2));
      steps_ = 1;
      batches_ = input.dim(0);
    }
    dims_.n_input = input.dim(input.rank() - 1);

    for (int g : {1, 2, 3}) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInputToGate[g], Slot("input weights", g).c_str()));
    for (int g : {1, 2, 3}) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kRecurrentToGate[g], Slot("recurrent weights", g).c_str()));
    for (int g : {1, 2, 3}) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kGateBias[g], Slot("bias", g).c_str()));
    cifg_ = node.input(kInputToGate[0]) == nullptr;
    if (cifg_ != (node.input(kRecurrentToGate[0]) == nullptr) || cifg_ != (node.input(kGateBias[0]) == nullptr)) {
      return node.InvalidModelError("the input gate's input weights, recurrent weights and bias must be all present or all absent (CIFG)");
    }
    const Tensor& forget_weights = *node.input(kInputToGate[1]);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, forget_weights, "input weights (forget gate)", 2, 2));
    dims_.n_cell = forget_weights.dim(0);
    const Tensor& recurrent_forget = *node.input(kRecurrentToGate[1]);
    if (diagonal_) {
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, recurrent_forget, "recurrent weights (forget gate)", 1, 1));
      dims_.n_output = dims_.n_cell;
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, recurrent_forget, "recurrent weights (forget gate)", 2, 2));
      dims_.n_output = recurrent_forget.dim(1);
    }
    if (dims_.n_cell <= 0 || dims_.n_input <= 0 || dims_.n_output <= 0 || batches_ < 0 || steps_ < 0) {
      return node.InvalidModelError("empty LSTM: " + std::to_string(dims_.n_cell) + " cells, " +
                                    std::to_string(dims_.n_input) + " inputs, " + std::to_string(dims_.n_output) + " outputs");
    }
    for (int g = 0; g < 4; ++g) {
      if (g == 0 && cifg_) continue;
      TFLDBG_RETURN_IF_ERROR(ExpectShape(node, kInputToGate[g], Slot("input weights", g), {dims_.n_cell, dims_.n_input}));
      if (diagonal_) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, kRecurrentToGate[g], Slot("recurrent weights", g), {dims_.n_cell}));
      } else {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, kRecurrentToGate[g], Slot("recurrent weights", g), {dims_.n_cell, dims_.n_output}));
      }
      TFLDBG_RETURN_IF_ERROR(ExpectShape(node, kGateBias[g], Slot("bias", g), {dims_.n_cell}));
      if (kCellToGate[g] >= 0 && !(g == 0 && cifg_) && node.input(kCellToGate[g]) != nullptr) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, kCellToGate[g], Slot("peephole weights", g), {dims_.n_cell}));
      }
      if (node.input(kLayerNorm[g]) != nullptr) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, kLayerNorm[g], Slot("layer norm coefficients", g), {dims_.n_cell}));
      }
    }
    peephole_ = node.input(kCellToGate[1]) != nullptr;
    if (peephole_ != (node.input(kCellToGate[3]) != nullptr) || (!cifg_ && peephole_ != (node.input(kCellToGate[0]) != nullptr))) {
      return node.InvalidModelError("peephole weights must be given for every gate or for none");
    }
    layer_norm_ = node.input(kLayerNorm[1]) != nullptr;
    for (int g = 0; g < 4; ++g) {
      if (g == 0 && cifg_) continue;
      if ((node.input(kLayerNorm[g]) != nullptr) != layer_norm_) {
        return node.InvalidModelError("layer norm coefficients must be given for every gate or for none");
      }
    }
    if (node.input(kProjection) != nullptr) {
      TFLDBG_RETURN_IF_ERROR(ExpectShape(node, kProjection, "projection weights", {dims_.n_output, dims_.n_cell}));
      if (node.input(kProjectionBias) != nullptr) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, kProjectionBias, "projection bias", {dims_.n_output}));
      }
    } else {
      if (node.input(kProjectionBias) != nullptr) return node.InvalidModelError("a projection bias without projection weights");
      if (dims_.n_output != dims_.n_cell) {
        return node.InvalidModelError("without a projection the output size (" + std::to_string(dims_.n_output) +
                                      ") must equal the cell count (" + std::to_string(dims_.n_cell) + ")");
      }
    }
    TFLDBG_RETURN_IF_ERROR(CheckState(node, kOutputState, "output state", dims_.n_output));
    TFLDBG_RETURN_IF_ERROR(CheckState(node, kCellState, "cell state", dims_.n_cell));

    std::vector<int32_t> out_shape = input.shape;
    out_shape.back() = dims_.n_output;
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(0), std::move(out_shape)));

    switch (input.type) {
      case DataType::kFloat32: return PrepareFloat(node);
      case DataType::kInt8: return PrepareInteger(node);
      default:
        return node.UnsupportedError("input type " + std::string(DataTypeName(input.type)) +
                                     " (supported: float32, and int8 with int8 weights and an int16 cell state)");
    }
  }

  Status Eval(NodeContext& node) override {
    return node.input(kInput)->type == DataType::kFloat32 ? EvalFloat(node) : EvalInteger(node);
  }

 private:
  Status ReadOptions(NodeContext& node) {
    int activation = static_cast<int>(tflite::ActivationFunctionType::TANH);
    if (sequence_) {
      if (const auto* o = node.options<tflite::UnidirectionalSequenceLSTMOptions>()) {
        activation = static_cast<int>(o->fused_activation_function());
        cell_clip_ = o->cell_clip();
        proj_clip_ = o->proj_clip();
        time_major_ = o->time_major();
        diagonal_ = o->diagonal_recurrent_tensors();
      }
    } else if (const auto* o = node.options<tflite::LSTMOptions>()) {
      if (o->kernel_type() != tflite::LSTMKernelType::FULL) {
        return node.UnsupportedError("kernel_type BASIC (the 4-output basic LSTM cell) is not supported; FULL is");
      }
      activation = static_cast<int>(o->fused_activation_function());
      cell_clip_ = o->cell_clip();
      proj_clip_ = o->proj_clip();
    }
    if (activation < 0 || activation > static_cast<int>(quant::Activation::kTanh)) {
      return node.UnsupportedError("activation " + std::to_string(activation) + " (supported: RELU, RELU_N1_TO_1, RELU6, TANH)");
    }
    activation_ = static_cast<quant::Activation>(activation);
    if (activation_ == quant::Activation::kNone) {
      // LiteRT's ApplyActivationToVector returns without writing its output for
      // NONE, so its LSTM then reads whatever a scratch buffer held: no defined
      // result to reproduce.
      return node.UnsupportedError("activation NONE (LiteRT's LSTM leaves the activation's output unwritten for it, "
                                   "so its result is not defined)");
    }
    if (cell_clip_ < 0.0f || proj_clip_ < 0.0f || !std::isfinite(cell_clip_) || !std::isfinite(proj_clip_)) {
      return node.InvalidModelError("cell_clip and proj_clip must be finite and >= 0, got " + std::to_string(cell_clip_) +
                                    " and " + std::to_string(proj_clip_));
    }
    return Status::Ok();
  }

  static Status ExpectShape(const NodeContext& node, int slot, const std::string& name, std::vector<int32_t> shape) {
    const Tensor* t = node.input(slot);
    if (t == nullptr) return node.InvalidModelError(name + " (input " + std::to_string(slot) + ") is missing");
    if (t->shape != shape) {
      return node.InvalidModelError(name + " (input " + std::to_string(slot) + ") must be " + ShapeToString(shape) +
                                    ", got " + ShapeToString(t->shape));
    }
    return Status::Ok();
  }

  Status CheckState(const NodeContext& node, int slot, const char* name, int width) const {
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, slot, name));
    const Tensor& t = *node.input(slot);
    if (t.kind != TensorKind::kVariable) {
      return node.InvalidModelError(std::string(name) + " '" + t.name + "' (input " + std::to_string(slot) +
                                    ") must be a variable tensor");
    }
    if (t.element_count() != static_cast<int64_t>(batches_) * width) {
      return node.InvalidModelError(std::string(name) + " '" + t.name + "' must hold " + std::to_string(batches_) + " x " +
                                    std::to_string(width) + " values, got " + ShapeToString(t.shape));
    }
    return Status::Ok();
  }

  // --- float -------------------------------------------------------------
  Status PrepareFloat(NodeContext& node) {
    for (int slot = 1; slot < node.input_count(); ++slot) {
      const Tensor* t = node.input(slot);
      if (t == nullptr) continue;
      if (t->type != DataType::kFloat32) {
        return node.UnsupportedError("float32 input with " + std::string(DataTypeName(t->type)) + " tensor '" + t->name +
                                     "' in input " + std::to_string(slot) + " (hybrid LSTM is not supported)");
      }
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(0), "output", {DataType::kFloat32}));
    scratch_.assign(static_cast<size_t>(5) * std::max(1, batches_) * std::max(dims_.n_cell, dims_.n_output), 0.0f);
    return Status::Ok();
  }

  math::LstmFloatWeights FloatWeights(const NodeContext& node) const {
    auto ptr = [&](int slot) -> const float* {
      const Tensor* t = slot >= 0 ? node.input(slot) : nullptr;
      return t != nullptr ? t->data<float>() : nullptr;
    };
    math::LstmFloatWeights w;
    for (int g = 0; g < 4; ++g) {
      w.input_to[g] = ptr(kInputToGate[g]);
      w.recurrent_to[g] = ptr(kRecurrentToGate[g]);
      w.cell_to[g] = ptr(kCellToGate[g]);
      w.layer_norm[g] = ptr(kLayerNorm[g]);
      w.bias[g] = ptr(kGateBias[g]);
    }
    if (cifg_) w.input_to[0] = w.recurrent_to[0] = w.cell_to[0] = w.layer_norm[0] = w.bias[0] = nullptr;
    w.recurrent_diagonal = diagonal_;
    w.projection = ptr(kProjection);
    w.projection_bias = ptr(kProjectionBias);
    w.activation = activation_;
    w.cell_clip = cell_clip_;
    w.proj_clip = proj_clip_;
    return w;
  }

  Status EvalFloat(NodeContext& node) {
    const math::LstmFloatWeights w = FloatWeights(node);
    const float* x = node.input(kInput)->data<float>();
    float* h = node.input(kOutputState)->data<float>();
    float* c = node.input(kCellState)->data<float>();
    float* y = node.output(0)->data<float>();
    const int n_in = dims_.n_input;
    const int n_out = dims_.n_output;
    if (!sequence_ || time_major_) {
      // [time, batch, features]: every row of a time step at once.
      math::LstmDims d = dims_;
      d.n_batch = batches_;
      for (int t = 0; t < steps_; ++t) {
        const int64_t row = static_cast<int64_t>(t) * batches_;
        math::LstmFloatStep(w, d, x + row * n_in, h, c, y + row * n_out, n_out, scratch_.data());
      }
    } else {
      // [batch, time, features]: each sequence on its own state row.
      math::LstmDims d = dims_;
      d.n_batch = 1;
      for (int b = 0; b < batches_; ++b) {
        for (int t = 0; t < steps_; ++t) {
          const int64_t row = static_cast<int64_t>(b) * steps_ + t;
          math::LstmFloatStep(w, d, x + row * n_in, h + static_cast<int64_t>(b) * n_out,
                              c + static_cast<int64_t>(b) * dims_.n_cell, y + row * n_out, n_out, scratch_.data());
        }
      }
    }
    return Status::Ok();
  }

  // --- integer (8x8_16) ----------------------------------------------------
  Status PrepareInteger(NodeContext& node);
  Status EvalInteger(NodeContext& node);

  bool sequence_;
  bool time_major_ = false;
  bool diagonal_ = false;
  bool cifg_ = false;
  bool peephole_ = false;
  bool layer_norm_ = false;
  quant::Activation activation_ = quant::Activation::kTanh;
  float cell_clip_ = 0.0f;
  float proj_clip_ = 0.0f;
  int steps_ = 1;
  int batches_ = 1;
  math::LstmDims dims_;
  std::vector<float> scratch_;
  math::LstmIntegerParams integer_;
  std::vector<int16_t> integer_scratch_;
};

// TFLite's CheckedLog2: log2(x) when it is an integer to within 1e-3.
bool CheckedLog2(float x, int* result) {
  const float log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(log2);
  *result = static_cast<int>(rounded);
  return std::abs(log2 - rounded) < 1e-3f;
}

Status LstmKernel::PrepareInteger(NodeContext& node) {
  const Tensor& input = *node.input(kInput);
  const Tensor& output_state = *node.input(kOutputState);
  const Tensor& cell_state = *node.input(kCellState);
  const Tensor& output = *node.output(0);
  if (layer_norm_) return node.UnsupportedError("integer LSTM with layer normalization is not supported yet");
  if (diagonal_) return node.UnsupportedError("integer LSTM with diagonal recurrent weights (LiteRT has none)");
  if (peephole_ && dims_.n_output != dims_.n_cell) {
    return node.UnsupportedError("integer LSTM with peephole weights and a projection to a different size");
  }
  auto check = [&](int slot, const char* name, DataType type) -> Status {
    const Tensor* t = node.input(slot);
    if (t == nullptr) return Status::Ok();
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *t, name, {type}));
    if (t->quant.per_channel()) return node.UnsupportedError(std::string(name) + " with per-channel scales");
    if (type != DataType::kInt32 && !(t->scale() > 0.0f && std::isfinite(t->scale()))) {
      return node.InvalidModelError(std::string(name) + " '" + t->name + "' needs a positive scale");
    }
    return Status::Ok();
  };
  TFLDBG_RETURN_IF_ERROR(check(kInput, "input", DataType::kInt8));
  for (int g = 0; g < 4; ++g) {
    TFLDBG_RETURN_IF_ERROR(check(kInputToGate[g], Slot("input weights", g).c_str(), DataType::kInt8));
    TFLDBG_RETURN_IF_ERROR(check(kRecurrentToGate[g], Slot("recurrent weights", g).c_str(), DataType::kInt8));
    TFLDBG_RETURN_IF_ERROR(check(kGateBias[g], Slot("bias", g).c_str(), DataType::kInt32));
    if (kCellToGate[g] >= 0) TFLDBG_RETURN_IF_ERROR(check(kCellToGate[g], Slot("peephole weights", g).c_str(), DataType::kInt16));
  }
  TFLDBG_RETURN_IF_ERROR(check(kProjection, "projection weights", DataType::kInt8));
  TFLDBG_RETURN_IF_ERROR(check(kProjectionBias, "projection bias", DataType::kInt32));
  TFLDBG_RETURN_IF_ERROR(check(kOutputState, "output state", DataType::kInt8));
  TFLDBG_RETURN_IF_ERROR(check(kCellState, "cell state", DataType::kInt16));
  TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt8}));
  if (!(output.scale() > 0.0f)) return node.InvalidModelError("the output needs a positive scale");

  // The fifth intermediate tensor carries the hidden state's quantization.
  const auto* intermediates = node.op->intermediates();
  if (intermediates == nullptr || intermediates->size() != 5) {
    return node.InvalidModelError("an integer LSTM needs 5 intermediate tensors (their quantization), got " +
                                  std::to_string(intermediates == nullptr ? 0 : intermediates->size()));
  }
  const int hidden_index = intermediates->Get(4);
  const int tensor_count = static_cast<int>(node.model->subgraph(node.subgraph).tensors()->size());
  if (hidden_index < 0 || hidden_index >= tensor_count) {
    return node.InvalidModelError("intermediate 4 is tensor " + std::to_string(hidden_index) + ", out of range");
  }
  const QuantParams hidden = node.model->TensorQuant(node.subgraph, hidden_index);
  if (hidden.scale.empty() || !(hidden.scale[0] > 0.0f) || hidden.zero_point.empty()) {
    return node.InvalidModelError("intermediate 4 (tensor " + std::to_string(hidden_index) +
                                  ", the hidden state) needs a positive scale and a zero point");
  }

  math::LstmIntegerParams& p = integer_;
  p = math::LstmIntegerParams{};
  p.rounding = node.rounding;
  if (!CheckedLog2(cell_state.scale(), &p.cell_state_log2) || p.cell_state_log2 < -15 || p.cell_state_log2 > -9) {
    return node.UnsupportedError("cell state scale " + std::to_string(cell_state.scale()) +
                                 " (LiteRT's integer LSTM needs a power of two from 2^-15 to 2^-9)");
  }
  // LiteRT computes the effective scales in float, the gates being Q3.12.
  const float gate_scale = static_cast<float>(std::pow(2, -12));
  const float input_scale = input.scale();
  const float state_scale = output_state.scale();
  const int32_t input_zp = input.zero_point();
  const int32_t state_zp = output_state.zero_point();
  auto row_sums_times = [](const Tensor& w, int32_t factor, const Tensor* bias, std::vector<int32_t>& out) {
    const int rows = w.dim(0), cols = w.dim(1);
    out.assign(static_cast<size_t>(rows), 0);
    for (int r = 0; r < rows; ++r) {
      int32_t sum = 0;
      for (int c = 0; c < cols; ++c) sum += w.data<int8_t>()[static_cast<int64_t>(r) * cols + c];
      out[static_cast<size_t>(r)] = quant::WrappingAdd(bias != nullptr ? bias->data<int32_t>()[r] : 0, sum * factor);
    }
  };
  for (int g = 0; g < 4; ++g) {
    if (g == 0 && cifg_) continue;
    const Tensor& wx = *node.input(kInputToGate[g]);
    const Tensor& wh = *node.input(kRecurrentToGate[g]);
    if (!wx.is_constant() || !wh.is_constant()) return node.UnsupportedError("integer LSTM weights computed at run time");
    p.input_to[g] = wx.data<int8_t>();
    p.recurrent_to[g] = wh.data<int8_t>();
    const Tensor* bias = node.input(kGateBias[g]);
    if (bias != nullptr && !bias->is_constant()) return node.UnsupportedError("integer LSTM biases computed at run time");
    row_sums_times(wx, -input_zp, bias, p.input_bias[g]);
    row_sums_times(wh, -state_zp, nullptr, p.recurrent_bias[g]);
    p.input_scale[g] = quant::QuantizeMultiplier(static_cast<double>(wx.scale() * input_scale / gate_scale), p.rounding);
    p.recurrent_scale[g] = quant::QuantizeMultiplier(static_cast<double>(wh.scale() * state_scale / gate_scale), p.rounding);
    if (peephole_ && kCellToGate[g] >= 0) {
      const Tensor& wc = *node.input(kCellToGate[g]);
      p.cell_to[g] = wc.data<int16_t>();
      const float scale = static_cast<float>(std::pow(2, p.cell_state_log2) * wc.scale() / gate_scale);
      p.cell_scale[g] = quant::QuantizeMultiplier(static_cast<double>(scale), p.rounding);
    }
  }
  p.hidden_zero_point = static_cast<int32_t>(hidden.zero_point[0]);
  const float hidden_scale = hidden.scale[0];
  p.hidden_scale = quant::QuantizeMultiplier(
      static_cast<double>(static_cast<float>(std::pow(2, -15) / hidden_scale * std::pow(2, -15))), p.rounding);
  if (const Tensor* wp = node.input(kProjection)) {
    if (!wp->is_constant()) return node.UnsupportedError("integer LSTM projection weights computed at run time");
    p.projection = wp->data<int8_t>();
    row_sums_times(*wp, p.hidden_zero_point, node.input(kProjectionBias), p.projection_bias);
    p.projection_scale = quant::QuantizeMultiplier(static_cast<double>(wp->scale() * hidden_scale / state_scale), p.rounding);
  }
  p.output_state_zero_point = state_zp;
  if (cell_clip_ > 0.0f) {
    p.cell_clip = static_cast<int16_t>(std::min(std::max(cell_clip_ / cell_state.scale(), -32768.0f), 32767.0f));
  }
  if (proj_clip_ > 0.0f) {
    p.proj_clip = static_cast<int8_t>(std::min(std::max(proj_clip_ / output.scale(), -128.0f), 127.0f));
  }
  integer_scratch_.assign(static_cast<size_t>(5) * std::max(1, batches_) * std::max(dims_.n_cell, dims_.n_output), 0);
  return Status::Ok();
}

Status LstmKernel::EvalInteger(NodeContext& node) {
  const int8_t* x = node.input(kInput)->data<int8_t>();
  int8_t* h = node.input(kOutputState)->data<int8_t>();
  int16_t* c = node.input(kCellState)->data<int16_t>();
  int8_t* y = node.output(0)->data<int8_t>();
  const int n_in = dims_.n_input;
  const int n_out = dims_.n_output;
  if (!sequence_ || time_major_) {
    math::LstmDims d = dims_;
    d.n_batch = batches_;
    for (int t = 0; t < steps_; ++t) {
      const int64_t row = static_cast<int64_t>(t) * batches_;
      math::LstmIntegerStep(integer_, d, x + row * n_in, h, c, y + row * n_out, integer_scratch_.data());
    }
  } else {
    math::LstmDims d = dims_;
    d.n_batch = 1;
    for (int b = 0; b < batches_; ++b) {
      for (int t = 0; t < steps_; ++t) {
        const int64_t row = static_cast<int64_t>(b) * steps_ + t;
        math::LstmIntegerStep(integer_, d, x + row * n_in, h + static_cast<int64_t>(b) * n_out,
                              c + static_cast<int64_t>(b) * dims_.n_cell, y + row * n_out, integer_scratch_.data());
      }
    }
  }
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Kernel> CreateLstmKernel() { return std::make_unique<LstmKernel>(false); }
std::unique_ptr<Kernel> CreateUnidirectionalSequenceLstmKernel() { return std::make_unique<LstmKernel>(true); }

}  // namespace tfldbg
