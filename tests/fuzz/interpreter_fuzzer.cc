// libFuzzer target, structure-aware: valid models with mutated FIELDS, run
// through the loader, Prepare and Invoke (twice: state kept between runs).
//
// Byte-level mutation (model_loader_fuzzer) mostly breaks the flatbuffer and
// stops at the verifier; the kernels behind it are reached only by models
// that verify and pass the semantic checks. So the mutator here parses the
// model with the flatc object API (tflite::ModelT, generated with
// --gen-object-api in the fuzz build), changes a few typed fields - tensor
// shapes, types, buffer indices and quantization, operator inputs, outputs,
// opcodes and options, buffer bytes, subgraph inputs, signature indices -
// and packs it again. Options are mutated in place in the packed buffer
// through the schema's reflection data, one scalar field at a time.
//
// Everything must end in a value or a one-line Status, within the limits of
// fuzz_limits.h; a crash, hang, leak or sanitizer report is a bug.
// Commands and seeds: docs/fuzzing.md.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <string_view>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "flatbuffers/reflection.h"
#include "fuzz_limits.h"
#include "interpreter/engine.h"
#include "model/model_view.h"
#include "report/model_info.h"
#include "tflite_bfbs_generated.h"
#include "tflite_generated.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

using Rng = std::minstd_rand;

size_t Pick(Rng& rng, size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); }
bool OneIn(Rng& rng, unsigned n) { return rng() % n == 0; }

// Sizes and indices that find edges: empty, one, small, off by one, negative,
// and the 32-bit extremes.
int32_t InterestingInt(Rng& rng, int32_t near) {
  static const int32_t kValues[] = {0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 64, 255, 256, 1 << 16, -1, -2, -128, 127,
                                    std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()};
  switch (rng() % 4) {
    case 0: return kValues[Pick(rng, std::size(kValues))];
    case 1: {  // near the old value, in 64 bits so INT32_MIN - 2 does not overflow
      const int64_t v = int64_t{near} + static_cast<int64_t>(rng() % 5) - 2;
      return static_cast<int32_t>(std::clamp<int64_t>(v, std::numeric_limits<int32_t>::min(),
                                                      std::numeric_limits<int32_t>::max()));
    }
    case 2: return static_cast<int32_t>(rng() % 65);
    default: return static_cast<int32_t>(rng());
  }
}

float InterestingFloat(Rng& rng, float near) {
  static const float kValues[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e-38f, 1e-45f, 3e38f, 0.5f, 1.0f / 255, 1.0f / 128,
                                  std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};
  switch (rng() % 3) {
    case 0: return kValues[Pick(rng, std::size(kValues))];
    case 1: return near * std::ldexp(1.0f, static_cast<int>(rng() % 41) - 20);
    default: return -near;
  }
}

// Byte-level edits of one vector (buffer data, custom options), bounded.
void MutateBytes(std::vector<uint8_t>& bytes, Rng& rng) {
  const size_t old_size = bytes.size();
  const size_t max_size = std::max<size_t>(64, old_size * 2);
  bytes.resize(max_size);
  const size_t new_size = LLVMFuzzerMutate(bytes.data(), std::max<size_t>(old_size, 1), max_size);
  bytes.resize(new_size);
  if (OneIn(rng, 8)) bytes.resize(Pick(rng, bytes.size() + 1));
}

void MutateQuantization(tflite::TensorT& t, Rng& rng) {
  if (!t.quantization || OneIn(rng, 10)) {
    t.quantization = std::make_unique<tflite::QuantizationParametersT>();
    t.quantization->scale = {0.05f};
    t.quantization->zero_point = {0};
  }
  auto& q = *t.quantization;
  switch (rng() % 6) {
    case 0:
      if (!q.scale.empty()) {
        float& s = q.scale[Pick(rng, q.scale.size())];
        s = InterestingFloat(rng, s);
      }
      break;
    case 1:
      if (!q.zero_point.empty()) {
        int64_t& z = q.zero_point[Pick(rng, q.zero_point.size())];
        z = InterestingInt(rng, static_cast<int32_t>(z));
      }
      break;
    case 2: q.quantized_dimension = InterestingInt(rng, q.quantized_dimension); break;
    case 3:  // per-channel with a count that may or may not match the dimension
      q.scale.resize(static_cast<size_t>(rng() % 9), 0.02f);
      q.zero_point.resize(OneIn(rng, 4) ? Pick(rng, 9) : q.scale.size(), 0);
      break;
    case 4: t.quantization.reset(); break;
    default:
      q.min = {InterestingFloat(rng, -1.0f)};
      q.max = {InterestingFloat(rng, 1.0f)};
      break;
  }
}

void MutateTensor(tflite::ModelT& model, tflite::TensorT& t, Rng& rng) {
  switch (rng() % 9) {
    case 0:
    case 1:
      if (!t.shape.empty()) {
        int32_t& d = t.shape[Pick(rng, t.shape.size())];
        d = InterestingInt(rng, d);
        break;
      }
      [[fallthrough]];
    case 2:
      if (OneIn(rng, 2) && !t.shape.empty()) {
        t.shape.erase(t.shape.begin() + static_cast<ptrdiff_t>(Pick(rng, t.shape.size())));
      } else {
        t.shape.insert(t.shape.begin() + static_cast<ptrdiff_t>(Pick(rng, t.shape.size() + 1)), 1 + rng() % 4);
      }
      break;
    case 3:
      t.type = static_cast<tflite::TensorType>(rng() % (static_cast<unsigned>(tflite::TensorType::MAX) + 2));
      break;
    case 4: t.buffer = static_cast<uint32_t>(Pick(rng, model.buffers.size() + 1)); break;
    case 5: MutateQuantization(t, rng); break;
    case 6: t.is_variable = !t.is_variable; break;
    case 7:
      t.shape_signature = t.shape;
      if (!t.shape_signature.empty()) t.shape_signature[Pick(rng, t.shape_signature.size())] = -1;
      break;
    default:
      if (t.sparsity && !t.sparsity->dim_metadata.empty()) {
        auto& dm = *t.sparsity->dim_metadata[Pick(rng, t.sparsity->dim_metadata.size())];
        dm.dense_size = InterestingInt(rng, dm.dense_size);
      } else if (t.sparsity && !t.sparsity->traversal_order.empty()) {
        int32_t& o = t.sparsity->traversal_order[Pick(rng, t.sparsity->traversal_order.size())];
        o = InterestingInt(rng, o);
      } else {
        MutateQuantization(t, rng);
      }
      break;
  }
}

void MutateIndexList(std::vector<int32_t>& list, int32_t bound, Rng& rng) {
  const int32_t index = static_cast<int32_t>(Pick(rng, static_cast<size_t>(bound) + 2)) - 1;  // -1 .. bound
  if (list.empty() || OneIn(rng, 6)) {
    list.insert(list.begin() + static_cast<ptrdiff_t>(Pick(rng, list.size() + 1)), index);
  } else if (OneIn(rng, 6)) {
    list.erase(list.begin() + static_cast<ptrdiff_t>(Pick(rng, list.size())));
  } else {
    list[Pick(rng, list.size())] = index;
  }
}

void MutateOperator(tflite::ModelT& model, tflite::SubGraphT& sg, size_t o, Rng& rng) {
  tflite::OperatorT& op = *sg.operators[o];
  const auto tensors = static_cast<int32_t>(sg.tensors.size());
  switch (rng() % 8) {
    case 0:
    case 1: MutateIndexList(op.inputs, tensors, rng); break;
    case 2: MutateIndexList(op.outputs, tensors, rng); break;
    case 3: op.opcode_index = static_cast<uint32_t>(Pick(rng, model.operator_codes.size() + 1)); break;
    case 4: MutateBytes(op.custom_options, rng); break;
    case 5:  // options of another operator (or none): kernels must not trust the type
      if (OneIn(rng, 2) || sg.operators.size() < 2) {
        op.builtin_options.Reset();
      } else {
        const tflite::OperatorT& other = *sg.operators[Pick(rng, sg.operators.size())];
        if (&other != &op) op.builtin_options = other.builtin_options;
      }
      break;
    case 6:  // execution order
      if (sg.operators.size() > 1) std::swap(sg.operators[o], sg.operators[Pick(rng, sg.operators.size())]);
      break;
    default:
      if (OneIn(rng, 2) && sg.operators.size() > 1) {
        sg.operators.erase(sg.operators.begin() + static_cast<ptrdiff_t>(o));
      } else {
        MutateIndexList(op.intermediates, tensors, rng);
      }
      break;
  }
}

void MutateModel(tflite::ModelT& model, Rng& rng) {
  if (model.subgraphs.empty()) return;
  tflite::SubGraphT& sg = *model.subgraphs[Pick(rng, model.subgraphs.size())];
  switch (rng() % 12) {
    case 0:
    case 1:
    case 2:
    case 3:
      if (!sg.tensors.empty()) MutateTensor(model, *sg.tensors[Pick(rng, sg.tensors.size())], rng);
      break;
    case 4:
    case 5:
    case 6:
      if (!sg.operators.empty()) MutateOperator(model, sg, Pick(rng, sg.operators.size()), rng);
      break;
    case 7:
      MutateIndexList(OneIn(rng, 2) ? sg.inputs : sg.outputs, static_cast<int32_t>(sg.tensors.size()), rng);
      break;
    case 8:
      if (!model.buffers.empty()) MutateBytes(model.buffers[Pick(rng, model.buffers.size())]->data, rng);
      break;
    case 9:
      if (!model.operator_codes.empty()) {
        tflite::OperatorCodeT& code = *model.operator_codes[Pick(rng, model.operator_codes.size())];
        switch (rng() % 3) {
          case 0:
            code.builtin_code = static_cast<tflite::BuiltinOperator>(
                rng() % (static_cast<unsigned>(tflite::BuiltinOperator::MAX) + 2));
            code.deprecated_builtin_code = static_cast<int8_t>(std::min<int32_t>(static_cast<int32_t>(code.builtin_code), 127));
            break;
          case 1: code.version = InterestingInt(rng, code.version); break;
          default: code.deprecated_builtin_code = static_cast<int8_t>(rng()); break;
        }
      }
      break;
    case 10:
      if (!model.signature_defs.empty()) {
        tflite::SignatureDefT& sig = *model.signature_defs[Pick(rng, model.signature_defs.size())];
        if (OneIn(rng, 2) || sig.inputs.empty()) {
          sig.subgraph_index = static_cast<uint32_t>(Pick(rng, model.subgraphs.size() + 1));
        } else {
          sig.inputs[Pick(rng, sig.inputs.size())]->tensor_index = static_cast<uint32_t>(Pick(rng, sg.tensors.size() + 1));
        }
        break;
      }
      [[fallthrough]];
    default:  // a subgraph reached from control flow (IF, WHILE, CALL_ONCE) that does not exist or is itself
      if (model.subgraphs.size() > 1 && OneIn(rng, 2)) {
        std::swap(model.subgraphs[0], model.subgraphs[Pick(rng, model.subgraphs.size())]);
      } else if (!sg.tensors.empty()) {
        MutateTensor(model, *sg.tensors[Pick(rng, sg.tensors.size())], rng);
      }
      break;
  }
}

const reflection::Schema& Schema() {
  static const reflection::Schema* schema = reflection::GetSchema(tflite::ModelBinarySchema::data());
  return *schema;
}

// Sets one scalar field of one operator's builtin options, in place. The
// buffer was packed with ForceDefaults, so every scalar field is present.
void MutateOptionsInPlace(uint8_t* data, Rng& rng) {
  const tflite::Model* model = tflite::GetModel(data);
  if (model->subgraphs() == nullptr || model->subgraphs()->size() == 0) return;
  const tflite::SubGraph* sg = model->subgraphs()->Get(static_cast<uint32_t>(Pick(rng, model->subgraphs()->size())));
  if (sg->operators() == nullptr || sg->operators()->size() == 0) return;
  const tflite::Operator* op = sg->operators()->Get(static_cast<uint32_t>(Pick(rng, sg->operators()->size())));
  if (op->builtin_options() == nullptr) return;
  // The union's enum value names the options table ("Conv2DOptions").
  const reflection::Enum* options_enum = Schema().enums()->LookupByKey("tflite.BuiltinOptions");
  if (options_enum == nullptr) return;
  const reflection::EnumVal* value = options_enum->values()->LookupByKey(static_cast<int64_t>(op->builtin_options_type()));
  if (value == nullptr || value->union_type() == nullptr) return;
  const int object_index = value->union_type()->index();
  if (object_index < 0) return;
  const reflection::Object* object = Schema().objects()->Get(static_cast<uint32_t>(object_index));
  std::vector<const reflection::Field*> scalars;
  for (const reflection::Field* field : *object->fields()) {
    const reflection::BaseType base = field->type()->base_type();
    if (base >= reflection::BaseType::Bool && base <= reflection::BaseType::Double) scalars.push_back(field);
  }
  if (scalars.empty()) return;
  const reflection::Field& field = *scalars[Pick(rng, scalars.size())];
  // The buffer is ours to change: the accessors are const only because flatc
  // generated no mutable API.
  auto* table = reinterpret_cast<flatbuffers::Table*>(const_cast<void*>(op->builtin_options()));
  const reflection::BaseType base = field.type()->base_type();
  if (base == reflection::BaseType::Float || base == reflection::BaseType::Double) {
    const double old = flatbuffers::GetAnyFieldF(*table, field);
    (void)flatbuffers::SetAnyFieldF(table, field, InterestingFloat(rng, static_cast<float>(old)));
  } else {
    const int64_t old = flatbuffers::GetAnyFieldI(*table, field);
    (void)flatbuffers::SetAnyFieldI(table, field, InterestingInt(rng, static_cast<int32_t>(old)));
  }
}

// Inputs from a cheap generator (the CLI's --seed fill draws floats through
// std::uniform_real_distribution, which took most of the time): floats in
// [-1, 1), other numbers as random bytes; one input in eight gets raw bytes
// for floats too (NaN, infinities, huge values). Strings and resources keep
// what Create left: no file can hold them.
void FillInputs(tfldbg::Engine& interp, uint64_t seed) {
  uint64_t state = seed | 1;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const bool raw_floats = seed % 8 == 3;
  for (int index : interp.input_indices()) {
    tfldbg::Tensor& t = interp.tensors()[static_cast<size_t>(index)];
    if (t.bytes == nullptr || tfldbg::NumpyDescr(t.type).empty()) continue;
    if (t.type == tfldbg::DataType::kFloat32 && !raw_floats) {
      for (size_t i = 0; i + sizeof(float) <= t.byte_size; i += sizeof(float)) {
        const float v = static_cast<float>(static_cast<int64_t>(next() >> 40) - (int64_t{1} << 23)) / (1 << 23);
        std::memcpy(t.bytes + i, &v, sizeof v);
      }
    } else {
      for (size_t i = 0; i < t.byte_size; ++i) t.bytes[i] = static_cast<uint8_t>(next() >> 56);
    }
  }
}

bool IsModel(const uint8_t* data, size_t size) {
  flatbuffers::Verifier::Options options;
  options.max_depth = 64;
  options.max_tables = 1u << 22;
  flatbuffers::Verifier verifier(data, size, options);
  return tflite::VerifyModelBuffer(verifier);
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Rng rng(seed);
  // Anything that is not a model (a crossover, a truncated seed) gets byte
  // edits; those rarely verify, so the corpus keeps what does.
  if (!IsModel(data, size)) return LLVMFuzzerMutate(data, size, max_size);
  std::unique_ptr<tflite::ModelT> model = tflite::UnPackModel(data);
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits; ++i) MutateModel(*model, rng);
  flatbuffers::FlatBufferBuilder builder(size + 1024);
  builder.ForceDefaults(true);  // every scalar option present, so it can be set in place
  tflite::FinishModelBuffer(builder, tflite::Model::Pack(builder, model.get()));
  if (builder.GetSize() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, builder.GetBufferPointer(), builder.GetSize());
  if (OneIn(rng, 3)) MutateOptionsInPlace(data, rng);
  return builder.GetSize();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto view = tfldbg::ModelView::LoadBytes(std::vector<uint8_t>(data, data + size), "fuzz");
  if (!view.ok()) {
    if (!tfldbg::fuzz::IsOnePrintableLine(view.status().message())) std::abort();
    return 0;
  }
  (void)tfldbg::ModelInfoJson(view.value(), {}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  tfldbg::InterpreterOptions options = tfldbg::fuzz::Options();
  // One input in four runs the float shadow (`replay`'s kernels) instead,
  // and one in four the no-reuse planner: chosen by the input, so it repeats.
  const size_t mode = std::hash<std::string_view>()(std::string_view(reinterpret_cast<const char*>(data), size));
  options.float_shadow = mode % 4 == 1;
  if (mode % 4 == 2) options.planner = tfldbg::PlannerKind::kNoReuse;
  tfldbg::fuzz::WorkBudget budget;
  auto interp = tfldbg::Engine::Create(view.value(), options, &budget);
  if (!interp.ok()) return 0;
  FillInputs(*interp.value(), mode);
  if (!interp.value()->Invoke().ok()) return 0;
  // Again, for what carries over between runs (variables, CALL_ONCE, loop
  // state), on the models small enough for that to be cheap: they are the
  // ones with state.
  if (budget.spent() > (uint64_t{1} << 20)) return 0;
  budget.Reset();
  (void)interp.value()->Invoke();
  return 0;
}
