// Runs a model with tfldbg and prints each node's output range (real values for
// quantized outputs), through an observer; --stop-at N ends the run after
// operator N. Built against the installed package alone (CMakeLists.txt here).
//
//   node_ranges MODEL.tflite [--seed S] [--stop-at N]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "tfldbg/tfldbg.h"

namespace {

// The range of one tensor as real numbers (dequantized with its first scale).
bool Range(const tfldbg::TensorView& t, double& lo, double& hi) {
  if (t.info == nullptr || t.data == nullptr) return false;
  const auto& q = t.info->quantization;
  const double scale = q.scale.empty() ? 1.0 : q.scale[0];
  const double zero = q.zero_point.empty() ? 0.0 : static_cast<double>(q.zero_point[0]);
  const int64_t n = t.element_count();
  lo = std::numeric_limits<double>::infinity();
  hi = -lo;
  auto take = [&](double v) {
    lo = std::min(lo, (v - zero) * scale);
    hi = std::max(hi, (v - zero) * scale);
  };
  for (int64_t i = 0; i < n; ++i) {
    switch (t.info->type) {
      case tfldbg::DataType::kFloat32: take(t.as<float>()[i]); break;
      case tfldbg::DataType::kInt8: take(t.as<int8_t>()[i]); break;
      case tfldbg::DataType::kUInt8: take(t.as<uint8_t>()[i]); break;
      case tfldbg::DataType::kInt16: take(t.as<int16_t>()[i]); break;
      case tfldbg::DataType::kInt32: take(t.as<int32_t>()[i]); break;
      default: return false;
    }
  }
  return n > 0;
}

class RangePrinter : public tfldbg::Observer {
 public:
  explicit RangePrinter(int stop_at) : stop_at_(stop_at) {}

  tfldbg::Status AfterNode(const tfldbg::NodeInfo& node) override {
    for (const tfldbg::TensorView& out : node.outputs) {
      double lo = 0, hi = 0;
      if (Range(out, lo, hi)) {
        std::printf("%3d %-20s %-40s [%.6g, %.6g]\n", node.node, node.op.c_str(), out.info->name.c_str(), lo, hi);
      }
    }
    if (node.subgraph == 0 && node.node == stop_at_) {
      return tfldbg::Cancelled("stopped after operator " + std::to_string(stop_at_) + " as asked");
    }
    return tfldbg::Status::Ok();
  }

 private:
  int stop_at_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL.tflite [--seed S] [--stop-at N]\n", argv[0]);
    return 2;
  }
  uint64_t seed = 0;
  int stop_at = -1;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seed") == 0) seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--stop-at") == 0) stop_at = std::atoi(argv[i + 1]);
  }
  std::printf("tfldbg %s\n", tfldbg::Version());
  auto model = tfldbg::Model::FromFile(argv[1]);
  if (!model.ok()) {
    std::fprintf(stderr, "error: %s\n", model.status().message().c_str());
    return 1;
  }
  RangePrinter printer(stop_at);
  auto interp = tfldbg::Interpreter::Create(model.value(), {}, {&printer});
  if (!interp.ok()) {
    std::fprintf(stderr, "error: %s\n", interp.status().message().c_str());
    return 1;
  }
  if (auto s = interp.value()->SetRandomInputs(seed); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.message().c_str());
    return 1;
  }
  const tfldbg::Status run = interp.value()->Invoke();
  if (run.code() == tfldbg::ErrorCode::kCancelled) {
    std::printf("%s\n", run.message().c_str());
    return 0;
  }
  if (!run.ok()) {
    std::fprintf(stderr, "error: %s\n", run.message().c_str());
    return 1;
  }
  for (const tfldbg::TensorInfo& out : interp.value()->outputs()) {
    auto view = interp.value()->Output(out.name).value();
    double lo = 0, hi = 0;
    if (Range(view, lo, hi)) std::printf("output %s: [%.6g, %.6g]\n", out.name.c_str(), lo, hi);
  }
  return 0;
}
