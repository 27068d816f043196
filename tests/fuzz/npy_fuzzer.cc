// libFuzzer target: any byte string as a .npy input file (ParseNpy, and the
// header alone as NpyFile::Open reads it). Each input must end in an array
// whose data is exactly what its header says, or in one printable line
// naming the file; a crash, hang, leak or sanitizer report is a bug.
// A parsed array must also survive a round trip through NpyHeader.
// Commands and seeds: docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_limits.h"
#include "io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The header as NpyFile::Open sees it: its first bytes, for a file whose
  // size may be anything (a sparse file, a lying header).
  const uint64_t claimed_size = size < 8 ? size : size + (static_cast<uint64_t>(data[size - 1]) << 30);
  auto header = tfldbg::ParseNpyHeader(data, size, claimed_size, "fuzz.npy");
  if (!header.ok() && !tfldbg::fuzz::IsOnePrintableLine(header.status().message())) std::abort();

  auto array = tfldbg::ParseNpy(data, size, "fuzz.npy");
  if (!array.ok()) {
    if (!tfldbg::fuzz::IsOnePrintableLine(array.status().message())) std::abort();
    if (array.status().message().rfind("fuzz.npy: ", 0) != 0) std::abort();  // names the file
    return 0;
  }
  const uint64_t element_bytes = static_cast<uint64_t>(tfldbg::DataTypeBits(array->type) / 8);
  uint64_t elements = 1;
  for (int32_t d : array->shape) {
    if (d < 0) std::abort();
    elements *= static_cast<uint64_t>(d);
  }
  if (elements * element_bytes != array->data.size()) std::abort();
  // What we read, we can write back, and read again unchanged.
  auto written = tfldbg::NpyHeader(array->type, array->shape);
  if (!written.ok()) std::abort();
  std::string copy = written.value();
  copy.append(reinterpret_cast<const char*>(array->data.data()), array->data.size());
  auto again = tfldbg::ParseNpy(reinterpret_cast<const uint8_t*>(copy.data()), copy.size(), "copy.npy");
  if (!again.ok() || again->type != array->type || again->shape != array->shape || again->data != array->data) {
    std::abort();
  }
  return 0;
}
