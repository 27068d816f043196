#include "planner/memory_planner.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace tfldbg {

const char* PlannerKindName(PlannerKind kind) {
  return kind == PlannerKind::kReuse ? "reuse" : "no-reuse";
}

size_t AlignedSize(size_t bytes) {
  return (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
}

std::unique_ptr<MemoryPlanner> MakePlanner(PlannerKind kind) {
  if (kind == PlannerKind::kReuse) return std::make_unique<ArenaPlanner>();
  return std::make_unique<NoReusePlanner>();
}

namespace {
bool Overlap(const BufferRequirement& a, const BufferRequirement& b) {
  return a.first_use <= b.last_use && b.first_use <= a.last_use;
}
}  // namespace

ArenaPlan ArenaPlanner::Plan(const std::vector<BufferRequirement>& buffers) const {
  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; among equals, the earlier-born first so the layout is stable.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].bytes != buffers[b].bytes) return buffers[a].bytes > buffers[b].bytes;
    return buffers[a].first_use < buffers[b].first_use;
  });
  std::vector<size_t> placed;  // indices already placed
  for (size_t id : order) {
    const BufferRequirement& req = buffers[id];
    const size_t need = AlignedSize(req.bytes);
    if (need == 0) continue;
    // Live neighbours sorted by offset; find the tightest gap that fits.
    std::vector<std::pair<size_t, size_t>> live;  // (offset, end)
    for (size_t other : placed) {
      if (Overlap(req, buffers[other])) {
        live.emplace_back(plan.offsets[other], plan.offsets[other] + AlignedSize(buffers[other].bytes));
      }
    }
    std::sort(live.begin(), live.end());
    size_t best_offset = 0;
    size_t best_gap = SIZE_MAX;
    size_t cursor = 0;
    for (const auto& [start, end] : live) {
      if (start > cursor) {
        const size_t gap = start - cursor;
        if (gap >= need && gap < best_gap) {
          best_gap = gap;
          best_offset = cursor;
          if (gap == need) break;
        }
      }
      cursor = std::max(cursor, end);
    }
    if (best_gap == SIZE_MAX) best_offset = cursor;  // no gap fits: after the last live buffer
    plan.offsets[id] = best_offset;
    plan.arena_bytes = std::max(plan.arena_bytes, best_offset + need);
    placed.push_back(id);
  }
  return plan;
}

ArenaPlan NoReusePlanner::Plan(const std::vector<BufferRequirement>& buffers) const {
  ArenaPlan plan;
  plan.offsets.reserve(buffers.size());
  size_t cursor = 0;
  for (const BufferRequirement& req : buffers) {
    plan.offsets.push_back(cursor);
    cursor += AlignedSize(req.bytes);
  }
  plan.arena_bytes = cursor;
  return plan;
}

size_t ArenaLowerBound(const std::vector<BufferRequirement>& buffers) {
  std::map<int, long long> delta;  // step -> change in live bytes
  for (const BufferRequirement& req : buffers) {
    const long long bytes = static_cast<long long>(AlignedSize(req.bytes));
    delta[req.first_use] += bytes;
    delta[req.last_use + 1] -= bytes;
  }
  long long live = 0, peak = 0;
  for (const auto& [step, change] : delta) {
    live += change;
    peak = std::max(peak, live);
  }
  return static_cast<size_t>(peak);
}

std::string DrawPlanTimeline(const std::vector<BufferRequirement>& buffers, const ArenaPlan& plan, int width) {
  static const char kLetters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  if (plan.arena_bytes == 0 || buffers.empty()) return "(empty arena)\n";
  int last_step = 0;
  for (const auto& b : buffers) last_step = std::max(last_step, b.last_use);
  const double bytes_per_column = static_cast<double>(plan.arena_bytes) / width;
  std::string out;
  out += "step | arena 0 .. " + std::to_string(plan.arena_bytes) + " bytes, one column = " +
         std::to_string(static_cast<size_t>(bytes_per_column + 0.5)) + " bytes\n";
  for (int step = 0; step <= last_step; ++step) {
    std::string row(static_cast<size_t>(width), '.');
    for (size_t i = 0; i < buffers.size(); ++i) {
      const auto& b = buffers[i];
      if (b.bytes == 0 || step < b.first_use || step > b.last_use) continue;
      const int from = static_cast<int>(plan.offsets[i] / bytes_per_column);
      int to = static_cast<int>((plan.offsets[i] + AlignedSize(b.bytes)) / bytes_per_column);
      to = std::min(std::max(to, from + 1), width);
      for (int c = from; c < to; ++c) row[static_cast<size_t>(c)] = kLetters[i % (sizeof(kLetters) - 1)];
    }
    char label[16];
    std::snprintf(label, sizeof(label), "%4d | ", step);
    out += label + row + "\n";
  }
  return out;
}

}  // namespace tfldbg
