#include "cpu/cpu.h"

#include <cstdlib>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

namespace tfldbg {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
namespace {

// AVX-VNNI: CPUID leaf 7, sub-leaf 1, EAX bit 4. Read directly because clang
// before 15 does not know "avxvnni" in __builtin_cpu_supports (the fuzz build
// uses clang 14); the caller has checked AVX2, so the OS saves the YMM registers.
bool HasAvxVnni() {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) return false;
  return (eax >> 4) & 1u;
}

}  // namespace
#endif

const char* CpuPathName(CpuPath path) {
  switch (path) {
    case CpuPath::kAuto: return "auto";
    case CpuPath::kScalar: return "scalar";
    case CpuPath::kPortable: return "portable";
    case CpuPath::kAvx2: return "avx2";
    case CpuPath::kAvxVnni: return "avxvnni";
    case CpuPath::kAvx512Vnni: return "avx512vnni";
  }
  return "?";
}

const char* CpuPathNames() { return "scalar|portable|avx2|avxvnni|avx512vnni"; }

std::optional<CpuPath> ParseCpuPath(const std::string& name) {
  for (CpuPath p : {CpuPath::kAuto, CpuPath::kScalar, CpuPath::kPortable, CpuPath::kAvx2, CpuPath::kAvxVnni,
                    CpuPath::kAvx512Vnni}) {
    if (name == CpuPathName(p)) return p;
  }
  return std::nullopt;
}

bool CpuRuns(CpuPath path) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  // __builtin_cpu_supports also checks that the operating system saves the
  // wider registers (XGETBV), so a "yes" is safe to act on.
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  switch (path) {
    case CpuPath::kAuto:
    case CpuPath::kScalar:
    case CpuPath::kPortable:
      return true;
    case CpuPath::kAvx2:
      return avx2;
    case CpuPath::kAvxVnni:
      return avx2 && HasAvxVnni();
    case CpuPath::kAvx512Vnni:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512vnni") && avx2;
  }
  return false;
#else
  return path == CpuPath::kAuto || path == CpuPath::kScalar || path == CpuPath::kPortable;
#endif
}

CpuPath BestCpuPath() {
  static const CpuPath best = [] {
    for (CpuPath p : {CpuPath::kAvx512Vnni, CpuPath::kAvxVnni, CpuPath::kAvx2}) {
      if (CpuRuns(p)) return p;
    }
    return CpuPath::kPortable;
  }();
  return best;
}

Result<CpuPath> ResolveCpuPath(CpuPath requested) {
  CpuPath path = requested;
  if (path == CpuPath::kAuto) {
    const char* env = std::getenv("TFLDBG_CPU");
    if (env == nullptr || *env == '\0') return BestCpuPath();
    const std::optional<CpuPath> parsed = ParseCpuPath(env);
    if (!parsed) return InvalidArgument(std::string("TFLDBG_CPU='") + env + "': expected auto|" + CpuPathNames());
    if (*parsed == CpuPath::kAuto) return BestCpuPath();
    path = *parsed;
  }
  if (!CpuRuns(path)) return Unsupported(std::string("this CPU cannot run the ") + CpuPathName(path) + " kernels");
  return path;
}

}  // namespace tfldbg
