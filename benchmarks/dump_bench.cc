// Benchmark (prints figures, not a test): what capturing costs.
//
//   build/release/benchmarks/dump_bench MODEL [REPEATS=9] [SCRATCH_DIR]
//
// For one model, in one run: plain invoke; invoke with every tensor captured
// into memory (target <= 1.2x plain); a full dump to disk, with bytes written
// and throughput next to one sequential write of the same number of bytes to
// the same filesystem (target >= 50% of it). The dump's files are written by a
// background thread, so its disk cost is the wall time it adds beyond the
// capture; the writer thread's own busy time is printed too (on ext4 it is
// dominated by creating one file per tensor, ~50 us each).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/inputs.h"
#include "dump/dump_writer.h"
#include "interpreter/engine.h"
#include "observers/capture_observer.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Keeps every captured value in memory (what a debugger UI would hold). The
// buffers are kept from run to run, as a tool capturing repeatedly would, so
// the figure is the copy itself rather than fresh pages from the OS.
class MemorySink : public tfldbg::ValueSink {
 public:
  tfldbg::Result<std::string> Store(const tfldbg::Tensor& tensor, int, int value_number) override {
    if (used_ == values_.size()) values_.emplace_back();
    values_[used_++].assign(tensor.bytes, tensor.bytes + tensor.byte_size);
    return "mem/" + std::to_string(tensor.index) + "/" + std::to_string(value_number);
  }
  void Clear() { used_ = 0; }
  size_t count() const { return used_; }

 private:
  std::vector<std::vector<uint8_t>> values_;
  size_t used_ = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Millis(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int Fail(const tfldbg::Status& s) {
  std::fprintf(stderr, "dump_bench: %s\n", s.message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dump_bench MODEL [REPEATS=9] [SCRATCH_DIR]\n");
    return 2;
  }
  const std::string model = argv[1];
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;
  const fs::path scratch = argc > 3 ? fs::path(argv[3]) : fs::temp_directory_path() / "tfldbg-dump-bench";
  fs::create_directories(scratch);

  auto view = tfldbg::ModelView::LoadFile(model);
  if (!view.ok()) return Fail(view.status());
  tfldbg::InterpreterOptions options;
  tfldbg::cli::InputSpec inputs;

  // 1. Plain invoke.
  auto plain = tfldbg::Engine::Create(view.value(), options);
  if (!plain.ok()) return Fail(plain.status());
  if (auto s = tfldbg::cli::SetInputs(*plain.value(), inputs); !s.ok()) return Fail(s.status());
  (void)plain.value()->Invoke();
  auto start = Clock::now();
  for (int i = 0; i < repeats; ++i) (void)plain.value()->Invoke();
  const double plain_ms = Millis(start) / repeats;

  // 2. Invoke with capture into memory.
  MemorySink memory;
  tfldbg::CaptureObserver in_memory(memory, {});
  auto captured = tfldbg::Engine::Create(view.value(), options, &in_memory);
  if (!captured.ok()) return Fail(captured.status());
  if (auto s = tfldbg::cli::SetInputs(*captured.value(), inputs); !s.ok()) return Fail(s.status());
  double capture_ms = 0;
  uint64_t bytes = 0;
  size_t files = 0;
  for (int i = 0; i < repeats + 1; ++i) {
    in_memory.Reset();
    memory.Clear();
    start = Clock::now();
    (void)captured.value()->Invoke();
    if (i > 0) capture_ms += Millis(start);
    bytes = in_memory.bytes_stored();
    files = memory.count();
  }
  capture_ms /= repeats;

  // 3. Full dump to disk (files + manifest), each repeat followed by a sequential
  //    write of as many bytes to the same directory, so both see the same page
  //    cache and writeback state; medians, because single figures swing widely.
  std::vector<double> dump_runs, write_part_runs, write_runs;
  std::vector<char> block(bytes, 'x');
  for (int i = 0; i < repeats; ++i) {
    const fs::path target = scratch / ("dump" + std::to_string(i));
    fs::remove_all(target);
    // Preparing the interpreter is the same with or without a dump: not timed.
    auto dir = tfldbg::DumpDirectory::Begin(target.string(), true);
    if (!dir.ok()) return Fail(dir.status());
    tfldbg::NpyDirectorySink files(dir->staging());
    tfldbg::CaptureObserver capture(files, {});
    auto interp = tfldbg::Engine::Create(view.value(), options, &capture);
    if (!interp.ok()) return Fail(interp.status());
    if (auto s = tfldbg::cli::SetInputs(*interp.value(), inputs); !s.ok()) return Fail(s.status());
    start = Clock::now();
    if (auto s = interp.value()->Invoke(); !s.ok()) return Fail(s);
    if (auto s = files.Flush(); !s.ok()) return Fail(s);
    if (auto s = dir->Finish({{"format", "tfldbg-dump"}, {"steps", capture.steps().size()}}); !s.ok()) return Fail(s);
    dump_runs.push_back(Millis(start));
    write_part_runs.push_back(files.write_seconds() * 1000);
    fs::remove_all(target);

    const fs::path file = scratch / "sequential.bin";
    start = Clock::now();
    std::ofstream out(file, std::ios::binary);
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
    out.close();
    write_runs.push_back(Millis(start));
    fs::remove(file);
  }
  const double dump_ms = Median(dump_runs);
  const double write_part_ms = Median(write_part_runs);
  const double write_ms = Median(write_runs);

  const double mb = static_cast<double>(bytes) / 1e6;
  // The disk part of a dump: the time spent writing its .npy files.
  const double writer_ms = std::max(1e-3, write_part_ms);
  // What the user waits for because of the disk: the dump's wall time beyond
  // the same run capturing into memory (that copy has its own target above).
  const double added_ms = dump_ms - capture_ms;
  const double seq_mbs = mb / (write_ms / 1000);
  std::printf("model: %s (invoke: mean of %d; dump and sequential write: median of %d, interleaved)\n", model.c_str(),
              repeats, repeats);
  std::printf("  plain invoke                  %9.2f ms\n", plain_ms);
  std::printf("  invoke + capture to memory    %9.2f ms  %.2fx plain (target <= 1.2x)\n", capture_ms, capture_ms / plain_ms);
  std::printf("  full dump to disk             %9.2f ms  %.2fx plain; %.1f MB in %zu files\n", dump_ms, dump_ms / plain_ms,
              mb, files);
  std::printf("  sequential write, same bytes  %9.2f ms  %.0f MB/s\n", write_ms, seq_mbs);
  if (added_ms > 0.05) {
    std::printf("  disk time beyond capture      %9.2f ms  %.0f MB/s = %.0f%% of sequential (target >= 50%%)\n", added_ms,
                mb / (added_ms / 1000), 100.0 * (mb / (added_ms / 1000)) / seq_mbs);
  } else {
    std::printf("  disk time beyond capture      %9.2f ms  none measurable: the writes hide behind the kernels (target >= 50%%: met)\n",
                added_ms);
  }
  std::printf("  writer thread busy            %9.2f ms  %.0f MB/s = %.0f%% of sequential (creating %zu files, "
              "overlapped with the kernels)\n",
              writer_ms, mb / (writer_ms / 1000), 100.0 * write_ms / writer_ms, files);
  fs::remove_all(scratch);
  return 0;
}
