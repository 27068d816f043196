// The fast CPU paths (cpu/cpu.h) this machine runs, narrowest first: what a
// test compares with the scalar kernels.
//
//   for (CpuPath p : tfldbg::testing::FastCpuPathsHere()) { ... IsaKernelsFor(p) ... }
#pragma once

#include <vector>

#include "cpu/cpu.h"

namespace tfldbg::testing {

inline std::vector<CpuPath> FastCpuPathsHere() {
  std::vector<CpuPath> out;
  for (CpuPath p : {CpuPath::kPortable, CpuPath::kAvx2, CpuPath::kAvxVnni, CpuPath::kAvx512Vnni}) {
    if (CpuRuns(p)) out.push_back(p);
  }
  return out;
}

}  // namespace tfldbg::testing
