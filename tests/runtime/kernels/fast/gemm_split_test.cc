// How the fast GEMMs cut their work over threads (GemmSplit, TaskCount): every
// output of rows × panels belongs to exactly one task, whatever the shape and
// thread count, and one thread gets one task.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/fast/gemm.h"

namespace tfldbg::fast {
namespace {

TEST(TaskCount, OneWithoutThreadsOrWorkElseWholeRoundsOfTheThreads) {
  ThreadPool pool(3);
  EXPECT_EQ(TaskCount(nullptr, int64_t{1} << 40, 1), 1);
  EXPECT_EQ(TaskCount(&pool, 99, 50), 1);     // below two tasks' worth: the caller alone
  EXPECT_EQ(TaskCount(&pool, 100, 50), 3);    // at least one per thread
  EXPECT_EQ(TaskCount(&pool, 1000, 50), 6);   // at most 2 per thread
  EXPECT_EQ(TaskCount(&pool, 2, 1), 2);       // never more tasks than units
  for (int64_t units : {100, 150, 300, 450, 599, 600, 601}) EXPECT_EQ(TaskCount(&pool, units, 50) % 3, 0) << units;
}

TEST(GemmSplit, EveryOutputInExactlyOneTask) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    for (int64_t rows : {1, 7, 24, 25, 49, 196, 784, 3136}) {
      for (int panels : {1, 3, 4, 10, 20, 63, 80}) {
        for (int64_t k : {8, 160, 960}) {
          const GemmSplit split(rows, panels, k, int64_t{panels} * 16, k, &pool);
          std::vector<int> hits(static_cast<size_t>(rows * panels), 0);
          for (int task = 0; task < split.tasks(); ++task) {
            ASSERT_LT(split.FirstRow(task), split.EndRow(task));
            ASSERT_LT(split.FirstPanel(task), split.EndPanel(task));
            for (int64_t r = split.FirstRow(task); r < split.EndRow(task); ++r) {
              for (int p = split.FirstPanel(task); p < split.EndPanel(task); ++p) ++hits[static_cast<size_t>(r * panels + p)];
            }
          }
          for (int h : hits) ASSERT_EQ(h, 1) << threads << " threads, " << rows << "x" << panels << " panels, k " << k;
          if (threads == 1) {
            EXPECT_EQ(split.tasks(), 1);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace tfldbg::fast
