// The fast kernels on AVX2 + FMA + AVX-VNNI (see isa_avx256.inc): 8-bit dot
// products with the 256-bit vpdpbusd.
#define TFLDBG_ISA_VNNI 1
#include "kernels/fast/isa_avx256.inc"

namespace tfldbg::fast {
namespace {
const IsaKernels kAvxVnni = {CpuPath::kAvxVnni, Int8Layout::kQuad, Int8Gemm, Int8Depthwise, FloatGemm, FloatDepthwise, Int8Add,
                             Int8DepthwisePairsRows, /*fp32_stage=*/true, /*float_runs=*/true};
}  // namespace
const IsaKernels* AvxVnniKernels() { return &kAvxVnni; }
const HybridKernels* AvxVnniHybridKernels() { return &kHybrid; }
}  // namespace tfldbg::fast
