#include "report/options_json.h"

#include <cstring>

#include "flatbuffers/reflection.h"
#include "tflite_bfbs_generated.h"

namespace tfldbg {
namespace {

const reflection::Schema& Schema() {
  static const reflection::Schema* schema = reflection::GetSchema(tflite::ModelBinarySchema::data());
  return *schema;
}

template <typename T>
T ReadLE(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

bool IsIntegerType(reflection::BaseType t) {
  return t >= reflection::BaseType::Bool && t <= reflection::BaseType::ULong;
}

// Reads a scalar of base type `t` stored at p as int64 (integers) or double.
nlohmann::json ReadScalar(reflection::BaseType t, const uint8_t* p) {
  switch (t) {
    case reflection::BaseType::Bool: return ReadLE<uint8_t>(p) != 0;
    case reflection::BaseType::Byte: return ReadLE<int8_t>(p);
    case reflection::BaseType::UType:
    case reflection::BaseType::UByte: return ReadLE<uint8_t>(p);
    case reflection::BaseType::Short: return ReadLE<int16_t>(p);
    case reflection::BaseType::UShort: return ReadLE<uint16_t>(p);
    case reflection::BaseType::Int: return ReadLE<int32_t>(p);
    case reflection::BaseType::UInt: return ReadLE<uint32_t>(p);
    case reflection::BaseType::Long: return ReadLE<int64_t>(p);
    case reflection::BaseType::ULong: return ReadLE<uint64_t>(p);
    case reflection::BaseType::Float: return ReadLE<float>(p);
    case reflection::BaseType::Double: return ReadLE<double>(p);
    default: return nullptr;
  }
}

size_t ScalarSize(reflection::BaseType t) {
  switch (t) {
    case reflection::BaseType::Bool:
    case reflection::BaseType::Byte:
    case reflection::BaseType::UType:
    case reflection::BaseType::UByte: return 1;
    case reflection::BaseType::Short:
    case reflection::BaseType::UShort: return 2;
    case reflection::BaseType::Int:
    case reflection::BaseType::UInt:
    case reflection::BaseType::Float: return 4;
    default: return 8;
  }
}

// Replaces an integer by its enum name when the field is an enum.
nlohmann::json EnumName(int type_index, const nlohmann::json& value) {
  if (type_index < 0 || !value.is_number_integer()) return value;
  const reflection::Enum* e = Schema().enums()->Get(static_cast<uint32_t>(type_index));
  const reflection::EnumVal* v = e->values()->LookupByKey(value.get<int64_t>());
  return v != nullptr ? nlohmann::json(v->name()->str()) : value;
}

nlohmann::json TableJson(const flatbuffers::Table& table, const reflection::Object& object) {
  nlohmann::json out = nlohmann::json::object();
  // Fields are stored sorted by name; report them in the schema's slot order.
  std::vector<const reflection::Field*> fields(object.fields()->begin(), object.fields()->end());
  std::sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->id() < b->id(); });
  for (const reflection::Field* field : fields) {
    if (field->deprecated()) continue;
    const std::string name = field->name()->str();
    const reflection::BaseType base = field->type()->base_type();
    const uint8_t* addr = table.GetAddressOf(field->offset());
    if (IsIntegerType(base)) {
      nlohmann::json v = addr ? ReadScalar(base, addr) : nlohmann::json(field->default_integer());
      if (base == reflection::BaseType::Bool) v = addr ? v : nlohmann::json(field->default_integer() != 0);
      out[name] = EnumName(field->type()->index(), v);
    } else if (base == reflection::BaseType::Float || base == reflection::BaseType::Double) {
      out[name] = addr ? ReadScalar(base, addr) : nlohmann::json(field->default_real());
    } else if (base == reflection::BaseType::String) {
      const auto* s = table.GetPointer<const flatbuffers::String*>(field->offset());
      out[name] = s ? s->str() : std::string();
    } else if (base == reflection::BaseType::Vector) {
      const auto* vec = table.GetPointer<const flatbuffers::VectorOfAny*>(field->offset());
      nlohmann::json arr = nlohmann::json::array();
      const reflection::BaseType element = field->type()->element();
      if (vec != nullptr && (IsIntegerType(element) || element == reflection::BaseType::Float ||
                             element == reflection::BaseType::Double)) {
        const size_t size = ScalarSize(element);
        for (uint32_t i = 0; i < vec->size(); ++i) arr.push_back(ReadScalar(element, vec->Data() + i * size));
      } else if (vec != nullptr) {
        arr = nlohmann::json{{"elements", vec->size()}};
      }
      out[name] = arr;
    } else if (base == reflection::BaseType::Obj) {
      const reflection::Object* sub = Schema().objects()->Get(static_cast<uint32_t>(field->type()->index()));
      const auto* child = table.GetPointer<const flatbuffers::Table*>(field->offset());
      if (!sub->is_struct() && child != nullptr) out[name] = TableJson(*child, *sub);
    }
  }
  return out;
}

// The options table of a union value: the union's enum gives the member object.
const reflection::Object* UnionMember(const char* union_enum, int type_value) {
  const reflection::Enum* e = Schema().enums()->LookupByKey(union_enum);
  if (e == nullptr) return nullptr;
  const reflection::EnumVal* v = e->values()->LookupByKey(type_value);
  if (v == nullptr || v->union_type() == nullptr || v->union_type()->index() < 0) return nullptr;
  return Schema().objects()->Get(static_cast<uint32_t>(v->union_type()->index()));
}

}  // namespace

std::string OperatorOptionsName(const tflite::Operator& op) {
  const reflection::Object* obj =
      UnionMember("tflite.BuiltinOptions", static_cast<int>(op.builtin_options_type()));
  if (obj == nullptr) {
    obj = UnionMember("tflite.BuiltinOptions2", static_cast<int>(op.builtin_options_2_type()));
  }
  if (obj == nullptr) return {};
  std::string name = obj->name()->str();
  const size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

nlohmann::json OperatorOptionsJson(const tflite::Operator& op) {
  nlohmann::json out = nlohmann::json::object();
  if (op.builtin_options() != nullptr) {
    if (const reflection::Object* obj = UnionMember("tflite.BuiltinOptions", static_cast<int>(op.builtin_options_type()))) {
      out = TableJson(*static_cast<const flatbuffers::Table*>(op.builtin_options()), *obj);
    }
  }
  if (op.builtin_options_2() != nullptr) {
    if (const reflection::Object* obj = UnionMember("tflite.BuiltinOptions2", static_cast<int>(op.builtin_options_2_type()))) {
      out.update(TableJson(*static_cast<const flatbuffers::Table*>(op.builtin_options_2()), *obj));
    }
  }
  if (op.custom_options() != nullptr) out["custom_options_bytes"] = op.custom_options()->size();
  return out;
}

}  // namespace tfldbg
