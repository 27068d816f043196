#include "cpu/thread_pool.h"

#include <chrono>

namespace tfldbg {
namespace {
// True on a thread while it runs a task: a nested Run then runs inline.
thread_local bool t_in_task = false;
}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    published_.store(~uint64_t{0}, std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::Drain() {
  const bool outer = !t_in_task;
  t_in_task = true;
  for (;;) {
    const int i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= count_) break;
    (*task_)(i);
    if (unfinished_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_all();
    }
  }
  if (outer) t_in_task = false;
}

void ThreadPool::Run(int count, const std::function<void(int)>& task) {
  if (count <= 0) return;
  if (workers_.empty() || t_in_task) {
    for (int i = 0; i < count; ++i) task(i);
    return;
  }
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return draining_ == 0; });
    task_ = &task;
    count_ = count;
    next_.store(0, std::memory_order_relaxed);
    unfinished_.store(count, std::memory_order_relaxed);
    ++generation_;
    published_.store(generation_, std::memory_order_release);
  }
  wake_.notify_all();
  Drain();
  // Wait for the tasks other threads took; they are short, so poll a little first.
  for (int spin = 0; spin < 20000 && unfinished_.load(std::memory_order_acquire) != 0; ++spin) {
    std::this_thread::yield();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return unfinished_.load(std::memory_order_acquire) == 0; });
}

void ThreadPool::WorkerLoop() {
  uint64_t seen = 0;
  for (;;) {
    // Kernels of one model come in quick succession: poll for a while before sleeping.
    const auto poll_until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    while (published_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < poll_until) {
      std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    ++draining_;
    lock.unlock();
    Drain();
    lock.lock();
    if (--draining_ == 0) done_.notify_all();
  }
}

}  // namespace tfldbg
