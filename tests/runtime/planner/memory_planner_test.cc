#include "planner/memory_planner.h"

#include <gtest/gtest.h>

#include <random>

namespace tfldbg {
namespace {

bool Overlap(const BufferRequirement& a, const BufferRequirement& b) {
  return a.first_use <= b.last_use && b.first_use <= a.last_use;
}

// No two buffers alive at the same step may share bytes.
void ExpectValid(const std::vector<BufferRequirement>& buffers, const ArenaPlan& plan) {
  ASSERT_EQ(plan.offsets.size(), buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % kTensorAlignment, 0u);
    EXPECT_LE(plan.offsets[i] + AlignedSize(buffers[i].bytes), plan.arena_bytes);
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      if (!Overlap(buffers[i], buffers[j]) || buffers[i].bytes == 0 || buffers[j].bytes == 0) continue;
      const size_t a0 = plan.offsets[i], a1 = a0 + AlignedSize(buffers[i].bytes);
      const size_t b0 = plan.offsets[j], b1 = b0 + AlignedSize(buffers[j].bytes);
      EXPECT_TRUE(a1 <= b0 || b1 <= a0) << "buffers " << i << " and " << j << " share memory while both alive";
    }
  }
}

TEST(ArenaPlanner, ReusesMemoryOfDeadBuffers) {
  // A chain: each buffer dies when the next is born.
  std::vector<BufferRequirement> chain = {{1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}, {1000, 3, 4}};
  const ArenaPlan plan = ArenaPlanner().Plan(chain);
  ExpectValid(chain, plan);
  EXPECT_EQ(plan.arena_bytes, 2 * AlignedSize(1000));
  EXPECT_EQ(plan.arena_bytes, ArenaLowerBound(chain));
}

TEST(NoReusePlannerNeverSharesOffsets, EveryBufferHasItsOwnRange) {
  std::vector<BufferRequirement> chain = {{1000, 0, 1}, {1000, 1, 2}, {10, 2, 3}, {0, 3, 3}};
  const ArenaPlan plan = NoReusePlanner().Plan(chain);
  ExpectValid(chain, plan);
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    EXPECT_GE(plan.offsets[i + 1], plan.offsets[i] + AlignedSize(chain[i].bytes));
  }
  EXPECT_EQ(plan.arena_bytes, 2 * AlignedSize(1000) + AlignedSize(10));
}

TEST(ArenaPlanner, RandomPlansAreValidAndNearTheLowerBound) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<BufferRequirement> buffers;
    const int n = 2 + static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      const int first = static_cast<int>(rng() % 30);
      buffers.push_back({1 + rng() % 100000, first, first + static_cast<int>(rng() % 6)});
    }
    const ArenaPlan plan = ArenaPlanner().Plan(buffers);
    ExpectValid(buffers, plan);
    EXPECT_GE(plan.arena_bytes, ArenaLowerBound(buffers));
    EXPECT_LE(plan.arena_bytes, NoReusePlanner().Plan(buffers).arena_bytes);
  }
}

TEST(ArenaPlanner, TimelineDrawsOneRowPerStep) {
  std::vector<BufferRequirement> chain = {{1000, 0, 1}, {1000, 1, 2}};
  const std::string drawing = DrawPlanTimeline(chain, ArenaPlanner().Plan(chain), 16);
  EXPECT_NE(drawing.find("   0 | AAAAAAAA........"), std::string::npos) << drawing;
  EXPECT_NE(drawing.find("   2 | ........BBBBBBBB"), std::string::npos) << drawing;
}

}  // namespace
}  // namespace tfldbg
