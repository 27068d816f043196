// A fixed set of threads that run the tasks of one kernel call together.
//
// Kernels split their output into tasks that write disjoint parts of it and
// compute each element the same way whichever thread runs it, so the result
// never depends on the thread count (tests compare the bytes for 1..N).
//
//   ThreadPool pool(2);                                       // the caller and one worker
//   ParallelFor(&pool, tiles, [&](int tile) { ...write tile... });
//   ParallelFor(nullptr, tiles, task);                        // the same, on the calling thread
//   int tasks = TaskCount(&pool, units, min_units);           // how many tasks a kernel cuts
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace tfldbg {

class ThreadPool {
 public:
  using TaskFn = void (*)(void* context, int task);

  // `threads` >= 1 counts the calling thread: threads - 1 workers are started.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(context, i) once for every i in [0, count), spread over the
  // threads (the caller takes part, starting on the first tasks), and
  // returns when every call has returned. One caller at a time (the
  // interpreter that owns the pool); a task that calls Run again runs the
  // inner tasks itself.
  void Run(int count, TaskFn fn, void* context);

 private:
  void WorkerLoop(int slot);
  // Takes tasks of the current job until none is left: those of its own
  // share first, then those left in the others'.
  void Work(int slot);
  // Waits (spinning, then asleep) until the last task of the job has returned.
  void WaitForTasks();

  std::vector<std::thread> workers_;

  // The current job. The caller writes it only while it is closed (open_
  // false) and no worker is inside it (inside_ 0); a worker counts itself in
  // before it checks open_, so it never reads a job being rewritten. One
  // cache line with the generation the workers poll: a new job reaches a
  // worker in one transfer.
  alignas(64) std::atomic<uint64_t> generation_{0};  // bumped per job, kStop at destruction
  TaskFn fn_ = nullptr;
  void* context_ = nullptr;
  std::atomic<bool> open_{false};
  std::atomic<int> inside_{0};
  // Each thread (slot 0 the caller, i the i-th worker) owns an equal run of
  // consecutive tasks: consecutive kernels cut their outputs alike, so a
  // thread mostly reads what it wrote itself, in its own cache. A thread
  // done with its run takes the tasks left in the others'. Claims and
  // completions live on their own cache lines.
  struct alignas(64) Share {
    std::atomic<int> next{0};
    int end = 0;
  };
  std::unique_ptr<Share[]> shares_;
  alignas(64) std::atomic<int> unfinished_{0};

  // Sleeping: workers after a while without jobs, the caller when the tasks
  // of others take long. Each side says it sleeps before it checks the
  // condition, and the other side looks for sleepers after changing it.
  std::mutex mutex_;
  std::condition_variable wake_;  // workers: a new job (or stop)
  std::condition_variable done_;  // the caller: the last task returned
  std::atomic<int> sleeping_workers_{0};
  std::atomic<bool> caller_sleeping_{false};
  // Until then, Run runs jobs on the caller alone (the caller's own clock);
  // jobs in a row whose worker was late (Run).
  std::chrono::steady_clock::time_point alone_until_;
  int late_in_a_row_ = 0;
};

// pool->Run(count, task), or the plain loop without a pool (or with one thread).
template <typename Task>
void ParallelFor(ThreadPool* pool, int count, Task&& task) {
  if (count <= 0) return;
  if (pool == nullptr || pool->threads() == 1 || count == 1) {
    for (int i = 0; i < count; ++i) task(i);
    return;
  }
  using Callable = std::remove_reference_t<Task>;
  pool->Run(count, [](void* context, int i) { (*static_cast<Callable*>(context))(i); },
            const_cast<void*>(static_cast<const void*>(&task)));
}

// How many tasks to cut `units` of work into: 1 without a pool; otherwise
// enough that each thread gets the same share (a multiple of the thread
// count), up to 2 per thread so a thread that starts late leaves part of
// its share to the others (more only add overhead: measured), and as few as keeps `min_units` per task
// (below 2 · min_units the work stays on the calling thread: a wake-up would
// cost more than it saves).
inline int TaskCount(const ThreadPool* pool, int64_t units, int64_t min_units) {
  const int threads = pool ? pool->threads() : 1;
  if (threads == 1 || units < 2 * min_units) return 1;
  const int64_t per_thread = std::clamp<int64_t>(units / (threads * std::max<int64_t>(min_units, 1)), 1, 2);
  return static_cast<int>(std::min<int64_t>(per_thread * threads, units));
}

}  // namespace tfldbg
