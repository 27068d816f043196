#include "cpu/thread_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace tfldbg {
namespace {

// True on a thread while it runs a task: a nested Run then runs inline.
thread_local bool t_in_task = false;

constexpr uint64_t kStop = ~uint64_t{0};

// Kernels of one model come a few microseconds apart, and a sleeping thread
// takes tens of microseconds to wake (more on a virtual machine): workers
// poll this long after a job before they sleep, which also covers the short
// nodes that run on the calling thread alone (a pooling or a softmax between
// two convolutions).
constexpr auto kWorkerSpin = std::chrono::microseconds(500);
// The caller polls this long for the last tasks of others: they are about as
// long as its own, unless their thread was preempted.
constexpr auto kCallerSpin = std::chrono::microseconds(100);
// A worker late by more than this (beyond twice the caller's own share)
// was preempted for a time slice, not delayed by an interrupt: the caller
// then runs jobs alone for kAlone, twice as long after each late job in a
// row up to 64 times (Run).
constexpr auto kLate = std::chrono::microseconds(500);
constexpr auto kAlone = std::chrono::milliseconds(2);

// Polling starts with pause instructions, which keep the core and answer
// within a fraction of a microsecond, for this long (the gap between two
// kernels); then it yields the core at each step, so that a thread it waits
// for runs if the two share a core (the other one busy with other work).
constexpr auto kPauseSpin = std::chrono::microseconds(20);

inline void Pause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

// Polls done() until it holds or `spin` has passed; returns done().
template <typename Done>
bool SpinUntil(std::chrono::microseconds spin, Done done) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    for (int i = 0; i < 64; ++i) {  // the clock is read every 64 pauses (a few microseconds)
      if (done()) return true;
      Pause();
    }
    if (std::chrono::steady_clock::now() - start >= std::min(spin, kPauseSpin)) break;
  }
  while (std::chrono::steady_clock::now() - start < spin) {
    if (done()) return true;
    std::this_thread::yield();
  }
  return done();
}

}  // namespace

ThreadPool::ThreadPool(int threads) : shares_(std::make_unique<Share[]>(static_cast<size_t>(std::max(threads, 1)))) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { WorkerLoop(i); });
}

ThreadPool::~ThreadPool() {
  generation_.store(kStop);
  if (sleeping_workers_.load() > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::Work(int slot) {
  const bool outer = !t_in_task;
  t_in_task = true;
  const int threads = this->threads();
  for (int k = 0; k < threads; ++k) {
    Share& share = shares_[static_cast<size_t>((slot + k) % threads)];
    for (;;) {
      const int i = share.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= share.end) break;
      fn_(context_, i);
      if (unfinished_.fetch_sub(1) == 1 && caller_sleeping_.load()) {
        // The caller sets caller_sleeping_ under the lock before it checks
        // unfinished_: taking the lock here waits until it is inside wait().
        std::lock_guard<std::mutex> lock(mutex_);
        done_.notify_one();
      }
    }
  }
  if (outer) t_in_task = false;
}

void ThreadPool::WaitForTasks() {
  if (SpinUntil(kCallerSpin, [this] { return unfinished_.load(std::memory_order_acquire) == 0; })) return;
  std::unique_lock<std::mutex> lock(mutex_);
  caller_sleeping_.store(true);
  done_.wait(lock, [this] { return unfinished_.load() == 0; });
  caller_sleeping_.store(false);
}

void ThreadPool::Run(int count, TaskFn fn, void* context) {
  if (count <= 0) return;
  const auto start = std::chrono::steady_clock::now();
  if (workers_.empty() || t_in_task || start < alone_until_) {
    for (int i = 0; i < count; ++i) fn(context, i);
    return;
  }
  // The previous job is closed and every task of it returned; wait for
  // workers that counted themselves into it to leave before rewriting it
  // (a moment, unless one was preempted there).
  while (inside_.load() != 0) SpinUntil(kCallerSpin, [this] { return inside_.load() == 0; });
  fn_ = fn;
  context_ = context;
  const int threads = this->threads();
  for (int t = 0; t < threads; ++t) {
    Share& share = shares_[static_cast<size_t>(t)];
    share.next.store(static_cast<int>(static_cast<int64_t>(count) * t / threads), std::memory_order_relaxed);
    share.end = static_cast<int>(static_cast<int64_t>(count) * (t + 1) / threads);
  }
  unfinished_.store(count, std::memory_order_relaxed);
  open_.store(true);
  generation_.fetch_add(1);
  if (sleeping_workers_.load() > 0) {
    // A worker counts itself asleep under the lock before it checks the
    // generation: with the lock taken once here, it either saw the new
    // generation or is inside wait() and gets the notification.
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  Work(0);
  const auto own_done = std::chrono::steady_clock::now();
  WaitForTasks();
  open_.store(false);
  // A worker that kept the last task far longer than the caller took for its
  // own share was preempted (other processes want the cores): the next jobs
  // run on the caller alone for a while, at one thread's speed, instead of
  // waiting on it at every kernel; longer while it stays so.
  const auto end = std::chrono::steady_clock::now();
  if (end - own_done > 2 * (own_done - start) + kLate) {
    alone_until_ = end + kAlone * (1 << std::min(late_in_a_row_, 6));
    ++late_in_a_row_;
  } else {
    late_in_a_row_ = 0;
  }
}

void ThreadPool::WorkerLoop(int slot) {
  uint64_t seen = 0;
  for (;;) {
    if (!SpinUntil(kWorkerSpin, [&] { return generation_.load(std::memory_order_relaxed) != seen; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      sleeping_workers_.fetch_add(1);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      sleeping_workers_.fetch_sub(1);
    }
    seen = generation_.load();
    if (seen == kStop) return;
    // Counted in before looking at open_ (both sequentially consistent): the
    // caller, which closes the job before it waits for inside_ to be 0, then
    // either sees this worker inside or this worker sees the job closed.
    inside_.fetch_add(1);
    if (open_.load()) Work(slot);
    inside_.fetch_sub(1);
  }
}

}  // namespace tfldbg
