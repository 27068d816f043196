#include "observers/stats_observer.h"

#include <cmath>
#include <limits>

namespace tfldbg {
namespace {

template <typename T>
void Accumulate(const T* data, int64_t n, bool integer, TensorStats& s) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(data[i]);
    if (std::isnan(v)) {
      ++s.nan;
      continue;
    }
    if (std::isinf(v)) {
      ++s.inf;
      continue;
    }
    if (s.count == 0) s.min = s.max = v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    s.sum += v;
    s.sum_of_squares += v * v;
    ++s.count;
    if (integer) {
      if (data[i] == std::numeric_limits<T>::lowest()) ++s.at_min;
      if (data[i] == std::numeric_limits<T>::max()) ++s.at_max;
    }
  }
}

}  // namespace

TensorStats ComputeTensorStats(const Tensor& t) {
  TensorStats s;
  const int64_t n = t.element_count();
  switch (t.type) {
    case DataType::kFloat32: Accumulate(t.data<float>(), n, false, s); break;
    case DataType::kFloat64: Accumulate(t.data<double>(), n, false, s); break;
    case DataType::kInt8: Accumulate(t.data<int8_t>(), n, true, s); break;
    case DataType::kUInt8: Accumulate(t.data<uint8_t>(), n, true, s); break;
    case DataType::kInt16: Accumulate(t.data<int16_t>(), n, true, s); break;
    case DataType::kInt32: Accumulate(t.data<int32_t>(), n, true, s); break;
    case DataType::kInt64: Accumulate(t.data<int64_t>(), n, true, s); break;
    default: break;  // no numeric statistics for other types
  }
  return s;
}

void MergeTensorStats(TensorStats& a, const TensorStats& b) {
  if (b.count > 0) {
    a.min = a.count == 0 ? b.min : std::min(a.min, b.min);
    a.max = a.count == 0 ? b.max : std::max(a.max, b.max);
  }
  a.count += b.count;
  a.nan += b.nan;
  a.inf += b.inf;
  a.at_min += b.at_min;
  a.at_max += b.at_max;
  a.sum += b.sum;
  a.sum_of_squares += b.sum_of_squares;
}

nlohmann::json TensorStatsJson(const TensorStats& s) {
  const double n = static_cast<double>(s.count);
  const double mean = s.count ? s.sum / n : 0.0;
  const double variance = s.count ? std::max(0.0, s.sum_of_squares / n - mean * mean) : 0.0;
  const uint64_t total = s.count + s.nan + s.inf;
  return {{"count", s.count},
          {"nan", s.nan},
          {"inf", s.inf},
          {"min", s.count ? nlohmann::json(s.min) : nlohmann::json(nullptr)},
          {"max", s.count ? nlohmann::json(s.max) : nlohmann::json(nullptr)},
          {"sum", s.sum},
          {"sum_of_squares", s.sum_of_squares},
          {"mean", mean},
          {"std", std::sqrt(variance)},
          {"at_min", s.at_min},
          {"at_max", s.at_max},
          {"saturation", total ? static_cast<double>(s.at_min + s.at_max) / static_cast<double>(total) : 0.0}};
}

void StatsObserver::BeginSample(int64_t sample_index) { sample_ = sample_index; }

void StatsObserver::Record(const Tensor& tensor) {
  auto& sample = per_sample_[sample_];
  if (sample.count(tensor.index)) return;  // a value is counted once per sample
  sample[tensor.index] = ComputeTensorStats(tensor);
}

Status StatsObserver::BeforeNode(int, const NodeContext& node) {
  for (const Tensor* t : node.inputs) {
    if (t != nullptr && (t->kind == TensorKind::kInput || t->kind == TensorKind::kVariable)) Record(*t);
  }
  return Status::Ok();
}

Status StatsObserver::AfterNode(int, const NodeContext& node, int64_t) {
  for (const Tensor* t : node.outputs) {
    if (t != nullptr) Record(*t);
  }
  return Status::Ok();
}

nlohmann::json StatsObserver::ToJson(const Engine& interp) const {
  nlohmann::json samples = nlohmann::json::array();
  std::map<int, TensorStats> folded;
  for (const auto& [index, tensors] : per_sample_) {  // std::map: ascending sample order
    nlohmann::json per_tensor = nlohmann::json::object();
    for (const auto& [tensor, s] : tensors) {
      per_tensor[std::to_string(tensor)] = TensorStatsJson(s);
      MergeTensorStats(folded[tensor], s);
    }
    samples.push_back({{"sample", index}, {"tensors", per_tensor}});
  }
  nlohmann::json tensors = nlohmann::json::object();
  for (const auto& [tensor, s] : folded) {
    nlohmann::json j = TensorStatsJson(s);
    j["name"] = interp.tensors()[static_cast<size_t>(tensor)].name;
    j["dtype"] = DataTypeName(interp.tensors()[static_cast<size_t>(tensor)].type);
    tensors[std::to_string(tensor)] = j;
  }
  return {{"format", "tfldbg-stats"}, {"version", 1}, {"samples", samples}, {"tensors", tensors}};
}

}  // namespace tfldbg
