// Which implementation of the integer and float kernels runs, and on which
// instruction set: the scalar reference kernels (the definition of every
// result), or the fast kernels built for one instruction set, which give the
// same integer results bit for bit (tests hold them to it, path by path).
//
//   Result<CpuPath> path = ResolveCpuPath(CpuPath::kAuto);  // TFLDBG_CPU, else the best this CPU runs
//   if (path.ok() && path.value() != CpuPath::kScalar) ...pack weights for the fast kernels...
//   std::printf("%s\n", CpuPathName(path.value()));         // "avx512vnni"
#pragma once

#include <optional>
#include <string>

#include "tfldbg/status.h"

namespace tfldbg {

// Ordered from the plainest to the widest; a CPU that runs one path runs
// every path before it (but kScalar and kPortable run everywhere).
enum class CpuPath {
  kAuto,        // TFLDBG_CPU when set, else the widest path this CPU runs
  kScalar,      // the reference kernels as written (kernels/*/..._math.h)
  kPortable,    // the fast kernels' packing, blocking and threads in plain C++
  kAvx2,        // AVX2 + FMA: 16-bit multiply-adds (vpmaddwd), 8-wide floats
  kAvxVnni,     // AVX2 + AVX-VNNI: 8-bit dot products (vpdpbusd) on 256 bits
  kAvx512Vnni,  // AVX-512 (F, BW, DQ, VL) + VNNI: vpdpbusd on 512 bits, 16-wide floats
};

// "auto", "scalar", "portable", "avx2", "avxvnni", "avx512vnni".
const char* CpuPathName(CpuPath path);
// The names above (case-sensitive); nullopt for anything else.
std::optional<CpuPath> ParseCpuPath(const std::string& name);
// "scalar|portable|avx2|avxvnni|avx512vnni" for help texts and errors.
const char* CpuPathNames();

// Whether this CPU (and the operating system, for the wider registers) runs the path.
bool CpuRuns(CpuPath path);
// The widest path this CPU runs.
CpuPath BestCpuPath();
// kAuto becomes TFLDBG_CPU (when set) or BestCpuPath(); a path the CPU does
// not run, or an unknown TFLDBG_CPU, is an error naming it.
Result<CpuPath> ResolveCpuPath(CpuPath requested);

}  // namespace tfldbg
