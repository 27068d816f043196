// The fast kernels on AVX2 + FMA (see isa_avx256.inc): 8-bit products exact
// through 16-bit multiply-adds (the weights packed as int16 pairs).
#define TFLDBG_ISA_VNNI 0
#include "kernels/fast/isa_avx256.inc"

namespace tfldbg::fast {
namespace {
const IsaKernels kAvx2 = {CpuPath::kAvx2, Int8Layout::kPair, Int8Gemm, Int8Depthwise, FloatGemm, FloatDepthwise, Int8Add,
                          Int8DepthwisePairsRows, /*fp32_stage=*/true, /*float_runs=*/true};
}  // namespace
const IsaKernels* Avx2Kernels() { return &kAvx2; }
const HybridKernels* Avx2HybridKernels() { return &kHybrid; }
}  // namespace tfldbg::fast
