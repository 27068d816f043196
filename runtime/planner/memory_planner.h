// Memory planning: where in one arena each non-constant tensor lives.
//
// A buffer is alive from the step that first writes it to the last step that
// reads it (both inclusive). Two planners share one interface:
//   ArenaPlanner   — reuse: largest buffers first, each into the best-fitting gap
//                    among buffers whose lifetimes overlap (like TFLite's ArenaPlanner);
//   NoReusePlanner — every buffer its own range, so nothing is ever overwritten.
//
//   std::vector<BufferRequirement> buffers = {{1024, 0, 2}, {512, 1, 3}};
//   ArenaPlan plan = ArenaPlanner().Plan(buffers);
//   plan.offsets[1];  plan.arena_bytes;
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace tfldbg {

constexpr size_t kTensorAlignment = 64;

struct BufferRequirement {
  size_t bytes = 0;
  int first_use = 0;  // step index, inclusive
  int last_use = 0;   // step index, inclusive
};

struct ArenaPlan {
  std::vector<size_t> offsets;  // one per requirement, multiples of kTensorAlignment
  size_t arena_bytes = 0;       // high-water mark
};

enum class PlannerKind { kReuse, kNoReuse };
const char* PlannerKindName(PlannerKind kind);  // "reuse", "no-reuse"

class MemoryPlanner {
 public:
  virtual ~MemoryPlanner() = default;
  virtual ArenaPlan Plan(const std::vector<BufferRequirement>& buffers) const = 0;
};

class ArenaPlanner : public MemoryPlanner {
 public:
  ArenaPlan Plan(const std::vector<BufferRequirement>& buffers) const override;
};

class NoReusePlanner : public MemoryPlanner {
 public:
  ArenaPlan Plan(const std::vector<BufferRequirement>& buffers) const override;
};

std::unique_ptr<MemoryPlanner> MakePlanner(PlannerKind kind);

// The largest sum of (aligned) bytes alive at one step: no plan can use less.
size_t ArenaLowerBound(const std::vector<BufferRequirement>& buffers);

// Bytes rounded up to kTensorAlignment.
size_t AlignedSize(size_t bytes);

// An ASCII drawing of the plan: one row per step, the arena across, one
// letter per buffer, so reuse and gaps can be seen. `width` columns.
std::string DrawPlanTimeline(const std::vector<BufferRequirement>& buffers, const ArenaPlan& plan,
                             int width = 64);

}  // namespace tfldbg
