#include "model/model_view.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/text.h"
#include "flatbuffers/flatbuffers.h"

namespace tfldbg {
namespace {

constexpr uint64_t kMaxElements = uint64_t{1} << 62;
// The verifier's default of 1M tables is too low for large models; depth 64 is ample.
constexpr flatbuffers::uoffset_t kMaxVerifierTables = 1u << 26;

// The verifier checks a vector's length prefix is 4-byte aligned, not that
// 8-byte elements are: read int64 elements without assuming alignment.
int64_t Int64At(const flatbuffers::Vector<int64_t>* v, uint32_t i) {
  int64_t value;
  std::memcpy(&value, v->Data() + static_cast<size_t>(i) * sizeof(int64_t), sizeof(value));
  return value;
}

// A name from the model, escaped (core/text.h): it may hold newlines or
// terminal escape sequences, and every message is one printable line.
std::string Quote(const flatbuffers::String* s) {
  return s == nullptr ? std::string("''") : QuotedName(std::string_view(s->c_str(), s->size()));
}

// Checks one index list (operator inputs, subgraph outputs...) against a bound.
Status CheckIndices(const flatbuffers::Vector<int32_t>* indices, int32_t bound, bool allow_absent,
                    const std::string& where, const char* what, const char* bound_name) {
  for (uint32_t i = 0; i < SizeOf(indices); ++i) {
    const int32_t v = indices->Get(i);
    if (v == -1 && allow_absent) continue;
    if (v < 0 || v >= bound) {
      return InvalidModel(where + ": " + what + " " + std::to_string(i) + " refers to tensor " +
                          std::to_string(v) + ", but the " + bound_name + " has " +
                          std::to_string(bound) + " tensors");
    }
  }
  return Status::Ok();
}

// TFLite string tensors: int32 count N, N+1 int32 offsets, then the bytes.
Status CheckStringBuffer(ByteView data, const std::string& where) {
  auto read_i32 = [&](size_t pos) {
    int32_t v;
    std::memcpy(&v, data.data + pos, sizeof(v));
    return v;
  };
  if (data.size < 4) return InvalidModel(where + ": string buffer of " + std::to_string(data.size) + " bytes has no count");
  const int32_t count = read_i32(0);
  const uint64_t header = 4 * (static_cast<uint64_t>(count < 0 ? 0 : count) + 2);
  if (count < 0 || header > data.size) {
    return InvalidModel(where + ": string buffer claims " + std::to_string(count) +
                        " strings but holds " + std::to_string(data.size) + " bytes");
  }
  int64_t previous = static_cast<int64_t>(header);
  for (int32_t i = 0; i <= count; ++i) {
    const int64_t off = read_i32(4 + 4 * static_cast<size_t>(i));
    if (off < previous || off > static_cast<int64_t>(data.size)) {
      return InvalidModel(where + ": string offset " + std::to_string(i) + " is " + std::to_string(off) +
                          ", outside [" + std::to_string(previous) + ", " + std::to_string(data.size) + "]");
    }
    previous = off;
  }
  return Status::Ok();
}

}  // namespace

int32_t EffectiveQuantizedDimension(int32_t axis, const std::vector<int32_t>& shape, size_t scale_count) {
  // TFLM's converter wrote per-channel biases (rank 1) with the filter's axis 3;
  // TFLM runs them and LiteRT refuses them. The only axis that fits is 0.
  if (scale_count > 1 && shape.size() == 1 && (axis < 0 || axis >= 1) && static_cast<size_t>(shape[0]) == scale_count) {
    return 0;
  }
  return axis;
}

std::optional<uint64_t> ElementCount(const std::vector<int32_t>& shape) {
  uint64_t n = 1;
  for (int32_t d : shape) {
    if (d < 0) return std::nullopt;
    if (d != 0 && n > kMaxElements / static_cast<uint64_t>(d)) return std::nullopt;
    n *= static_cast<uint64_t>(d);
  }
  return n;
}

Result<ModelView> ModelView::LoadFile(const std::string& path) {
  auto bytes = ModelBytes::MapFile(path);
  if (!bytes.ok()) return bytes.status();
  return FromBytes(std::move(bytes).value(), path);
}

Result<ModelView> ModelView::LoadBytes(std::vector<uint8_t> bytes, std::string origin) {
  return FromBytes(ModelBytes::FromVector(std::move(bytes)), std::move(origin));
}

Result<ModelView> ModelView::FromBytes(std::shared_ptr<const ModelBytes> bytes, std::string origin) {
  const size_t size = bytes->size();
  if (size < 8) {
    return InvalidModel(origin + ": " + std::to_string(size) + " bytes is too small to be a .tflite model");
  }
  if (!flatbuffers::BufferHasIdentifier(bytes->data(), tflite::ModelIdentifier())) {
    std::string id;
    bool printable = true;
    for (int i = 0; i < 4; ++i) printable = printable && bytes->data()[4 + i] >= 32 && bytes->data()[4 + i] < 127;
    for (int i = 0; i < 4; ++i) {
      char hex[4];
      std::snprintf(hex, sizeof(hex), i ? " %02x" : "%02x", bytes->data()[4 + i]);
      id += printable ? std::string(1, static_cast<char>(bytes->data()[4 + i])) : std::string(hex);
    }
    return InvalidModel(origin + ": not a .tflite model: file identifier (bytes 4-7) is " +
                        (printable ? "'" + id + "'" : id) + ", expected 'TFL3'");
  }
  // Buffers past 2 GiB live outside the flatbuffer; the verifier only sees the
  // flatbuffer part, whose size flatbuffers limits to 2^31 - 1.
  const size_t verify_size = std::min<size_t>(size, FLATBUFFERS_MAX_BUFFER_SIZE - 1);
  flatbuffers::Verifier::Options options;
  options.max_tables = kMaxVerifierTables;
  flatbuffers::Verifier verifier(bytes->data(), verify_size, options);
  if (!tflite::VerifyModelBuffer(verifier)) {
    return InvalidModel(origin + ": the flatbuffer is malformed (the flatbuffers verifier rejected it)");
  }
  ModelView view;
  view.bytes_ = std::move(bytes);
  view.model_ = tflite::GetModel(view.bytes_->data());
  view.origin_ = std::move(origin);
  Status checked = view.Check();
  if (!checked.ok()) return checked.WithContext(view.origin_);
  return view;
}

int32_t ModelView::BuiltinCode(uint32_t opcode_index) const {
  const tflite::OperatorCode* code = model_->operator_codes()->Get(opcode_index);
  return std::max<int32_t>(code->deprecated_builtin_code(), static_cast<int32_t>(code->builtin_code()));
}

bool ModelView::IsCustom(uint32_t opcode_index) const {
  return BuiltinCode(opcode_index) == static_cast<int32_t>(tflite::BuiltinOperator::CUSTOM);
}

std::string ModelView::OpName(uint32_t opcode_index) const {
  const tflite::OperatorCode* code = model_->operator_codes()->Get(opcode_index);
  const int32_t builtin = BuiltinCode(opcode_index);
  if (builtin == static_cast<int32_t>(tflite::BuiltinOperator::CUSTOM)) {
    if (code->custom_code() == nullptr || code->custom_code()->size() == 0) return "CUSTOM";
    return code->custom_code()->str();
  }
  if (builtin >= 0 && builtin <= static_cast<int32_t>(tflite::BuiltinOperator::MAX)) {
    const char* name = tflite::EnumNameBuiltinOperator(static_cast<tflite::BuiltinOperator>(builtin));
    if (name != nullptr && name[0] != '\0') return name;
  }
  return "UNKNOWN_BUILTIN_" + std::to_string(builtin);
}

int32_t ModelView::OpVersion(uint32_t opcode_index) const {
  return model_->operator_codes()->Get(opcode_index)->version();
}

ByteView ModelView::BufferData(uint32_t buffer_index) const {
  const tflite::Buffer* buffer = model_->buffers()->Get(buffer_index);
  if (buffer == nullptr) return {};
  if (buffer->data() != nullptr && buffer->data()->size() > 0) {
    return {buffer->data()->data(), buffer->data()->size()};
  }
  if (buffer->offset() > 1 && buffer->size() > 0) {
    return {bytes_->data() + buffer->offset(), static_cast<size_t>(buffer->size())};
  }
  return {};
}

ByteView ModelView::TensorData(int subgraph, int tensor) const {
  return BufferData(this->tensor(subgraph, tensor).buffer());
}

DataType ModelView::TensorType(int subgraph, int tensor) const {
  return static_cast<DataType>(this->tensor(subgraph, tensor).type());
}

std::vector<int32_t> ModelView::TensorShape(int subgraph, int tensor) const {
  const auto* shape = this->tensor(subgraph, tensor).shape();
  if (shape == nullptr) return {};
  return std::vector<int32_t>(shape->begin(), shape->end());
}

QuantParams ModelView::TensorQuant(int subgraph, int tensor) const {
  QuantParams q;
  const tflite::QuantizationParameters* p = this->tensor(subgraph, tensor).quantization();
  if (p == nullptr) return q;
  q.has_details = p->details_type() != tflite::QuantizationDetails::NONE;
  if (p->scale() == nullptr || p->zero_point() == nullptr) return q;
  q.scale.assign(p->scale()->begin(), p->scale()->end());
  for (uint32_t i = 0; i < p->zero_point()->size(); ++i) q.zero_point.push_back(Int64At(p->zero_point(), i));
  q.quantized_dimension =
      EffectiveQuantizedDimension(p->quantized_dimension(), TensorShape(subgraph, tensor), q.scale.size());
  return q;
}

std::string ModelView::TensorName(int subgraph, int tensor) const {
  const auto* name = this->tensor(subgraph, tensor).name();
  return name == nullptr ? std::string() : name->str();
}

bool ModelView::TensorIsSparse(int subgraph, int tensor) const {
  return this->tensor(subgraph, tensor).sparsity() != nullptr;
}

std::string ModelView::DescribeOperator(int subgraph, int op) const {
  const uint32_t opcode = this->op(subgraph, op).opcode_index();
  // A custom operator's name comes from the model: escaped like tensor names.
  return "subgraph " + std::to_string(subgraph) + ", operator " + std::to_string(op) + " (" +
         PrintableText(OpName(opcode)) + ")";
}

std::string ModelView::DescribeTensor(int subgraph, int tensor) const {
  return "subgraph " + std::to_string(subgraph) + ", tensor " + std::to_string(tensor) + " " +
         Quote(this->tensor(subgraph, tensor).name());
}

Status ModelView::Check() const {
  const auto* codes = model_->operator_codes();
  const auto* buffers = model_->buffers();
  const auto* subgraphs = model_->subgraphs();
  const uint32_t code_count = SizeOf(codes);
  const uint32_t buffer_count = SizeOf(buffers);
  const int32_t subgraph_count = static_cast<int32_t>(SizeOf(subgraphs));

  if (model_->version() != 3) {
    return Unsupported("schema version is " + std::to_string(model_->version()) + ", expected 3");
  }
  for (uint32_t c = 0; c < code_count; ++c) {
    if (codes->Get(c) == nullptr) return InvalidModel("operator code " + std::to_string(c) + " is null");
  }
  for (uint32_t b = 0; b < buffer_count; ++b) {
    const tflite::Buffer* buffer = buffers->Get(b);
    if (buffer == nullptr) return InvalidModel("buffer " + std::to_string(b) + " is null");
    const bool inline_data = buffer->data() != nullptr && buffer->data()->size() > 0;
    if (buffer->offset() > 1) {
      if (inline_data) {
        return InvalidModel("buffer " + std::to_string(b) + " has both inline data and a file offset");
      }
      const uint64_t offset = buffer->offset();
      const uint64_t size = buffer->size();
      if (offset > file_size() || size > file_size() - offset) {
        return InvalidModel("buffer " + std::to_string(b) + " lies at file offset " + std::to_string(offset) +
                            " with " + std::to_string(size) + " bytes, past the end of the " +
                            std::to_string(file_size()) + "-byte file");
      }
    }
  }

  for (int32_t s = 0; s < subgraph_count; ++s) {
    const tflite::SubGraph* sg = subgraphs->Get(s);
    const std::string sg_where = "subgraph " + std::to_string(s);
    if (sg == nullptr) return InvalidModel(sg_where + " is null");
    const int32_t tensor_count = static_cast<int32_t>(SizeOf(sg->tensors()));

    for (int32_t t = 0; t < tensor_count; ++t) {
      const tflite::Tensor* tensor = sg->tensors()->Get(t);
      if (tensor == nullptr) return InvalidModel(sg_where + ", tensor " + std::to_string(t) + " is null");
      const std::string where = DescribeTensor(s, t);
      const auto type = DataTypeFromModel(static_cast<int>(tensor->type()));
      if (!type) return InvalidModel(where + ": unknown tensor type " + std::to_string(static_cast<int>(tensor->type())));
      const std::vector<int32_t> shape = TensorShape(s, t);
      for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] < 0) {
          return InvalidModel(where + ": dimension " + std::to_string(d) + " is " + std::to_string(shape[d]) +
                              " (shapes must be non-negative; -1 belongs in shape_signature)");
        }
      }
      const auto elements = ElementCount(shape);
      if (!elements) return InvalidModel(where + ": the shape's element count overflows");
      const auto dense_bytes = DenseByteSize(*type, *elements);
      if (DataTypeBits(*type) > 0 && !dense_bytes) return InvalidModel(where + ": the byte size overflows");
      if (tensor->buffer() >= buffer_count) {
        return InvalidModel(where + ": buffer index " + std::to_string(tensor->buffer()) + " is out of range (" +
                            std::to_string(buffer_count) + " buffers)");
      }
      const ByteView data = BufferData(tensor->buffer());
      if (!data.empty()) {
        if (*type == DataType::kString) {
          TFLDBG_RETURN_IF_ERROR(CheckStringBuffer(data, where));
        } else if (tensor->sparsity() == nullptr && dense_bytes && *dense_bytes != data.size) {
          return InvalidModel(where + ": constant buffer " + std::to_string(tensor->buffer()) + " holds " +
                              std::to_string(data.size) + " bytes, but the shape and type need " +
                              std::to_string(*dense_bytes));
        }
      }
      const tflite::QuantizationParameters* q = tensor->quantization();
      if (q != nullptr && q->scale() != nullptr && q->zero_point() != nullptr) {
        const uint32_t scales = q->scale()->size();
        const uint32_t zero_points = q->zero_point()->size();
        if (scales != zero_points) {
          return InvalidModel(where + ": quantization has " + std::to_string(scales) + " scales but " +
                              std::to_string(zero_points) + " zero points");
        }
        // Zero points must be values of the tensor's type, and scales finite and
        // non-negative: kernels offset and rescale with them, and a hostile value
        // would overflow the integer arithmetic.
        int64_t zp_min = INT32_MIN, zp_max = INT32_MAX;
        switch (*type) {
          case DataType::kInt8: zp_min = -128; zp_max = 127; break;
          case DataType::kUInt8: zp_min = 0; zp_max = 255; break;
          case DataType::kInt16: zp_min = -32768; zp_max = 32767; break;
          case DataType::kInt4: zp_min = -8; zp_max = 7; break;
          default: break;
        }
        for (uint32_t i = 0; i < zero_points; ++i) {
          const int64_t zp = Int64At(q->zero_point(), i);
          if (zp < zp_min || zp > zp_max) {
            return InvalidModel(where + ": zero point " + std::to_string(zp) + " is outside " + DataTypeName(*type) +
                                "'s range [" + std::to_string(zp_min) + ", " + std::to_string(zp_max) + "]");
          }
        }
        for (uint32_t i = 0; i < scales; ++i) {
          const float s = q->scale()->Get(i);
          if (!(s >= 0.0f) || !std::isfinite(s)) {
            return InvalidModel(where + ": scale " + std::to_string(s) + " is not a finite non-negative number");
          }
        }
        if (scales > 1) {
          const int32_t axis = EffectiveQuantizedDimension(q->quantized_dimension(), shape, scales);
          if (axis < 0 || static_cast<size_t>(axis) >= shape.size()) {
            return InvalidModel(where + ": quantized_dimension " + std::to_string(axis) +
                                " is out of range for rank " + std::to_string(shape.size()));
          }
          if (static_cast<uint32_t>(shape[axis]) != scales) {
            return InvalidModel(where + ": " + std::to_string(scales) + " per-channel scales, but dimension " +
                                std::to_string(axis) + " has size " + std::to_string(shape[axis]));
          }
        }
      }
    }

    TFLDBG_RETURN_IF_ERROR(CheckIndices(sg->inputs(), tensor_count, false, sg_where, "input", "subgraph"));
    TFLDBG_RETURN_IF_ERROR(CheckIndices(sg->outputs(), tensor_count, false, sg_where, "output", "subgraph"));

    const uint32_t op_count = SizeOf(sg->operators());
    for (uint32_t o = 0; o < op_count; ++o) {
      const tflite::Operator* op = sg->operators()->Get(o);
      const std::string bare = sg_where + ", operator " + std::to_string(o);
      if (op == nullptr) return InvalidModel(bare + " is null");
      if (op->opcode_index() >= code_count) {
        return InvalidModel(bare + ": opcode index " + std::to_string(op->opcode_index()) + " is out of range (" +
                            std::to_string(code_count) + " operator codes)");
      }
      const std::string where = DescribeOperator(s, static_cast<int>(o));
      TFLDBG_RETURN_IF_ERROR(CheckIndices(op->inputs(), tensor_count, true, where, "input", "subgraph"));
      TFLDBG_RETURN_IF_ERROR(CheckIndices(op->outputs(), tensor_count, true, where, "output", "subgraph"));
      TFLDBG_RETURN_IF_ERROR(CheckIndices(op->intermediates(), tensor_count, true, where, "intermediate", "subgraph"));
      if (op->large_custom_options_offset() > 1) {
        const uint64_t offset = op->large_custom_options_offset();
        const uint64_t size = op->large_custom_options_size();
        if (offset > file_size() || size > file_size() - offset) {
          return InvalidModel(where + ": custom options at file offset " + std::to_string(offset) + " with " +
                              std::to_string(size) + " bytes lie past the end of the file");
        }
      }
      // Subgraph references in control-flow options.
      auto check_subgraph = [&](int32_t index, const char* field) -> Status {
        if (index < 0 || index >= subgraph_count) {
          return InvalidModel(where + ": " + field + " is " + std::to_string(index) + ", but the model has " +
                              std::to_string(subgraph_count) + " subgraphs");
        }
        return Status::Ok();
      };
      if (const auto* o_if = op->builtin_options_as_IfOptions()) {
        TFLDBG_RETURN_IF_ERROR(check_subgraph(o_if->then_subgraph_index(), "then_subgraph_index"));
        TFLDBG_RETURN_IF_ERROR(check_subgraph(o_if->else_subgraph_index(), "else_subgraph_index"));
      } else if (const auto* o_while = op->builtin_options_as_WhileOptions()) {
        TFLDBG_RETURN_IF_ERROR(check_subgraph(o_while->cond_subgraph_index(), "cond_subgraph_index"));
        TFLDBG_RETURN_IF_ERROR(check_subgraph(o_while->body_subgraph_index(), "body_subgraph_index"));
      } else if (const auto* o_call = op->builtin_options_as_CallOnceOptions()) {
        TFLDBG_RETURN_IF_ERROR(check_subgraph(o_call->init_subgraph_index(), "init_subgraph_index"));
      }
    }
  }

  for (uint32_t i = 0; i < SizeOf(model_->signature_defs()); ++i) {
    const tflite::SignatureDef* sig = model_->signature_defs()->Get(i);
    const std::string where = "signature " + std::to_string(i) + " " + Quote(sig ? sig->signature_key() : nullptr);
    if (sig == nullptr) return InvalidModel("signature " + std::to_string(i) + " is null");
    if (static_cast<int32_t>(sig->subgraph_index()) >= subgraph_count) {
      return InvalidModel(where + ": subgraph index " + std::to_string(sig->subgraph_index()) + " is out of range (" +
                          std::to_string(subgraph_count) + " subgraphs)");
    }
    const int32_t tensor_count = static_cast<int32_t>(SizeOf(subgraphs->Get(sig->subgraph_index())->tensors()));
    for (const auto* maps : {sig->inputs(), sig->outputs()}) {
      for (uint32_t m = 0; m < SizeOf(maps); ++m) {
        const tflite::TensorMap* map = maps->Get(m);
        if (map == nullptr) return InvalidModel(where + ": tensor map " + std::to_string(m) + " is null");
        if (static_cast<int64_t>(map->tensor_index()) >= tensor_count) {
          return InvalidModel(where + ": " + Quote(map->name()) + " refers to tensor " +
                              std::to_string(map->tensor_index()) + ", but subgraph " +
                              std::to_string(sig->subgraph_index()) + " has " + std::to_string(tensor_count) + " tensors");
        }
      }
    }
  }
  for (uint32_t i = 0; i < SizeOf(model_->metadata()); ++i) {
    const tflite::Metadata* meta = model_->metadata()->Get(i);
    if (meta == nullptr) return InvalidModel("metadata " + std::to_string(i) + " is null");
    if (meta->buffer() >= buffer_count) {
      return InvalidModel("metadata " + std::to_string(i) + " " + Quote(meta->name()) + ": buffer index " +
                          std::to_string(meta->buffer()) + " is out of range (" + std::to_string(buffer_count) + " buffers)");
    }
  }
  return Status::Ok();
}

}  // namespace tfldbg
