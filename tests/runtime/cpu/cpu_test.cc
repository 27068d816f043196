#include "cpu/cpu.h"

#include <atomic>
#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

#include "cpu/thread_pool.h"

namespace tfldbg {
namespace {

// Sets TFLDBG_CPU for the scope of one test.
class ScopedCpuEnv {
 public:
  explicit ScopedCpuEnv(const char* value) {
    const char* old = std::getenv("TFLDBG_CPU");
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value) setenv("TFLDBG_CPU", value, 1); else unsetenv("TFLDBG_CPU");
  }
  ~ScopedCpuEnv() {
    if (had_) setenv("TFLDBG_CPU", old_.c_str(), 1); else unsetenv("TFLDBG_CPU");
  }

 private:
  bool had_ = false;
  std::string old_;
};

TEST(CpuPath, NamesRoundTrip) {
  for (CpuPath p : {CpuPath::kAuto, CpuPath::kScalar, CpuPath::kPortable, CpuPath::kAvx2, CpuPath::kAvxVnni, CpuPath::kAvx512Vnni}) {
    ASSERT_TRUE(ParseCpuPath(CpuPathName(p)).has_value());
    EXPECT_EQ(*ParseCpuPath(CpuPathName(p)), p);
  }
  EXPECT_FALSE(ParseCpuPath("avx9000").has_value());
}

TEST(CpuPath, AutoTakesTheEnvironmentVariableElseTheBestPath) {
  {
    ScopedCpuEnv env(nullptr);
    EXPECT_EQ(ResolveCpuPath(CpuPath::kAuto).value(), BestCpuPath());
  }
  {
    ScopedCpuEnv env("portable");
    EXPECT_EQ(ResolveCpuPath(CpuPath::kAuto).value(), CpuPath::kPortable);
    EXPECT_EQ(ResolveCpuPath(CpuPath::kScalar).value(), CpuPath::kScalar);  // an explicit path wins
  }
  {
    ScopedCpuEnv env("bogus");
    const auto r = ResolveCpuPath(CpuPath::kAuto);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("TFLDBG_CPU='bogus'"), std::string::npos);
  }
}

TEST(CpuPath, ScalarAndPortableRunEverywhereAndTheBestPathRuns) {
  EXPECT_TRUE(CpuRuns(CpuPath::kScalar));
  EXPECT_TRUE(CpuRuns(CpuPath::kPortable));
  EXPECT_TRUE(CpuRuns(BestCpuPath()));
}

TEST(ThreadPool, RunsEveryTaskExactlyOnceForAnyThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (int round = 0; round < 50; ++round) {
      const int count = 1 + (round * 7) % 97;
      std::vector<std::atomic<int>> hits(static_cast<size_t>(count));
      ParallelFor(&pool, count, [&](int i) { hits[static_cast<size_t>(i)].fetch_add(1); });
      for (int i = 0; i < count; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << threads << " threads, task " << i;
    }
  }
}

TEST(ThreadPool, ANestedRunRunsOnTheCallingThread) {
  ThreadPool pool(3);
  std::atomic<int> total{0};
  ParallelFor(&pool, 8, [&](int) { ParallelFor(&pool, 4, [&](int) { total.fetch_add(1); }); });
  EXPECT_EQ(total.load(), 32);
}

}  // namespace
}  // namespace tfldbg
