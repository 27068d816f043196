// A fixed set of threads that run the tasks of one kernel call together.
//
// Kernels split their output into tasks that write disjoint parts of it and
// compute each element the same way whichever thread runs it, so the result
// never depends on the thread count (tests compare the bytes for 1..N).
//
//   ThreadPool pool(2);                                       // the caller and one worker
//   ParallelFor(&pool, tiles, [&](int tile) { ...write tile... });
//   ParallelFor(nullptr, tiles, task);                        // the same, on the calling thread
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tfldbg {

class ThreadPool {
 public:
  // `threads` >= 1 counts the calling thread: threads - 1 workers are started.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls task(i) once for every i in [0, count), spread over the threads
  // (the caller takes part), and returns when every call has returned. A
  // task that calls Run again runs the inner tasks itself.
  void Run(int count, const std::function<void(int)>& task);

 private:
  void WorkerLoop();
  void Drain();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  // One job at a time; a new generation wakes the workers.
  uint64_t generation_ = 0;
  bool stopping_ = false;
  const std::function<void(int)>* task_ = nullptr;
  int count_ = 0;
  std::atomic<int> next_{0};
  std::atomic<int> unfinished_{0};
  std::atomic<uint64_t> published_{0};  // generation_, readable without the lock (for polling)
  // Workers inside Drain (guarded by mutex_): a job's fields change only when
  // none is, so a worker that wakes late never mixes two jobs.
  int draining_ = 0;
};

// pool->Run(count, task), or the plain loop without a pool (or with one thread).
template <typename Task>
void ParallelFor(ThreadPool* pool, int count, Task&& task) {
  if (count <= 0) return;
  if (pool == nullptr || pool->threads() == 1 || count == 1) {
    for (int i = 0; i < count; ++i) task(i);
    return;
  }
  const std::function<void(int)> f = std::forward<Task>(task);
  pool->Run(count, f);
}

}  // namespace tfldbg
