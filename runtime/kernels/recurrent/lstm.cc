// LSTM (one step, kernel_type FULL) and UNIDIRECTIONAL_SEQUENCE_LSTM (a
// sequence, time- or batch-major): float32, with CIFG, peephole, projection,
// layer normalization and diagonal recurrent weights as LiteRT defines them;
// hybrid (int8 weights with one scale each, float activations and states,
// asymmetric_quantize_inputs or not) as LiteRT's LstmStepHybrid computes it;
// BIDIRECTIONAL_SEQUENCE_LSTM's two cells (float32 and hybrid);
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

// Where a cell's tensors are among the op's inputs (-1: none).
struct LstmSlots {
  int input_to[4];      // input, forget, cell, output gate
  int recurrent_to[4];
  int cell_to[4];       // peephole: input, forget, output
  int bias[4];
  int projection;
  int projection_bias;
  int output_state;
  int cell_state;
  int layer_norm[4];
  int aux_to[4];        // weights of the auxiliary input
};
constexpr int kInput = 0;
constexpr LstmSlots kLstmSlots{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, -1, 11}, {12, 13, 14, 15}, 16, 17, 18, 19,
                               {20, 21, 22, 23}, {-1, -1, -1, -1}};
// BIDIRECTIONAL_SEQUENCE_LSTM: the forward cell, the backward cell, the auxiliary input.
constexpr LstmSlots kForwardSlots{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, -1, 11}, {12, 13, 14, 15}, 16, 17, 35, 36,
                                  {-1, -1, -1, -1}, {40, 41, 42, 43}};
constexpr LstmSlots kBackwardSlots{{18, 19, 20, 21}, {22, 23, 24, 25}, {26, 27, -1, 28}, {29, 30, 31, 32}, 33, 34, 37, 38,
                                   {-1, -1, -1, -1}, {44, 45, 46, 47}};
constexpr int kAuxInput = 39;
constexpr const char* kGateName[4] = {"input", "forget", "cell", "output"};

std::string Slot(const char* what, int gate) { return std::string(what) + " (" + kGateName[gate] + " gate)"; }

// A tensor's slot, or null for -1.
Tensor* In(const NodeContext& node, int slot) { return slot >= 0 ? node.input(slot) : nullptr; }

// Where a cell sits in its op: LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, or one of
// BIDIRECTIONAL_SEQUENCE_LSTM's two cells (which reads its own slots and is
// told where its input, auxiliary input and output rows are).
enum class LstmRole { kLstm, kSequence, kForward, kBackward };

class LstmKernel : public Kernel {
 public:
  explicit LstmKernel(LstmRole role)
      : role_(role),
        s_(role == LstmRole::kForward ? kForwardSlots : role == LstmRole::kBackward ? kBackwardSlots : kLstmSlots),
        sequence_(role != LstmRole::kLstm),
        bidirectional_(role == LstmRole::kForward || role == LstmRole::kBackward),
        prefix_(role == LstmRole::kForward ? "forward " : role == LstmRole::kBackward ? "backward " : "") {}

  // A bidirectional cell's input and auxiliary input slots (-1: none), set before Prepare.
  void SetInputs(int input_slot, int aux_slot) {
    input_slot_ = input_slot;
    aux_slot_ = aux_slot;
  }
  // A bidirectional cell's output rows: output `index`, from column `offset`, `step` values apart; after Prepare.
  void SetOutput(int index, int offset, int step) {
    out_index_ = index;
    out_offset_ = offset;
    out_step_ = step;
  }
  int output_size() const { return dims_.n_output; }
  int cell_count() const { return dims_.n_cell; }

  Status Prepare(NodeContext& node) override {
    if (!bidirectional_) {
      TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 20, 24));
      TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    }
    TFLDBG_RETURN_IF_ERROR(ReadOptions(node));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, input_slot_, "input"));
    const Tensor& input = *node.input(input_slot_);
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
    dims_.n_aux = 0;
    if (aux_slot_ >= 0) {
      const Tensor& aux = *node.input(aux_slot_);
      if (aux.rank() != 3 || aux.dim(0) != input.dim(0) || aux.dim(1) != input.dim(1)) {
        return node.InvalidModelError("the auxiliary input " + ShapeToString(aux.shape) +
                                      " must have the input's time and batch sizes (input " + ShapeToString(input.shape) + ")");
      }
      dims_.n_aux = aux.dim(2);
      for (int g = 0; g < 4; ++g) {
        if (g == 0 && In(node, s_.input_to[0]) == nullptr) continue;
        TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, s_.aux_to[g], Named("auxiliary weights", g).c_str()));
      }
    }
    out_step_ = -1;

    for (int g : {1, 2, 3}) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, s_.input_to[g], Named("input weights", g).c_str()));
    for (int g : {1, 2, 3}) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, s_.recurrent_to[g], Named("recurrent weights", g).c_str()));
    for (int g : {1, 2, 3}) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, s_.bias[g], Named("bias", g).c_str()));
    cifg_ = In(node, s_.input_to[0]) == nullptr;
    if (cifg_ != (In(node, s_.recurrent_to[0]) == nullptr) || cifg_ != (In(node, s_.bias[0]) == nullptr)) {
      return node.InvalidModelError("the input gate's input weights, recurrent weights and bias must be all present or all absent (CIFG)");
    }
    const Tensor& forget_weights = *In(node, s_.input_to[1]);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, forget_weights, "input weights (forget gate)", 2, 2));
    dims_.n_cell = forget_weights.dim(0);
    const Tensor& recurrent_forget = *In(node, s_.recurrent_to[1]);
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
      TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.input_to[g], Named("input weights", g), {dims_.n_cell, dims_.n_input}));
      if (dims_.n_aux > 0) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.aux_to[g], Named("auxiliary weights", g), {dims_.n_cell, dims_.n_aux}));
      }
      if (diagonal_) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.recurrent_to[g], Named("recurrent weights", g), {dims_.n_cell}));
      } else {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.recurrent_to[g], Named("recurrent weights", g), {dims_.n_cell, dims_.n_output}));
      }
      TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.bias[g], Named("bias", g), {dims_.n_cell}));
      if (s_.cell_to[g] >= 0 && !(g == 0 && cifg_) && In(node, s_.cell_to[g]) != nullptr) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.cell_to[g], Named("peephole weights", g), {dims_.n_cell}));
      }
      if (In(node, s_.layer_norm[g]) != nullptr) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.layer_norm[g], Named("layer norm coefficients", g), {dims_.n_cell}));
      }
    }
    peephole_ = In(node, s_.cell_to[1]) != nullptr;
    if (peephole_ != (In(node, s_.cell_to[3]) != nullptr) || (!cifg_ && peephole_ != (In(node, s_.cell_to[0]) != nullptr))) {
      return node.InvalidModelError("peephole weights must be given for every gate or for none");
    }
    layer_norm_ = In(node, s_.layer_norm[1]) != nullptr;
    for (int g = 0; g < 4; ++g) {
      if (g == 0 && cifg_) continue;
      if ((In(node, s_.layer_norm[g]) != nullptr) != layer_norm_) {
        return node.InvalidModelError("layer norm coefficients must be given for every gate or for none");
      }
    }
    if (In(node, s_.projection) != nullptr) {
      TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.projection, "projection weights", {dims_.n_output, dims_.n_cell}));
      if (In(node, s_.projection_bias) != nullptr) {
        TFLDBG_RETURN_IF_ERROR(ExpectShape(node, s_.projection_bias, "projection bias", {dims_.n_output}));
      }
    } else {
      if (In(node, s_.projection_bias) != nullptr) return node.InvalidModelError("a projection bias without projection weights");
      if (dims_.n_output != dims_.n_cell) {
        return node.InvalidModelError("without a projection the output size (" + std::to_string(dims_.n_output) +
                                      ") must equal the cell count (" + std::to_string(dims_.n_cell) + ")");
      }
    }
    TFLDBG_RETURN_IF_ERROR(CheckState(node, s_.output_state, "output state", dims_.n_output));
    TFLDBG_RETURN_IF_ERROR(CheckState(node, s_.cell_state, "cell state", dims_.n_cell));

    if (!bidirectional_) {
      std::vector<int32_t> out_shape = input.shape;
      out_shape.back() = dims_.n_output;
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(0), std::move(out_shape)));
    }

    switch (input.type) {
      case DataType::kFloat32:
        mode_ = In(node, s_.input_to[1])->type == DataType::kInt8 ? Mode::kHybrid : Mode::kFloat;
        return mode_ == Mode::kHybrid ? PrepareHybrid(node) : PrepareFloat(node);
      case DataType::kInt8:
        if (bidirectional_) return node.UnsupportedError("int8 input (LiteRT's bidirectional LSTM runs float32 and hybrid)");
        mode_ = Mode::kInteger;
        return PrepareInteger(node);
      default:
        return node.UnsupportedError("input type " + std::string(DataTypeName(input.type)) +
                                     " (supported: float32, and int8 with int8 weights and an int16 cell state)");
    }
  }

  Status Eval(NodeContext& node) override {
    switch (mode_) {
      case Mode::kFloat: return EvalFloat(node);
      case Mode::kHybrid: return EvalHybrid(node);
      case Mode::kInteger: return EvalInteger(node);
    }
    return Status::Ok();
  }

 private:
  Status ReadOptions(NodeContext& node) {
    int activation = static_cast<int>(tflite::ActivationFunctionType::TANH);
    if (bidirectional_) {
      time_major_ = true;  // the schema's default for BidirectionalSequenceLSTMOptions
      if (const auto* o = node.options<tflite::BidirectionalSequenceLSTMOptions>()) {
        activation = static_cast<int>(o->fused_activation_function());
        cell_clip_ = o->cell_clip();
        proj_clip_ = o->proj_clip();
        time_major_ = o->time_major();
        asymmetric_ = o->asymmetric_quantize_inputs();
      }
    } else if (sequence_) {
      if (const auto* o = node.options<tflite::UnidirectionalSequenceLSTMOptions>()) {
        activation = static_cast<int>(o->fused_activation_function());
        cell_clip_ = o->cell_clip();
        proj_clip_ = o->proj_clip();
        time_major_ = o->time_major();
        diagonal_ = o->diagonal_recurrent_tensors();
        asymmetric_ = o->asymmetric_quantize_inputs();
      }
    } else if (const auto* o = node.options<tflite::LSTMOptions>()) {
      if (o->kernel_type() != tflite::LSTMKernelType::FULL) {
        return node.UnsupportedError("kernel_type BASIC (the 4-output basic LSTM cell) is not supported; FULL is");
      }
      activation = static_cast<int>(o->fused_activation_function());
      cell_clip_ = o->cell_clip();
      proj_clip_ = o->proj_clip();
      asymmetric_ = o->asymmetric_quantize_inputs();
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
                                     "' in input " + std::to_string(slot) + " (a hybrid LSTM has int8 weights throughout, a float one float32)");
      }
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(0), "output", {DataType::kFloat32}));
    scratch_.assign(static_cast<size_t>(5) * std::max(1, batches_) * std::max(dims_.n_cell, dims_.n_output), 0.0f);
    packed_constant_ = true;
    for (int g = 0; g < 4; ++g) {
      for (int slot : {s_.input_to[g], dims_.n_aux > 0 ? s_.aux_to[g] : -1, s_.recurrent_to[g]}) {
        const Tensor* t = In(node, slot);
        if (t != nullptr && !t->is_constant()) packed_constant_ = false;
      }
    }
    if (const Tensor* t = In(node, s_.projection); t != nullptr && !t->is_constant()) packed_constant_ = false;
    packed_ready_ = false;
    return Status::Ok();
  }

  static bool SameMatrices(const math::LstmFloatWeights& a, const math::LstmFloatWeights& b) {
    for (int g = 0; g < 4; ++g) {
      if (a.input_to[g] != b.input_to[g] || a.aux_to[g] != b.aux_to[g] || a.recurrent_to[g] != b.recurrent_to[g]) return false;
    }
    return a.projection == b.projection && a.recurrent_diagonal == b.recurrent_diagonal;
  }

  math::LstmFloatWeights FloatWeights(const NodeContext& node) const {
    auto ptr = [&](int slot) -> const float* {
      const Tensor* t = slot >= 0 ? node.input(slot) : nullptr;
      return t != nullptr ? t->data<float>() : nullptr;
    };
    math::LstmFloatWeights w;
    for (int g = 0; g < 4; ++g) {
      w.input_to[g] = ptr(s_.input_to[g]);
      w.aux_to[g] = dims_.n_aux > 0 ? ptr(s_.aux_to[g]) : nullptr;
      w.recurrent_to[g] = ptr(s_.recurrent_to[g]);
      w.cell_to[g] = ptr(s_.cell_to[g]);
      w.layer_norm[g] = ptr(s_.layer_norm[g]);
      w.bias[g] = ptr(s_.bias[g]);
    }
    if (cifg_) w.input_to[0] = w.aux_to[0] = w.recurrent_to[0] = w.cell_to[0] = w.layer_norm[0] = w.bias[0] = nullptr;
    w.recurrent_diagonal = diagonal_;
    w.projection = ptr(s_.projection);
    w.projection_bias = ptr(s_.projection_bias);
    w.activation = activation_;
    w.cell_clip = cell_clip_;
    w.proj_clip = proj_clip_;
    return w;
  }

  // Calls step(dims, x, h, c, y) for each time step: every row of a step at
  // once ([time, batch, features], and LSTM's single step), or each sequence
  // of [batch, time, features] on its own state row.
  template <typename X, typename C, typename Step>
  void ForEachStep(NodeContext& node, Step step) {
    const X* x = node.input(input_slot_)->data<X>();
    const X* aux = aux_slot_ >= 0 ? node.input(aux_slot_)->data<X>() : nullptr;
    X* h = In(node, s_.output_state)->data<X>();
    C* c = In(node, s_.cell_state)->data<C>();
    X* y = node.output(out_index_)->data<X>() + out_offset_;
    const int n_in = dims_.n_input;
    const int n_aux = dims_.n_aux;
    const int64_t out_step = out_step_ >= 0 ? out_step_ : dims_.n_output;
    const bool forward = role_ != LstmRole::kBackward;
    math::LstmDims d = dims_;
    d.scratch_batches = batches_;
    d.scratch_row = 0;
    auto time = [&](int i) { return forward ? i : steps_ - 1 - i; };
    if (!sequence_ || time_major_) {
      d.n_batch = batches_;
      for (int i = 0; i < steps_; ++i) {
        const int64_t row = static_cast<int64_t>(time(i)) * batches_;
        step(d, x + row * n_in, aux != nullptr ? aux + row * n_aux : nullptr, h, c, y + row * out_step, out_step);
      }
      return;
    }
    d.n_batch = 1;
    for (int b = 0; b < batches_; ++b) {
      d.scratch_row = b;
      for (int i = 0; i < steps_; ++i) {
        const int64_t row = static_cast<int64_t>(b) * steps_ + time(i);
        step(d, x + row * n_in, aux != nullptr ? aux + row * n_aux : nullptr, h + static_cast<int64_t>(b) * dims_.n_output,
             c + static_cast<int64_t>(b) * dims_.n_cell, y + row * out_step, out_step);
      }
    }
  }

  // The weights transposed for the step's row-block sums (math::LstmPackFloat):
  // at the first Eval when they are constant (again if their addresses
  // change), else at every Eval.
  void PackFloat(const math::LstmFloatWeights& w) {
    if (packed_constant_ && packed_ready_ && SameMatrices(w, packed_from_)) return;
    packed_from_ = w;
    packed_ready_ = true;
    math::LstmDims d = dims_;
    d.n_batch = std::max(1, batches_);
    packed_weights_.resize(static_cast<size_t>(math::LstmPackedFloatSize(w, d)));
    packed_sums_.assign(static_cast<size_t>(math::LstmPackedSumsSize(d)), 0.0f);
    math::LstmPackFloat(w, d, packed_weights_.data(), packed_);
    packed_.sums = packed_sums_.data();
  }

  Status EvalFloat(NodeContext& node) {
    const math::LstmFloatWeights w = FloatWeights(node);
    PackFloat(w);
    ForEachStep<float, float>(node, [&](const math::LstmDims& d, const float* x, const float* aux, float* h, float* c,
                                        float* y, int64_t y_stride) {
      math::LstmFloatStep(w, d, x, aux, h, c, y, y_stride, scratch_.data(), &packed_);
    });
    return Status::Ok();
  }

  // --- hybrid (int8 weights, float activations) ------------------------------
  Status PrepareHybrid(NodeContext& node) {
    auto check = [&](int slot, const std::string& name, DataType type) -> Status {
      const Tensor* t = In(node, slot);
      if (t == nullptr) return Status::Ok();
      TFLDBG_RETURN_IF_ERROR(CheckType(node, *t, name.c_str(), {type}));
      if (type != DataType::kInt8) return Status::Ok();
      if (!t->is_constant()) return node.UnsupportedError("hybrid LSTM weights '" + t->name + "' computed at run time");
      if (t->quant.scale.size() != 1 || !(t->scale() > 0.0f) || !std::isfinite(t->scale())) {
        return node.UnsupportedError("hybrid LSTM weights '" + t->name +
                                     "' need one positive scale (LiteRT's hybrid LSTM reads a per-tensor scale)");
      }
      if (t->zero_point() != 0) return node.UnsupportedError("hybrid LSTM weights '" + t->name + "' with a zero point");
      return Status::Ok();
    };
    for (int g = 0; g < 4; ++g) {
      TFLDBG_RETURN_IF_ERROR(check(s_.input_to[g], Named("input weights", g), DataType::kInt8));
      if (dims_.n_aux > 0) TFLDBG_RETURN_IF_ERROR(check(s_.aux_to[g], Named("auxiliary weights", g), DataType::kInt8));
      // Diagonal recurrent weights stay float: LiteRT multiplies the float output state by them.
      TFLDBG_RETURN_IF_ERROR(check(s_.recurrent_to[g], Named("recurrent weights", g),
                                   diagonal_ ? DataType::kFloat32 : DataType::kInt8));
      if (s_.cell_to[g] >= 0) TFLDBG_RETURN_IF_ERROR(check(s_.cell_to[g], Named("peephole weights", g), DataType::kInt8));
      TFLDBG_RETURN_IF_ERROR(check(s_.bias[g], Named("bias", g), DataType::kFloat32));
      TFLDBG_RETURN_IF_ERROR(check(s_.layer_norm[g], Named("layer norm coefficients", g), DataType::kFloat32));
    }
    TFLDBG_RETURN_IF_ERROR(check(s_.projection, "projection weights", DataType::kInt8));
    TFLDBG_RETURN_IF_ERROR(check(s_.projection_bias, "projection bias", DataType::kFloat32));
    TFLDBG_RETURN_IF_ERROR(check(s_.output_state, "output state", DataType::kFloat32));
    TFLDBG_RETURN_IF_ERROR(check(s_.cell_state, "cell state", DataType::kFloat32));
    if (aux_slot_ >= 0) TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.input(aux_slot_), "auxiliary input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(0), "output", {DataType::kFloat32}));

    math::LstmHybridWeights& w = hybrid_;
    w = math::LstmHybridWeights{};
    auto row_sums = [&](const Tensor& t, int index) -> const int32_t* {
      if (!asymmetric_) return nullptr;
      std::vector<int32_t>& sums = row_sums_[static_cast<size_t>(index)];
      sums.assign(static_cast<size_t>(t.dim(0)), 0);
      math::WeightRowSums(t.data<int8_t>(), t.dim(0), t.dim(1), sums.data());
      return sums.data();
    };
    for (int g = 0; g < 4; ++g) {
      peephole_weights_[static_cast<size_t>(g)].clear();
      if (g == 0 && cifg_) continue;
      const Tensor& wx = *In(node, s_.input_to[g]);
      const Tensor& wh = *In(node, s_.recurrent_to[g]);
      w.input_to[g] = wx.data<int8_t>();
      w.input_scale[g] = wx.scale();
      w.input_row_sums[g] = row_sums(wx, g);
      if (diagonal_) {
        w.recurrent_diagonal[g] = wh.data<float>();
      } else {
        w.recurrent_to[g] = wh.data<int8_t>();
        w.recurrent_scale[g] = wh.scale();
        w.recurrent_row_sums[g] = row_sums(wh, 4 + g);
      }
      if (dims_.n_aux > 0) {
        const Tensor& wa = *In(node, s_.aux_to[g]);
        w.aux_to[g] = wa.data<int8_t>();
        w.aux_scale[g] = wa.scale();
        w.aux_row_sums[g] = row_sums(wa, 9 + g);
      }
      w.bias[g] = In(node, s_.bias[g])->data<float>();
      if (layer_norm_) w.layer_norm[g] = In(node, s_.layer_norm[g])->data<float>();
      if (peephole_ && s_.cell_to[g] >= 0) {
        // LiteRT dequantizes the peephole weights each step: scale · w, in float.
        const Tensor& wc = *In(node, s_.cell_to[g]);
        std::vector<float>& recovered = peephole_weights_[static_cast<size_t>(g)];
        recovered.resize(static_cast<size_t>(dims_.n_cell));
        for (int i = 0; i < dims_.n_cell; ++i) recovered[static_cast<size_t>(i)] = wc.scale() * static_cast<float>(wc.data<int8_t>()[i]);
        w.cell_to[g] = recovered.data();
      }
    }
    if (const Tensor* wp = In(node, s_.projection)) {
      w.projection = wp->data<int8_t>();
      w.projection_scale = wp->scale();
      w.projection_row_sums = row_sums(*wp, 8);
      if (const Tensor* bp = In(node, s_.projection_bias)) w.projection_bias = bp->data<float>();
    }
    w.activation = activation_;
    w.cell_clip = cell_clip_;
    w.proj_clip = proj_clip_;
    w.asymmetric = asymmetric_;

    const size_t rows = static_cast<size_t>(std::max(1, batches_));
    scratch_.assign(static_cast<size_t>(5) * rows * static_cast<size_t>(std::max(dims_.n_cell, dims_.n_output)), 0.0f);
    const int widths[4] = {dims_.n_input, dims_.n_aux, dims_.n_output, dims_.n_cell};
    for (int k = 0; k < 4; ++k) {
      quantized_values_[k].assign(rows * static_cast<size_t>(widths[k]), 0);
      quantized_scales_[k].assign(rows, 0.0f);
      quantized_zero_points_[k].assign(rows, 0);
    }
    return Status::Ok();
  }

  Status EvalHybrid(NodeContext& node) {
    math::QuantizedRows quantized[4];
    for (int k = 0; k < 4; ++k) {
      quantized[k].values = quantized_values_[k].data();
      quantized[k].scales = quantized_scales_[k].data();
      quantized[k].zero_points = quantized_zero_points_[k].data();
    }
    ForEachStep<float, float>(node, [&](const math::LstmDims& d, const float* x, const float* aux, float* h, float* c,
                                        float* y, int64_t y_stride) {
      math::LstmHybridStep(hybrid_, d, x, aux, h, c, y, y_stride, scratch_.data(), quantized);
    });
    return Status::Ok();
  }

  // --- integer (8x8_16) ----------------------------------------------------
  Status PrepareInteger(NodeContext& node);
  Status EvalInteger(NodeContext& node);

  enum class Mode { kFloat, kHybrid, kInteger };

  std::string Named(const char* what, int gate) const { return prefix_ + Slot(what, gate); }

  LstmRole role_;
  const LstmSlots& s_;
  bool sequence_;
  bool bidirectional_;
  std::string prefix_;
  int input_slot_ = kInput;
  int aux_slot_ = -1;
  int out_index_ = 0;
  int out_offset_ = 0;
  int out_step_ = -1;  // -1: the output size
  Mode mode_ = Mode::kFloat;
  bool asymmetric_ = false;
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
  // Float: the weights packed for math::LstmFloatStep, and its sums.
  std::vector<float> packed_weights_;
  std::vector<float> packed_sums_;
  math::LstmFloatPacked packed_;
  math::LstmFloatWeights packed_from_;  // the matrices packed_weights_ holds
  bool packed_constant_ = false;
  bool packed_ready_ = false;
  math::LstmHybridWeights hybrid_;
  std::vector<int32_t> row_sums_[13];          // input, recurrent, auxiliary (by gate), projection weights
  std::vector<float> peephole_weights_[4];     // dequantized
  std::vector<int8_t> quantized_values_[4];    // input, auxiliary input, output state, hidden
  std::vector<float> quantized_scales_[4];
  std::vector<int32_t> quantized_zero_points_[4];
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
  const Tensor& output_state = *In(node, s_.output_state);
  const Tensor& cell_state = *In(node, s_.cell_state);
  const Tensor& output = *node.output(0);
  if (diagonal_) return node.UnsupportedError("integer LSTM with diagonal recurrent weights (LiteRT has none)");
  if (peephole_ && dims_.n_output != dims_.n_cell) {
    return node.UnsupportedError("integer LSTM with peephole weights and a projection to a different size");
  }
  auto check = [&](int slot, const char* name, DataType type) -> Status {
    const Tensor* t = In(node, slot);
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
    TFLDBG_RETURN_IF_ERROR(check(s_.input_to[g], Named("input weights", g).c_str(), DataType::kInt8));
    TFLDBG_RETURN_IF_ERROR(check(s_.recurrent_to[g], Named("recurrent weights", g).c_str(), DataType::kInt8));
    TFLDBG_RETURN_IF_ERROR(check(s_.bias[g], Named("bias", g).c_str(), DataType::kInt32));
    if (s_.cell_to[g] >= 0) TFLDBG_RETURN_IF_ERROR(check(s_.cell_to[g], Named("peephole weights", g).c_str(), DataType::kInt16));
    TFLDBG_RETURN_IF_ERROR(check(s_.layer_norm[g], Named("layer norm coefficients", g).c_str(), DataType::kInt16));
  }
  TFLDBG_RETURN_IF_ERROR(check(s_.projection, "projection weights", DataType::kInt8));
  TFLDBG_RETURN_IF_ERROR(check(s_.projection_bias, "projection bias", DataType::kInt32));
  TFLDBG_RETURN_IF_ERROR(check(s_.output_state, "output state", DataType::kInt8));
  TFLDBG_RETURN_IF_ERROR(check(s_.cell_state, "cell state", DataType::kInt16));
  TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt8}));
  if (!(output.scale() > 0.0f)) return node.InvalidModelError("the output needs a positive scale");

  // The fifth intermediate tensor carries the hidden state's quantization.
  const auto* intermediates = node.op->intermediates();
  if (intermediates == nullptr || intermediates->size() != 5) {
    return node.InvalidModelError("an integer LSTM needs 5 intermediate tensors (their quantization), got " +
                                  std::to_string(intermediates == nullptr ? 0 : intermediates->size()));
  }
  const int tensor_count = static_cast<int>(node.model->subgraph(node.subgraph).tensors()->size());
  auto intermediate = [&](int i, const char* what, QuantParams* q) -> Status {
    const int index = intermediates->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (index < 0 || index >= tensor_count) {
      return node.InvalidModelError("intermediate " + std::to_string(i) + " is tensor " + std::to_string(index) + ", out of range");
    }
    *q = node.model->TensorQuant(node.subgraph, index);
    if (q->scale.empty() || !(q->scale[0] > 0.0f) || !std::isfinite(q->scale[0]) || q->zero_point.empty()) {
      return node.InvalidModelError("intermediate " + std::to_string(i) + " (tensor " + std::to_string(index) + ", " + what +
                                    ") needs a positive scale and a zero point");
    }
    return Status::Ok();
  };
  QuantParams hidden;
  TFLDBG_RETURN_IF_ERROR(intermediate(4, "the hidden state", &hidden));
  // Each gate's sum is in Q3.12, or with layer normalization in the scale of
  // its intermediate (0-3: input, forget, cell, output gate).
  float gate_scales[4];
  for (int g = 0; g < 4; ++g) {
    gate_scales[g] = static_cast<float>(std::pow(2, -12));
    if (layer_norm_ && !(g == 0 && cifg_)) {
      QuantParams q;
      TFLDBG_RETURN_IF_ERROR(intermediate(g, "a gate's layer norm input", &q));
      gate_scales[g] = q.scale[0];
    }
  }

  math::LstmIntegerParams& p = integer_;
  p = math::LstmIntegerParams{};
  p.rounding = node.rounding;
  if (!CheckedLog2(cell_state.scale(), &p.cell_state_log2) || p.cell_state_log2 < -15 || p.cell_state_log2 > -9) {
    return node.UnsupportedError("cell state scale " + std::to_string(cell_state.scale()) +
                                 " (LiteRT's integer LSTM needs a power of two from 2^-15 to 2^-9)");
  }
  // LiteRT computes the effective scales in float.
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
    const Tensor& wx = *In(node, s_.input_to[g]);
    const Tensor& wh = *In(node, s_.recurrent_to[g]);
    if (!wx.is_constant() || !wh.is_constant()) return node.UnsupportedError("integer LSTM weights computed at run time");
    p.input_to[g] = wx.data<int8_t>();
    p.recurrent_to[g] = wh.data<int8_t>();
    const float gate_scale = gate_scales[g];
    const Tensor* bias = In(node, s_.bias[g]);
    if (bias != nullptr && !bias->is_constant()) return node.UnsupportedError("integer LSTM biases computed at run time");
    // With layer normalization the bias is added after the norm, not to the products.
    row_sums_times(wx, -input_zp, layer_norm_ ? nullptr : bias, p.input_bias[g]);
    if (layer_norm_) {
      const Tensor& coefficients = *In(node, s_.layer_norm[g]);
      if (bias == nullptr) return node.InvalidModelError(Named("bias", g) + " is missing");
      p.layer_norm[g] = coefficients.data<int16_t>();
      p.layer_norm_bias[g] = bias->data<int32_t>();
      p.layer_norm_scale[g] = quant::QuantizeMultiplier(static_cast<double>(coefficients.scale()), p.rounding);
      p.variance_guard[g] = std::max(1, static_cast<int32_t>(10000 * coefficients.scale()));
    }
    row_sums_times(wh, -state_zp, nullptr, p.recurrent_bias[g]);
    p.input_scale[g] = quant::QuantizeMultiplier(static_cast<double>(wx.scale() * input_scale / gate_scale), p.rounding);
    p.recurrent_scale[g] = quant::QuantizeMultiplier(static_cast<double>(wh.scale() * state_scale / gate_scale), p.rounding);
    if (peephole_ && s_.cell_to[g] >= 0) {
      const Tensor& wc = *In(node, s_.cell_to[g]);
      p.cell_to[g] = wc.data<int16_t>();
      const float scale = static_cast<float>(std::pow(2, p.cell_state_log2) * wc.scale() / gate_scale);
      p.cell_scale[g] = quant::QuantizeMultiplier(static_cast<double>(scale), p.rounding);
    }
  }
  p.hidden_zero_point = static_cast<int32_t>(hidden.zero_point[0]);
  const float hidden_scale = hidden.scale[0];
  p.hidden_scale = quant::QuantizeMultiplier(
      static_cast<double>(static_cast<float>(std::pow(2, -15) / hidden_scale * std::pow(2, -15))), p.rounding);
  if (const Tensor* wp = In(node, s_.projection)) {
    if (!wp->is_constant()) return node.UnsupportedError("integer LSTM projection weights computed at run time");
    p.projection = wp->data<int8_t>();
    row_sums_times(*wp, p.hidden_zero_point, In(node, s_.projection_bias), p.projection_bias);
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
  ForEachStep<int8_t, int16_t>(node, [&](const math::LstmDims& d, const int8_t* x, const int8_t*, int8_t* h, int16_t* c,
                                          int8_t* y, int64_t) {
    math::LstmIntegerStep(integer_, d, x, h, c, y, integer_scratch_.data());
  });
  return Status::Ok();
}

// BIDIRECTIONAL_SEQUENCE_LSTM: a forward and a backward LSTM cell over the
// sequence (float32 or hybrid, no layer normalization), their outputs merged
// into one tensor or apart. With auxiliary weights both cells also read the
// auxiliary input (stacking with cross links); an auxiliary input without
// them is the backward cell's input.
class BidirectionalLstmKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 48, 48));
    const auto* o = node.options<tflite::BidirectionalSequenceLSTMOptions>();
    merge_outputs_ = o != nullptr && o->merge_outputs();
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, merge_outputs_ ? 1 : 2));
    const bool aux_weights = node.input(kForwardSlots.aux_to[1]) != nullptr;
    for (const LstmSlots* slots : {&kForwardSlots, &kBackwardSlots}) {
      for (int g = 1; g < 4; ++g) {
        if ((node.input(slots->aux_to[g]) != nullptr) != aux_weights) {
          return node.InvalidModelError("auxiliary weights must be given for every gate of both cells or for none");
        }
      }
    }
    const bool aux_input = node.input(kAuxInput) != nullptr;
    if (aux_weights && !aux_input) return node.InvalidModelError("auxiliary weights without an auxiliary input (input 39)");
    forward_.SetInputs(kInput, aux_weights ? kAuxInput : -1);
    backward_.SetInputs(aux_input && !aux_weights ? kAuxInput : kInput, aux_weights ? kAuxInput : -1);
    TFLDBG_RETURN_IF_ERROR(forward_.Prepare(node));
    TFLDBG_RETURN_IF_ERROR(backward_.Prepare(node));
    if (forward_.cell_count() != backward_.cell_count() || forward_.output_size() != backward_.output_size()) {
      return node.InvalidModelError("the backward cell (" + std::to_string(backward_.cell_count()) + " cells, " +
                                    std::to_string(backward_.output_size()) + " outputs) must match the forward cell (" +
                                    std::to_string(forward_.cell_count()) + ", " + std::to_string(forward_.output_size()) +
                                    ") as LiteRT requires");
    }
    const int fw = forward_.output_size(), bw = backward_.output_size();
    const auto* options = node.options<tflite::BidirectionalSequenceLSTMOptions>();
    const bool time_major = options == nullptr || options->time_major();
    const int batches = node.input(kInput)->dim(time_major ? 1 : 0);
    if (merge_outputs_ && !time_major && batches > 1) {
      // LiteRT's batch-major loop finds row b of the output state at
      // b × (the merged output width): past the state's end (docs/litert-defects.md).
      return node.UnsupportedError("merge_outputs, batch-major, on " + std::to_string(batches) +
                                   " batch rows (LiteRT reads and writes the output state out of bounds)");
    }
    std::vector<int32_t> shape = node.input(kInput)->shape;
    shape.back() = merge_outputs_ ? fw + bw : fw;
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(0), shape));
    if (merge_outputs_) {
      forward_.SetOutput(0, 0, fw + bw);
      backward_.SetOutput(0, fw, fw + bw);
    } else {
      shape.back() = bw;
      TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(1), "backward output", {DataType::kFloat32}));
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(1), shape));
      forward_.SetOutput(0, 0, fw);
      backward_.SetOutput(1, 0, bw);
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(forward_.Eval(node));
    return backward_.Eval(node);
  }

 private:
  bool merge_outputs_ = false;
  LstmKernel forward_{LstmRole::kForward};
  LstmKernel backward_{LstmRole::kBackward};
};

}  // namespace

std::unique_ptr<Kernel> CreateLstmKernel() { return std::make_unique<LstmKernel>(LstmRole::kLstm); }
std::unique_ptr<Kernel> CreateUnidirectionalSequenceLstmKernel() { return std::make_unique<LstmKernel>(LstmRole::kSequence); }
std::unique_ptr<Kernel> CreateBidirectionalSequenceLstmKernel() { return std::make_unique<BidirectionalLstmKernel>(); }

}  // namespace tfldbg
