// tfldbg._engine: the public C++ API (include/tfldbg/tfldbg.h) as a Python
// extension module (nanobind). Only the public API is used here; the Python
// package (scripts/tfldbg/interpreter.py, lite.py) builds its interface on it.
//
// Tensors cross as numpy arrays over tfldbg's own memory (no copy): read-only
// views of a node's tensors during a callback, writable views of a custom
// operator's outputs during its eval. The GIL is released while kernels run
// and taken again only to call Python.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>
#include <stdexcept>
#include <string>
#include <vector>

#include "tfldbg/tfldbg.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

// tfldbg.Error: every tfldbg failure, with its one-line message.
struct EngineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void Check(const tfldbg::Status& status) {
  if (!status.ok()) throw EngineError(status.message());
}

template <typename T>
T Take(tfldbg::Result<T> result) {
  if (!result.ok()) throw EngineError(result.status().message());
  return std::move(result).value();
}

// The numpy dtype of a tfldbg type; false for types with no plain numpy form
// (string, sub-byte packed, resource, variant): those cross as raw uint8 bytes.
bool DlpackType(tfldbg::DataType type, nb::dlpack::dtype* out) {
  using tfldbg::DataType;
  using Code = nb::dlpack::dtype_code;
  switch (type) {
    case DataType::kFloat32: *out = nb::dtype<float>(); return true;
    case DataType::kFloat64: *out = nb::dtype<double>(); return true;
    case DataType::kFloat16: *out = {static_cast<uint8_t>(Code::Float), 16, 1}; return true;
    case DataType::kInt8: *out = nb::dtype<int8_t>(); return true;
    case DataType::kUInt8: *out = nb::dtype<uint8_t>(); return true;
    case DataType::kInt16: *out = nb::dtype<int16_t>(); return true;
    case DataType::kUInt16: *out = nb::dtype<uint16_t>(); return true;
    case DataType::kInt32: *out = nb::dtype<int32_t>(); return true;
    case DataType::kUInt32: *out = nb::dtype<uint32_t>(); return true;
    case DataType::kInt64: *out = nb::dtype<int64_t>(); return true;
    case DataType::kUInt64: *out = nb::dtype<uint64_t>(); return true;
    case DataType::kBool: *out = nb::dtype<bool>(); return true;
    case DataType::kComplex64: *out = {static_cast<uint8_t>(Code::Complex), 64, 1}; return true;
    case DataType::kComplex128: *out = {static_cast<uint8_t>(Code::Complex), 128, 1}; return true;
    default: return false;
  }
}

// A numpy array over `data` (no copy). `owner` keeps the memory alive; with no
// owner the array is valid only while tfldbg says so (a callback's duration).
nb::object ArrayOver(const void* data, size_t bytes, tfldbg::DataType type, const std::vector<int32_t>& shape,
                     bool writable, nb::handle owner) {
  static const uint64_t kEmpty = 0;
  if (data == nullptr) data = &kEmpty;
  nb::dlpack::dtype dt;
  std::vector<size_t> dims;
  bool typed = DlpackType(type, &dt);
  if (typed) {
    size_t elements = 1;
    for (int32_t d : shape) {
      dims.push_back(static_cast<size_t>(d < 0 ? 0 : d));
      elements *= dims.back();
    }
    typed = elements * (dt.bits / 8) == bytes;  // a tensor not (yet) of its declared size: raw bytes
  }
  if (!typed) {
    dt = nb::dtype<uint8_t>();
    dims.assign(1, bytes);
  }
  // rv_policy::reference: never a copy (the owner, when given, is held by the array).
  if (writable) {
    return nb::ndarray<nb::numpy>(const_cast<void*>(data), dims.size(), dims.data(), owner, nullptr, dt)
        .cast(nb::rv_policy::reference);
  }
  return nb::ndarray<nb::numpy, nb::ro>(data, dims.size(), dims.data(), owner, nullptr, dt).cast(nb::rv_policy::reference);
}

nb::object ViewOf(const tfldbg::TensorView& v, nb::handle owner = nb::handle()) {
  if (v.info == nullptr) return nb::none();
  return ArrayOver(v.data, v.bytes, v.info->type, v.info->shape, false, owner);
}

nb::dict DetailsOf(const tfldbg::TensorInfo& t) {
  nb::dict d;
  d["name"] = t.name;
  d["index"] = t.index;
  d["subgraph"] = t.subgraph;
  d["dtype"] = tfldbg::DataTypeName(t.type);
  d["shape"] = t.shape;
  d["shape_signature"] = t.shape_signature;
  d["kind"] = t.kind;
  d["scale"] = t.quantization.scale;
  d["zero_point"] = t.quantization.zero_point;
  d["quantized_dimension"] = t.quantization.quantized_dimension;
  return d;
}

nb::list DetailsOf(const std::vector<tfldbg::TensorInfo>& ts) {
  nb::list out;
  for (const auto& t : ts) out.append(DetailsOf(t));
  return out;
}

// The numpy views of a run's tensors, made once and handed out again while a
// tensor keeps its memory and shape (a view costs about a microsecond to make;
// a lookup, nothing). Used under the GIL only.
class ViewCache {
 public:
  nb::object Get(const tfldbg::TensorView& v) {
    if (v.info == nullptr) return nb::none();
    Entry& e = entries_[v.info];
    if (!e.array.is_valid() || e.data != v.data || e.bytes != v.bytes || e.shape != v.info->shape) {
      e.data = v.data;
      e.bytes = v.bytes;
      e.shape = v.info->shape;
      e.array = ViewOf(v);
    }
    return e.array;
  }

 private:
  struct Entry {
    const void* data = nullptr;
    size_t bytes = 0;
    std::vector<int32_t> shape;
    nb::object array;
  };
  std::unordered_map<const tfldbg::TensorInfo*, Entry> entries_;
};

// One executed node as a callback sees it. Its tensors are made into numpy
// views only when asked for (most callbacks look at a few), and only during
// the callback: afterwards the Step refuses, as the memory may be reused.
struct Step {
  int step, subgraph, node, invocation, op_version;
  std::string op;
  int64_t elapsed_ns;
  const tfldbg::NodeInfo* info = nullptr;  // set during the callback only
  ViewCache* views = nullptr;
  nb::object inputs, outputs;              // made on first access

  const tfldbg::NodeInfo& Live() const {
    if (info == nullptr) throw EngineError("step " + std::to_string(step) + " (" + op + "): a Step's tensors are "
                                           "readable only during its callback (copy what you keep)");
    return *info;
  }
  nb::list Views(const std::vector<tfldbg::TensorView>& tensors) {
    nb::list out;
    for (const auto& v : tensors) out.append(views->Get(v));
    return out;
  }
  static std::vector<int> Indices(const std::vector<tfldbg::TensorView>& views) {
    std::vector<int> out;
    for (const auto& v : views) out.push_back(v.info != nullptr ? v.info->index : -1);
    return out;
  }
  nb::object Inputs() {
    if (!inputs.is_valid()) inputs = Views(Live().inputs);
    else Live();
    return inputs;
  }
  nb::object Outputs() {
    if (!outputs.is_valid()) outputs = Views(Live().outputs);
    else Live();
    return outputs;
  }
};

// Forwards tfldbg's per-node hooks to Python callables set for one Invoke.
class PyObserver : public tfldbg::Observer {
 public:
  nb::object before = nb::none(), after = nb::none();
  std::optional<nb::python_error> pending;  // the exception a callback raised
  ViewCache views;

  tfldbg::Status BeforeNode(const tfldbg::NodeInfo& node) override { return Call(before, node); }
  tfldbg::Status AfterNode(const tfldbg::NodeInfo& node) override { return Call(after, node); }

 private:
  tfldbg::Status Call(const nb::object& fn, const tfldbg::NodeInfo& node) {
    if (fn.is_none()) return tfldbg::Status::Ok();
    nb::gil_scoped_acquire gil;
    try {
      auto owned = std::make_unique<Step>();
      Step* step = owned.get();
      step->step = node.step;
      step->subgraph = node.subgraph;
      step->node = node.node;
      step->invocation = node.invocation;
      step->op_version = node.op_version;
      step->op = node.op;
      step->elapsed_ns = node.elapsed_ns;
      step->info = &node;
      step->views = &views;
      nb::object object = nb::cast(owned.release(), nb::rv_policy::take_ownership);
      struct Expire {
        Step* step;
        ~Expire() { step->info = nullptr; }
      } expire{step};
      fn(object);
    } catch (nb::python_error& e) {
      pending.emplace(std::move(e));
      return tfldbg::Cancelled("a Python callback at node " + std::to_string(node.node) + " (" + node.op + ") raised");
    }
    return tfldbg::Status::Ok();
  }
};

// A custom operator whose prepare and eval are Python callables (wrapped by
// tfldbg.custom_ops so that these receive plain lists and dicts).
struct PyCustomOp {
  std::string name;
  nb::object prepare, eval;
};

void WriteError(TfldbgCustomOpContext* ctx, const std::string& message) {
  std::string line = message.substr(0, message.find('\n'));
  if (ctx->error == nullptr || ctx->error_capacity == 0) return;
  const size_t n = std::min<size_t>(line.size(), ctx->error_capacity - 1);
  std::memcpy(ctx->error, line.data(), n);
  ctx->error[n] = '\0';
}

std::string PythonMessage(nb::python_error& e) {
  nb::object type_name = e.type().attr("__name__");
  return nb::cast<std::string>(type_name) + ": " + nb::cast<std::string>(nb::str(e.value()));
}

nb::list CustomInputs(const TfldbgCustomOpContext* ctx) {
  nb::list inputs;
  for (int i = 0; i < ctx->input_count; ++i) {
    const TfldbgTensor& t = ctx->inputs[i];
    if (t.type < 0) {
      inputs.append(nb::none());
      continue;
    }
    const auto type = tfldbg::DataTypeFromModel(t.type);
    std::vector<int32_t> shape(t.shape, t.shape + t.rank);
    nb::dict d;
    d["name"] = t.name != nullptr ? t.name : "";
    d["dtype"] = type ? tfldbg::DataTypeName(*type) : "unknown";
    d["shape"] = shape;
    d["scale"] = std::vector<float>(t.scale, t.scale + (t.scale != nullptr ? t.quant_count : 0));
    d["zero_point"] = std::vector<int64_t>(t.zero_point, t.zero_point + (t.zero_point != nullptr ? t.quant_count : 0));
    d["data"] = (t.data != nullptr && type) ? ArrayOver(t.data, t.bytes, *type, shape, false, nb::handle()) : nb::none();
    inputs.append(d);
  }
  return inputs;
}

nb::bytes CustomOptions(const TfldbgCustomOpContext* ctx) {
  return nb::bytes(reinterpret_cast<const char*>(ctx->options), ctx->options != nullptr ? ctx->options_size : 0);
}

int PyPrepare(TfldbgCustomOpContext* ctx) {
  auto* op = static_cast<PyCustomOp*>(ctx->user_data);
  nb::gil_scoped_acquire gil;
  try {
    nb::list outputs;
    for (int i = 0; i < ctx->output_count; ++i) {
      const TfldbgTensor& t = ctx->outputs[i];
      const auto type = tfldbg::DataTypeFromModel(t.type);
      nb::dict d;
      d["dtype"] = type ? tfldbg::DataTypeName(*type) : "unknown";
      d["shape"] = std::vector<int32_t>(t.shape, t.shape + std::max(t.rank, 0));
      outputs.append(d);
    }
    nb::object shapes = op->prepare(CustomInputs(ctx), outputs, CustomOptions(ctx));
    const auto list = nb::cast<std::vector<std::vector<int32_t>>>(shapes);
    if (static_cast<int>(list.size()) != ctx->output_count) {
      WriteError(ctx, "prepare gave " + std::to_string(list.size()) + " output shapes for " +
                          std::to_string(ctx->output_count) + " outputs");
      return 1;
    }
    for (int i = 0; i < ctx->output_count; ++i) {
      const auto& shape = list[static_cast<size_t>(i)];
      if (shape.size() > TFLDBG_MAX_RANK) {
        WriteError(ctx, "prepare gave output " + std::to_string(i) + " rank " + std::to_string(shape.size()));
        return 1;
      }
      ctx->outputs[i].rank = static_cast<int32_t>(shape.size());
      for (size_t d = 0; d < shape.size(); ++d) ctx->outputs[i].shape[d] = shape[d];
    }
    return 0;
  } catch (nb::python_error& e) {
    WriteError(ctx, PythonMessage(e));
  } catch (const std::exception& e) {
    WriteError(ctx, e.what());
  }
  return 1;
}

int PyEval(TfldbgCustomOpContext* ctx) {
  auto* op = static_cast<PyCustomOp*>(ctx->user_data);
  nb::gil_scoped_acquire gil;
  try {
    nb::list outputs;
    for (int i = 0; i < ctx->output_count; ++i) {
      const TfldbgTensor& t = ctx->outputs[i];
      const auto type = tfldbg::DataTypeFromModel(t.type);
      std::vector<int32_t> shape(t.shape, t.shape + std::max(t.rank, 0));
      outputs.append(type ? ArrayOver(t.data, t.bytes, *type, shape, true, nb::handle()) : nb::none());
    }
    op->eval(CustomInputs(ctx), outputs, CustomOptions(ctx));
    return 0;
  } catch (nb::python_error& e) {
    WriteError(ctx, PythonMessage(e));
  } catch (const std::exception& e) {
    WriteError(ctx, e.what());
  }
  return 1;
}

tfldbg::Planner PlannerOf(const std::string& name) {
  if (name == "reuse") return tfldbg::Planner::kReuse;
  if (name == "no-reuse" || name == "noreuse" || name == "no_reuse") return tfldbg::Planner::kNoReuse;
  throw EngineError("planner '" + name + "': expected reuse|no-reuse");
}

tfldbg::Rounding RoundingOf(const std::string& name) {
  if (name == "litert") return tfldbg::Rounding::kLiteRt;
  if (name == "double") return tfldbg::Rounding::kDouble;
  if (name == "single") return tfldbg::Rounding::kSingle;
  throw EngineError("rounding '" + name + "': expected litert|double|single");
}

// The extension's interpreter: a model, its custom ops, one observer whose
// callbacks are set per invoke, and the public interpreter.
class Engine {
 public:
  Engine(const tfldbg::Model& model, const std::string& planner, const std::string& rounding, const std::string& signature,
         int subgraph, int threads, const std::string& cpu,
         const std::vector<std::pair<std::string, std::vector<int32_t>>>& input_shapes,
         const std::vector<std::pair<std::string, std::pair<nb::object, nb::object>>>& custom_ops)
      : model_(model) {
    tfldbg::Options options;
    options.planner = PlannerOf(planner);
    options.rounding = RoundingOf(rounding);
    options.signature = signature;
    options.subgraph = subgraph;
    options.threads = threads;
    options.cpu = cpu;
    options.input_shapes = input_shapes;
    for (const auto& [name, fns] : custom_ops) {
      auto op = std::make_unique<PyCustomOp>();
      op->name = name;
      op->prepare = fns.first;
      op->eval = fns.second;
      TfldbgCustomOp c{TFLDBG_CUSTOM_OP_ABI_VERSION, op->name.c_str(), PyPrepare, PyEval, op.get()};
      custom_op_objects_.push_back(std::move(op));
      Check(custom_ops_.Register(c));
    }
    auto created = [&] {
      nb::gil_scoped_release release;  // prepare may call Python custom ops (which take the GIL back)
      return tfldbg::Interpreter::Create(model_, options, {&observer_}, &custom_ops_);
    }();
    interp_ = Take(std::move(created));
  }

  nb::list inputs() const { return DetailsOf(interp_->inputs()); }
  nb::list outputs() const { return DetailsOf(interp_->outputs()); }
  nb::list tensors() const { return DetailsOf(interp_->tensors()); }

  void SetInput(const std::string& key, nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu> array) {
    Check(interp_->SetInput(key, array.data(), array.nbytes()));
  }
  void SetRandomInputs(uint64_t seed) { Check(interp_->SetRandomInputs(seed)); }

  void Invoke(nb::object before, nb::object after) {
    observer_.before = std::move(before);
    observer_.after = std::move(after);
    tfldbg::Status status;
    {
      nb::gil_scoped_release release;
      status = interp_->Invoke();
    }
    Finish(status);
  }

  void Dump(const std::string& dir, bool force, std::optional<std::pair<int, int>> nodes, std::vector<std::string> ops,
            const std::string& tensors, bool constants) {
    tfldbg::DumpOptions options;
    options.force = force;
    options.nodes = nodes;
    options.ops = std::move(ops);
    options.tensor_regex = tensors;
    options.constants = constants;
    observer_.before = nb::none();
    observer_.after = nb::none();
    tfldbg::Status status;
    {
      nb::gil_scoped_release release;
      status = interp_->InvokeAndDump(dir, options);
    }
    Finish(status);
  }

  nb::object Tensor(nb::handle self, int index) { return ViewOf(Take(interp_->Tensor(index)), self); }
  nb::object Output(nb::handle self, const std::string& key) { return ViewOf(Take(interp_->Output(key)), self); }

 private:
  void Finish(const tfldbg::Status& status) {
    observer_.before = nb::none();
    observer_.after = nb::none();
    if (observer_.pending) {
      nb::python_error e = std::move(*observer_.pending);
      observer_.pending.reset();
      throw e;
    }
    Check(status);
  }

  tfldbg::Model model_;
  std::vector<std::unique_ptr<PyCustomOp>> custom_op_objects_;
  tfldbg::CustomOps custom_ops_;
  PyObserver observer_;
  std::unique_ptr<tfldbg::Interpreter> interp_;  // last: destroyed first
};

tfldbg::Model LoadModel(nb::handle source) {
  if (nb::isinstance<nb::bytes>(source)) {
    nb::bytes b = nb::borrow<nb::bytes>(source);
    const auto* p = reinterpret_cast<const uint8_t*>(b.c_str());
    return Take(tfldbg::Model::FromBytes(std::vector<uint8_t>(p, p + b.size())));
  }
  if (nb::isinstance<nb::bytearray>(source) || nb::hasattr(source, "tobytes")) {
    nb::bytes b = nb::borrow<nb::bytes>(nb::module_::import_("builtins").attr("bytes")(source));
    const auto* p = reinterpret_cast<const uint8_t*>(b.c_str());
    return Take(tfldbg::Model::FromBytes(std::vector<uint8_t>(p, p + b.size())));
  }
  nb::object path = nb::module_::import_("os").attr("fspath")(source);
  return Take(tfldbg::Model::FromFile(nb::cast<std::string>(path)));
}

}  // namespace

NB_MODULE(_engine, m) {
  m.doc() = "tfldbg's C++ engine (the public API of include/tfldbg/tfldbg.h); use tfldbg.Interpreter";
  nb::exception<EngineError>(m, "Error", PyExc_RuntimeError);
  // Objects alive at interpreter exit (a traceback holding an Interpreter) are not leaks worth a report.
  nb::set_leak_warnings(false);
  m.def("version", [] { return std::string(tfldbg::Version()); });

  nb::class_<tfldbg::Model>(m, "Model")
      .def_static("load", &LoadModel, "source"_a, "A model from a path, or from bytes")
      .def_prop_ro("origin", &tfldbg::Model::origin)
      .def_prop_ro("subgraph_count", &tfldbg::Model::subgraph_count)
      .def_prop_ro("missing_ops", &tfldbg::Model::missing_ops)
      .def_prop_ro("signatures", [](const tfldbg::Model& model) {
        nb::list out;
        for (const auto& s : model.signatures()) {
          nb::dict d;
          d["key"] = s.key;
          d["subgraph"] = s.subgraph;
          d["inputs"] = s.inputs;
          d["outputs"] = s.outputs;
          out.append(d);
        }
        return out;
      });

  nb::class_<Step>(m, "Step", "One executed node: its identity and its tensors as read-only numpy views "
                              "valid during the callback (copy what you keep)")
      .def_ro("step", &Step::step)
      .def_ro("subgraph", &Step::subgraph)
      .def_ro("node", &Step::node)
      .def_ro("invocation", &Step::invocation)
      .def_ro("op", &Step::op)
      .def_ro("op_version", &Step::op_version)
      .def_ro("elapsed_ns", &Step::elapsed_ns)
      .def_prop_ro("input_indices", [](const Step& s) { return Step::Indices(s.Live().inputs); })
      .def_prop_ro("output_indices", [](const Step& s) { return Step::Indices(s.Live().outputs); })
      .def_prop_ro("inputs", &Step::Inputs, "read-only views (None for an absent optional input)")
      .def_prop_ro("outputs", &Step::Outputs, "read-only views; in before_node not yet written")
      .def("__repr__", [](const Step& s) {
        return "<Step " + std::to_string(s.step) + ": node " + std::to_string(s.node) + " " + s.op + ">";
      });

  nb::class_<Engine>(m, "Engine")
      .def(nb::init<const tfldbg::Model&, const std::string&, const std::string&, const std::string&, int, int,
                    const std::string&, const std::vector<std::pair<std::string, std::vector<int32_t>>>&,
                    const std::vector<std::pair<std::string, std::pair<nb::object, nb::object>>>&>(),
           "model"_a, "planner"_a, "rounding"_a, "signature"_a, "subgraph"_a, "threads"_a, "cpu"_a, "input_shapes"_a,
           "custom_ops"_a, nb::keep_alive<1, 2>())
      .def_prop_ro("inputs", &Engine::inputs)
      .def_prop_ro("outputs", &Engine::outputs)
      .def_prop_ro("tensors", &Engine::tensors)
      .def("set_input", &Engine::SetInput, "key"_a, "array"_a)
      .def("set_random_inputs", &Engine::SetRandomInputs, "seed"_a)
      .def("invoke", &Engine::Invoke, "before"_a.none(), "after"_a.none())
      .def("dump", &Engine::Dump, "dir"_a, "force"_a, "nodes"_a.none(), "ops"_a, "tensors"_a, "constants"_a)
      .def("tensor", [](nb::handle self, int index) { return nb::cast<Engine&>(self).Tensor(self, index); })
      .def("output", [](nb::handle self, const std::string& key) { return nb::cast<Engine&>(self).Output(self, key); });
}
