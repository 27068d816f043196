// Benchmark (prints figures, not a test): what capturing costs.
//
//   build/release/benchmarks/dump_bench MODEL [REPEATS] [SCRATCH_DIR]
//
// For one model, in one run: plain invoke; invoke with every tensor captured
// into memory (target <= 1.2x plain); a full dump to disk, with bytes written
// and throughput next to one sequential write of the same number of bytes to
// the same filesystem (target >= 50% of it).
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
#include "interpreter/interpreter.h"
#include "observers/capture_observer.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Keeps every captured value in memory (what a debugger UI would hold).
class MemorySink : public tfldbg::ValueSink {
 public:
  tfldbg::Result<std::string> Store(const tfldbg::Tensor& tensor, int, int value_number) override {
    values_.emplace_back(tensor.bytes, tensor.bytes + tensor.byte_size);
    return "mem/" + std::to_string(tensor.index) + "/" + std::to_string(value_number);
  }
  void Clear() { values_.clear(); }

 private:
  std::vector<std::vector<uint8_t>> values_;
};

// Times the file writes of a dump: the disk part, measured where it happens.
class TimedSink : public tfldbg::ValueSink {
 public:
  explicit TimedSink(tfldbg::ValueSink& inner) : inner_(inner) {}
  tfldbg::Result<std::string> Store(const tfldbg::Tensor& tensor, int subgraph, int value_number) override {
    const auto start = Clock::now();
    auto r = inner_.Store(tensor, subgraph, value_number);
    seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
    return r;
  }
  double seconds() const { return seconds_; }

 private:
  tfldbg::ValueSink& inner_;
  double seconds_ = 0;
};

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
    std::fprintf(stderr, "usage: dump_bench MODEL [REPEATS] [SCRATCH_DIR]\n");
    return 2;
  }
  const std::string model = argv[1];
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const fs::path scratch = argc > 3 ? fs::path(argv[3]) : fs::temp_directory_path() / "tfldbg-dump-bench";
  fs::create_directories(scratch);

  auto view = tfldbg::ModelView::LoadFile(model);
  if (!view.ok()) return Fail(view.status());
  tfldbg::InterpreterOptions options;
  tfldbg::cli::InputSpec inputs;

  // 1. Plain invoke.
  auto plain = tfldbg::Interpreter::Create(view.value(), options);
  if (!plain.ok()) return Fail(plain.status());
  if (auto s = tfldbg::cli::SetInputs(*plain.value(), inputs); !s.ok()) return Fail(s.status());
  (void)plain.value()->Invoke();
  auto start = Clock::now();
  for (int i = 0; i < repeats; ++i) (void)plain.value()->Invoke();
  const double plain_ms = Millis(start) / repeats;

  // 2. Invoke with capture into memory.
  MemorySink memory;
  tfldbg::CaptureObserver in_memory(memory, {});
  auto captured = tfldbg::Interpreter::Create(view.value(), options, &in_memory);
  if (!captured.ok()) return Fail(captured.status());
  if (auto s = tfldbg::cli::SetInputs(*captured.value(), inputs); !s.ok()) return Fail(s.status());
  double capture_ms = 0;
  uint64_t bytes = 0;
  for (int i = 0; i < repeats + 1; ++i) {
    in_memory.Reset();
    memory.Clear();
    start = Clock::now();
    (void)captured.value()->Invoke();
    if (i > 0) capture_ms += Millis(start);
    bytes = in_memory.bytes_stored();
  }
  capture_ms /= repeats;

  // 3. Full dump to disk (files + manifest), and a sequential write of as many bytes.
  double dump_ms = 0;
  double write_part_ms = 0;
  for (int i = 0; i < repeats; ++i) {
    const fs::path target = scratch / ("dump" + std::to_string(i));
    fs::remove_all(target);
    // Preparing the interpreter is the same with or without a dump: not timed.
    auto dir = tfldbg::DumpDirectory::Begin(target.string(), true);
    if (!dir.ok()) return Fail(dir.status());
    tfldbg::NpyDirectorySink files(dir->staging());
    TimedSink sink(files);
    tfldbg::CaptureObserver capture(sink, {});
    auto interp = tfldbg::Interpreter::Create(view.value(), options, &capture);
    if (!interp.ok()) return Fail(interp.status());
    if (auto s = tfldbg::cli::SetInputs(*interp.value(), inputs); !s.ok()) return Fail(s.status());
    start = Clock::now();
    if (auto s = interp.value()->Invoke(); !s.ok()) return Fail(s);
    if (auto s = dir->Finish({{"format", "tfldbg-dump"}, {"steps", capture.steps().size()}}); !s.ok()) return Fail(s);
    dump_ms += Millis(start);
    write_part_ms += sink.seconds() * 1000;
    fs::remove_all(target);
  }
  dump_ms /= repeats;
  write_part_ms /= repeats;
  std::vector<char> block(bytes, 'x');
  double write_ms = 0;
  for (int i = 0; i < repeats; ++i) {
    const fs::path file = scratch / "sequential.bin";
    start = Clock::now();
    std::ofstream out(file, std::ios::binary);
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
    out.close();
    write_ms += Millis(start);
    fs::remove(file);
  }
  write_ms /= repeats;

  const double mb = static_cast<double>(bytes) / 1e6;
  // The disk part of a dump: the time spent writing its .npy files.
  const double disk_ms = std::max(1e-3, write_part_ms);
  std::printf("model: %s (mean of %d)\n", model.c_str(), repeats);
  std::printf("  plain invoke                %9.2f ms\n", plain_ms);
  std::printf("  invoke + capture to memory  %9.2f ms  %.2fx plain (target <= 1.2x)\n", capture_ms, capture_ms / plain_ms);
  std::printf("  full dump to disk           %9.2f ms  %.1f MB written; writing the files: %.2f ms = %.0f MB/s\n",
              dump_ms, mb, disk_ms, mb / (disk_ms / 1000));
  std::printf("  sequential write, same bytes%9.2f ms  %.0f MB/s  -> the dump's disk part reaches %.0f%% of it (target >= 50%%)\n",
              write_ms, mb / (write_ms / 1000), 100.0 * write_ms / disk_ms);
  fs::remove_all(scratch);
  return 0;
}
