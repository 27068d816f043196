#include "cli/inputs.h"

#include <cstring>
#include <filesystem>
#include <random>

#include "core/text.h"
#include "io/npy.h"

namespace tfldbg::cli {
namespace {

namespace fs = std::filesystem;

// Reads `file` into an input tensor. The header is checked against the
// tensor first, so a file of another type or shape (or one that claims to be
// huge) is refused in one line before a byte of its data is read; the data
// then goes straight into the tensor, which is already allocated.
Status ReadInputFile(const std::string& file, Tensor& tensor) {
  TFLDBG_ASSIGN_OR_RETURN(NpyFile npy, NpyFile::Open(file));
  const NpyHeaderInfo& header = npy.header();
  if (header.type != tensor.type || header.shape != tensor.shape) {
    return InvalidArgument("input " + QuotedName(tensor.name) + " (tensor " + std::to_string(tensor.index) +
                           ") expects " + DescribeTypeAndShape(tensor) + ", but " + file + " holds " +
                           DataTypeName(header.type) + ShapeToString(header.shape));
  }
  if (tensor.type == DataType::kString) {
    if (header.data_bytes > (uint64_t{1} << 31)) return InvalidArgument(file + ": the strings take more than 2 GiB");
    std::vector<uint8_t> data(static_cast<size_t>(header.data_bytes));
    TFLDBG_RETURN_IF_ERROR(npy.ReadData(data.data(), data.size()));
    TFLDBG_ASSIGN_OR_RETURN(std::vector<uint8_t> packed, NpyStringsToPacked(header, data.data(), data.size(), file));
    tensor.dynamic_storage = std::move(packed);
    tensor.bytes = tensor.dynamic_storage.data();
    tensor.byte_size = tensor.dynamic_storage.size();
    return Status::Ok();
  }
  if (header.data_bytes != tensor.byte_size) {
    return InvalidArgument(file + ": holds " + std::to_string(header.data_bytes) + " bytes, input " +
                           QuotedName(tensor.name) + " needs " + std::to_string(tensor.byte_size));
  }
  return npy.ReadData(tensor.bytes, tensor.byte_size);
}

// Seeded values over each type's useful range: the full range for 8/16-bit
// integers (quantized inputs), [-1, 1) for floats and for both parts of
// complex values, small non-negative ints for int32/int64 (they are usually
// indices), 0/1 for bool.
Status FillRandom(Tensor& tensor, uint64_t seed) {
  std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(tensor.index));
  const int64_t n = tensor.element_count();
  switch (tensor.type) {
    case DataType::kFloat32: {
      std::uniform_real_distribution<float> d(-1.0f, 1.0f);
      for (int64_t i = 0; i < n; ++i) tensor.data<float>()[i] = d(rng);
      return Status::Ok();
    }
    case DataType::kInt8: {
      std::uniform_int_distribution<int> d(-128, 127);
      for (int64_t i = 0; i < n; ++i) tensor.data<int8_t>()[i] = static_cast<int8_t>(d(rng));
      return Status::Ok();
    }
    case DataType::kUInt8: {
      std::uniform_int_distribution<int> d(0, 255);
      for (int64_t i = 0; i < n; ++i) tensor.data<uint8_t>()[i] = static_cast<uint8_t>(d(rng));
      return Status::Ok();
    }
    case DataType::kInt16: {
      std::uniform_int_distribution<int> d(-32768, 32767);
      for (int64_t i = 0; i < n; ++i) tensor.data<int16_t>()[i] = static_cast<int16_t>(d(rng));
      return Status::Ok();
    }
    case DataType::kInt32: {
      std::uniform_int_distribution<int32_t> d(0, 9);
      for (int64_t i = 0; i < n; ++i) tensor.data<int32_t>()[i] = d(rng);
      return Status::Ok();
    }
    case DataType::kInt64: {
      std::uniform_int_distribution<int64_t> d(0, 9);
      for (int64_t i = 0; i < n; ++i) tensor.data<int64_t>()[i] = d(rng);
      return Status::Ok();
    }
    case DataType::kBool: {
      for (int64_t i = 0; i < n; ++i) tensor.bytes[i] = static_cast<uint8_t>(rng() & 1);
      return Status::Ok();
    }
    case DataType::kComplex64: {  // real and imaginary parts each uniform in [-1, 1)
      std::uniform_real_distribution<float> d(-1.0f, 1.0f);
      for (int64_t i = 0; i < 2 * n; ++i) tensor.data<float>()[i] = d(rng);
      return Status::Ok();
    }
    case DataType::kComplex128: {
      std::uniform_real_distribution<double> d(-1.0, 1.0);
      for (int64_t i = 0; i < 2 * n; ++i) tensor.data<double>()[i] = d(rng);
      return Status::Ok();
    }
    case DataType::kString: {
      // Short lower-case words (0 to 4 letters from "abc"), so lookups and
      // comparisons meet equal strings; no trailing NUL, which numpy's string
      // arrays could not hold.
      std::vector<std::string> words(static_cast<size_t>(n));
      for (std::string& w : words) {
        const int length = static_cast<int>(rng() % 5);
        for (int c = 0; c < length; ++c) w += static_cast<char>('a' + rng() % 3);
      }
      SetStrings(tensor, std::vector<std::string_view>(words.begin(), words.end()));
      return Status::Ok();
    }
    default:
      return Unsupported("input " + QuotedName(tensor.name) + ": cannot make random " + DataTypeName(tensor.type) +
                         " values; pass --input " + PrintableText(tensor.name) + "=FILE.npy");
  }
}

std::string SafeFileName(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == ':' || c == ' ' || c == '\\') c = '_';
  }
  return name;
}

// The file names --inputs DIR looks for, in order: signature names, the
// tensor name, the position.
std::vector<std::string> InputFileCandidates(const Engine& interp, size_t pos) {
  const Tensor& tensor = interp.tensors()[static_cast<size_t>(interp.input_indices()[pos])];
  std::vector<std::string> candidates = {SafeFileName(tensor.name), std::to_string(pos)};
  for (uint32_t s = 0; s < SizeOf(interp.model().model().signature_defs()); ++s) {
    const auto* sig = interp.model().model().signature_defs()->Get(s);
    for (uint32_t m = 0; m < SizeOf(sig->inputs()); ++m) {
      const auto* map = sig->inputs()->Get(m);
      if (static_cast<int>(map->tensor_index()) == tensor.index && map->name()) {
        candidates.insert(candidates.begin(), SafeFileName(map->name()->str()));
      }
    }
  }
  return candidates;
}

}  // namespace

void AddInputOptions(CLI::App& app, InputSpec& spec) {
  app.add_option("--input", spec.assignments,
                 "NAME=FILE.npy: value of one input; NAME is a signature name, a tensor name or a position (0, 1, ...)");
  app.add_option("--inputs", spec.directory,
                 "Directory of .npy files named after the inputs (signature name, tensor name with '/' and ':' "
                 "as '_', or position)");
  app.add_option("--seed", spec.seed, "Seed for random values of inputs given no file (default 0)");
}

Result<std::vector<InputRecord>> SetInputs(Engine& interp, const InputSpec& spec) {
  std::vector<bool> done(interp.input_indices().size(), false);
  std::vector<InputRecord> records(interp.input_indices().size());
  auto position_of = [&](const Tensor* t) {
    for (size_t i = 0; i < interp.input_indices().size(); ++i) {
      if (interp.input_indices()[i] == t->index) return i;
    }
    return size_t{0};
  };
  for (const std::string& assignment : spec.assignments) {
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == assignment.size()) {
      return InvalidArgument("--input '" + assignment + "': expected NAME=FILE.npy");
    }
    const std::string name = assignment.substr(0, eq);
    const std::string file = assignment.substr(eq + 1);
    auto tensor = interp.FindInput(name);
    if (!tensor.ok()) return tensor.status().WithContext("--input " + assignment);
    TFLDBG_RETURN_IF_ERROR(ReadInputFile(file, *tensor.value()));
    const size_t pos = position_of(tensor.value());
    done[pos] = true;
    records[pos] = {tensor.value()->name, tensor.value()->index, file};
  }
  if (!spec.directory.empty()) {
    std::error_code ec;
    if (!fs::is_directory(spec.directory, ec)) return InvalidArgument("--inputs " + spec.directory + ": not a directory");
    for (size_t pos = 0; pos < done.size(); ++pos) {
      if (done[pos]) continue;
      Tensor& tensor = interp.tensors()[static_cast<size_t>(interp.input_indices()[pos])];
      for (const std::string& c : InputFileCandidates(interp, pos)) {
        const std::string file = (fs::path(spec.directory) / (c + ".npy")).string();
        if (!fs::exists(file, ec)) continue;
        TFLDBG_RETURN_IF_ERROR(ReadInputFile(file, tensor));
        done[pos] = true;
        records[pos] = {tensor.name, tensor.index, file};
        break;
      }
    }
  }
  for (size_t pos = 0; pos < done.size(); ++pos) {
    if (done[pos]) continue;
    Tensor& tensor = interp.tensors()[static_cast<size_t>(interp.input_indices()[pos])];
    TFLDBG_RETURN_IF_ERROR(FillRandom(tensor, spec.seed));
    records[pos] = {tensor.name, tensor.index, "random(seed=" + std::to_string(spec.seed) + ")"};
  }
  return records;
}

// Whether the model's shape signature for this input leaves open (-1) every
// dimension in which `shape` differs (same rank). Other files get SetInputs'
// "expects ..., but FILE holds ..." line.
static bool Resizable(const Engine& interp, const Tensor& tensor, const std::vector<int32_t>& shape) {
  const auto* signature = interp.model().tensor(interp.subgraph_index(), tensor.index).shape_signature();
  if (signature == nullptr || signature->size() != shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    const int32_t open = signature->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (shape[i] < 0 || (open != -1 && open != shape[i])) return false;
  }
  return true;
}

Result<std::map<int, std::vector<int32_t>>> ResizedInputShapes(Engine& interp, const InputSpec& spec) {
  std::map<int, std::vector<int32_t>> shapes;
  auto consider = [&](const Tensor& tensor, const std::string& file) -> Status {
    // The header is all this needs: the data is read once, by SetInputs.
    TFLDBG_ASSIGN_OR_RETURN(NpyFile npy, NpyFile::Open(file));
    const NpyHeaderInfo& header = npy.header();
    if (header.type == tensor.type && header.shape != tensor.shape && Resizable(interp, tensor, header.shape)) {
      shapes[tensor.index] = header.shape;
    }
    return Status::Ok();
  };
  for (const std::string& assignment : spec.assignments) {
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == assignment.size()) continue;  // SetInputs says why
    auto tensor = interp.FindInput(assignment.substr(0, eq));
    if (!tensor.ok()) continue;
    TFLDBG_RETURN_IF_ERROR(consider(*tensor.value(), assignment.substr(eq + 1)));
  }
  std::error_code ec;
  if (!spec.directory.empty() && fs::is_directory(spec.directory, ec)) {
    for (size_t pos = 0; pos < interp.input_indices().size(); ++pos) {
      const Tensor& tensor = interp.tensors()[static_cast<size_t>(interp.input_indices()[pos])];
      if (shapes.count(tensor.index)) continue;
      for (const std::string& c : InputFileCandidates(interp, pos)) {
        const std::string file = (fs::path(spec.directory) / (c + ".npy")).string();
        if (!fs::exists(file, ec)) continue;
        TFLDBG_RETURN_IF_ERROR(consider(tensor, file));
        break;
      }
    }
  }
  return shapes;
}

Result<std::unique_ptr<Engine>> CreateForInputs(const ModelView& view, InterpreterOptions options,
                                                     NodeObserver* observer, const InputSpec& spec) {
  auto interp = Engine::Create(view, options, observer);
  if (!interp.ok()) return interp.status();
  TFLDBG_ASSIGN_OR_RETURN(auto shapes, ResizedInputShapes(*interp.value(), spec));
  if (shapes.empty()) return interp;
  interp.value().reset();
  options.input_shapes = std::move(shapes);
  return Engine::Create(view, options, observer);
}

}  // namespace tfldbg::cli
