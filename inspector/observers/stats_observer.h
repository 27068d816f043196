// StatsObserver: streaming statistics of every tensor a run produces (and of
// the graph inputs), without storing arrays: count, min, max, sum, sum of
// squares, NaN and Inf counts, and for integer tensors how many elements sit
// at the type's minimum or maximum (saturation).
//
// Statistics are kept per sample (one Invoke = one sample) and folded in
// sample order when reported, so shards of a dataset merged by sample index
// give exactly the numbers of one run over the whole dataset.
//
//   StatsObserver stats;
//   auto interp = Engine::Create(view, options, &stats);
//   for (...) { stats.BeginSample(index); interp->Invoke(); }
//   WriteJsonFile("stats.json", stats.ToJson(*interp));
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "interpreter/engine.h"
#include "nlohmann/json.hpp"

namespace tfldbg {

struct TensorStats {
  uint64_t count = 0;
  uint64_t nan = 0;
  uint64_t inf = 0;
  uint64_t at_min = 0;  // integer tensors: elements equal to the type's minimum
  uint64_t at_max = 0;
  double sum = 0.0;
  double sum_of_squares = 0.0;
  double min = 0.0;
  double max = 0.0;
};

// Statistics of one tensor's bytes.
TensorStats ComputeTensorStats(const Tensor& tensor);
// Folds b into a (a then b).
void MergeTensorStats(TensorStats& a, const TensorStats& b);
nlohmann::json TensorStatsJson(const TensorStats& s);

class StatsObserver : public NodeObserver {
 public:
  // Starts a new sample; its index orders the fold.
  void BeginSample(int64_t sample_index);
  Status BeforeNode(int step, const NodeContext& node) override;
  Status AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) override;

  // {"format": "tfldbg-stats", "version": 1, "samples": [...], "tensors": {...}}:
  // per-sample records and their fold, by tensor index of subgraph 0.
  nlohmann::json ToJson(const Engine& interp) const;

 private:
  void Record(const Tensor& tensor);
  int64_t sample_ = 0;
  std::map<int64_t, std::map<int, TensorStats>> per_sample_;
};

}  // namespace tfldbg
