// The int8 multiply-accumulate peak of one core, measured: independent chains
// of vpdpbusd (AVX-512 VNNI, 64 MACs each), long enough to hide the latency.
// Compiled with AVX-512 VNNI enabled; call only when the CPU runs it.
#include <immintrin.h>

#include <cstdint>

namespace tfldbg::bench {

int64_t VnniPeakLoop(int64_t iterations, int32_t* sink) {
  __m512i acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = _mm512_set1_epi32(i);
  const __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x05060708);
  for (int64_t it = 0; it < iterations; ++it) {
    for (int i = 0; i < 16; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]), "+v"(acc[4]), "+v"(acc[5]),
                     "+v"(acc[6]), "+v"(acc[7]));
  }
  __m512i total = acc[0];
  for (int i = 1; i < 16; ++i) total = _mm512_add_epi32(total, acc[i]);
  alignas(64) int32_t lanes[16];
  _mm512_store_si512(lanes, total);
  int32_t sum = 0;
  for (int32_t v : lanes) sum += v;
  *sink = sum;
  return iterations * 16 * 64;  // multiply-accumulates done
}

}  // namespace tfldbg::bench
