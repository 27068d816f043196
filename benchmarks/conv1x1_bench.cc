// The 1x1 convolution microbenchmark (Google Benchmark): the fast int8 GEMM
// that CONV_2D 1x1 and FULLY_CONNECTED run on, per CPU path and shape, in
// GMAC/s (counter "GMAC/s", processor time), next to the measured int8 peak
// of one core (vpdpbusd back to back, "VnniPeak"). Printed figures, not a test.
//
//   build/release/benchmarks/conv1x1_bench [--benchmark_filter=avx512vnni]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "kernels/fast/gemm.h"
#include "quant/fixed_point.h"

namespace tfldbg::bench {
int64_t VnniPeakLoop(int64_t iterations, int32_t* sink);
}

namespace {

using tfldbg::CpuPath;
using tfldbg::DataType;

// pixels × in_channels × out_channels: MobileNetV2's 1x1 layers and a square one.
struct Shape {
  int pixels, k, n;
};
constexpr Shape kShapes[] = {{56 * 56, 24, 144}, {28 * 28, 192, 32}, {14 * 14, 384, 64}, {7 * 7, 960, 320},
                             {56 * 56, 256, 256}, {28 * 28, 512, 512}};

// As CONV_2D's 1x1 im2col: each int8 input row to unsigned bytes (rows are `stride` bytes here).
void PackCopy(const void* context, int64_t r0, int count, uint8_t* tile, int64_t stride) {
  const auto& input = *static_cast<const std::vector<uint8_t>*>(context);
  for (int r = 0; r < count; ++r) {
    const uint8_t* src = input.data() + (r0 + r) * stride;
    for (int64_t i = 0; i < stride; ++i) tile[r * stride + i] = src[i] ^ 0x80;
  }
}

void Conv1x1(benchmark::State& state, CpuPath path, Shape s) {
  if (!tfldbg::CpuRuns(path)) {
    state.SkipWithError("this CPU does not run the path");
    return;
  }
  std::mt19937 rng(1);
  std::vector<int8_t> weights(static_cast<size_t>(s.n) * s.k);
  for (auto& w : weights) w = static_cast<int8_t>(rng());
  std::vector<int32_t> bias(static_cast<size_t>(s.n));
  for (auto& b : bias) b = static_cast<int32_t>(rng() % 20000) - 10000;
  tfldbg::math::ChannelRequant q;
  q.input_offset = 3;
  q.output_offset = -5;
  q.clamp = {-128, 127};
  for (int c = 0; c < s.n; ++c) q.multipliers.push_back(tfldbg::quant::QuantizeMultiplier(0.0007 + 1e-6 * c));
  tfldbg::fast::PackedInt8Gemm gemm;
  if (!gemm.Pack(tfldbg::fast::IsaKernelsFor(path), DataType::kInt8, weights.data(), s.n, s.k, bias.data(), q)) {
    state.SkipWithError("not packed");
    return;
  }
  // Input rows padded to the layout's step so that PackCopy can copy whole rows.
  const int64_t k_pad = (s.k + 3) / 4 * 4;
  std::vector<uint8_t> input(static_cast<size_t>(s.pixels * k_pad));
  for (auto& x : input) x = static_cast<uint8_t>(rng());
  std::vector<uint8_t> out(static_cast<size_t>(s.pixels) * s.n);
  for (auto _ : state) {
    gemm.Run(s.pixels, PackCopy, &input, out.data(), s.n, nullptr);
    benchmark::DoNotOptimize(out.data());
  }
  const double macs = static_cast<double>(s.pixels) * s.k * s.n;
  state.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void VnniPeak(benchmark::State& state) {
  if (!tfldbg::CpuRuns(CpuPath::kAvx512Vnni)) {
    state.SkipWithError("no AVX-512 VNNI");
    return;
  }
  int32_t sink = 0;
  int64_t macs = 0;
  for (auto _ : state) macs = tfldbg::bench::VnniPeakLoop(1 << 16, &sink);
  benchmark::DoNotOptimize(sink);
  state.counters["GMAC/s"] = benchmark::Counter(static_cast<double>(macs) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

int Register() {
  benchmark::RegisterBenchmark("VnniPeak", VnniPeak);
  for (CpuPath path : {CpuPath::kAvx512Vnni, CpuPath::kAvxVnni, CpuPath::kAvx2, CpuPath::kPortable}) {
    for (const Shape& s : kShapes) {
      const std::string name = std::string("Conv1x1/") + tfldbg::CpuPathName(path) + "/" + std::to_string(s.pixels) + "x" +
                               std::to_string(s.k) + "x" + std::to_string(s.n);
      benchmark::RegisterBenchmark(name.c_str(), Conv1x1, path, s);
    }
  }
  return 0;
}
const int registered = Register();

}  // namespace

BENCHMARK_MAIN();
