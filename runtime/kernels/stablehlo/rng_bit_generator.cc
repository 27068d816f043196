// STABLEHLO_RNG_BIT_GENERATOR, as LiteRT computes it: the initial state (a
// uint64 vector) read as 32-bit words is a key (words 0, 1) and a counter;
// each block of the counter-based generator fills the next 32-bit words of
// the output (int32, uint32, int64 or uint64, its static shape; 64-bit
// elements take two words, low first), then the counter's low 64 bits
// (words 0 and 1 of it) step by one. The output state is the key and that
// counter (a third uint64 of a PHILOX state is kept).
//   THREEFRY  Threefry2x32, 20 rounds; state u64[2]: counter words 2, 3.
//   PHILOX, DEFAULT  Philox4x32, 10 rounds; state u64[2]: counter words 2, 3,
//             0, 1; u64[3]: words 2, 3, 4, 5.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInitialState = 0;
constexpr int kOutputState = 0;
constexpr int kOutput = 1;

uint32_t RotateLeft(uint32_t x, int bits) { return (x << bits) | (x >> (32 - bits)); }

std::array<uint32_t, 2> Threefry2x32(uint32_t key0, uint32_t key1, std::array<uint32_t, 2> ctr) {
  constexpr int kRotations[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const uint32_t key2 = key0 ^ key1 ^ 0x1BD11BDAu;
  ctr[0] += key0;
  ctr[1] += key1;
  auto round = [&](int r, uint32_t ks0, uint32_t ks1, uint32_t b) {
    for (int rot : kRotations[r]) {
      ctr[0] += ctr[1];
      ctr[1] = RotateLeft(ctr[1], rot) ^ ctr[0];
    }
    ctr[0] += ks0;
    ctr[1] += ks1 + b;
  };
  round(0, key1, key2, 1);
  round(1, key2, key0, 2);
  round(0, key0, key1, 3);
  round(1, key1, key2, 4);
  round(0, key2, key0, 5);
  return ctr;
}

std::array<uint32_t, 4> Philox4x32(uint32_t key0, uint32_t key1, std::array<uint32_t, 4> ctr) {
  for (int i = 0; i < 10; ++i) {
    const uint64_t p0 = uint64_t{0xD2511F53u} * ctr[0];
    const uint64_t p1 = uint64_t{0xCD9E8D57u} * ctr[2];
    ctr = {static_cast<uint32_t>(p1 >> 32) ^ ctr[1] ^ key0, static_cast<uint32_t>(p1),
           static_cast<uint32_t>(p0 >> 32) ^ ctr[3] ^ key1, static_cast<uint32_t>(p0)};
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
  return ctr;
}

template <size_t K, typename Fn>
void Fill(uint32_t* out, int64_t words, uint32_t* state, uint32_t key0, uint32_t key1, std::array<uint32_t, K> ctr,
          Fn fn) {
  for (int64_t i = 0; i < words;) {
    const std::array<uint32_t, K> block = fn(key0, key1, ctr);
    const int64_t n = std::min<int64_t>(static_cast<int64_t>(K), words - i);
    std::memcpy(out + i, block.data(), static_cast<size_t>(n) * sizeof(uint32_t));
    i += n;
    if (++ctr[0] == 0) ++ctr[1];
  }
  state[0] = key0;
  state[1] = key1;
  state[2] = ctr[0];
  state[3] = ctr[1];
}

class RngBitGeneratorKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 2));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInitialState, "initial state"));
    const Tensor& state = *node.input(kInitialState);
    Tensor& out_state = *node.output(kOutputState);
    Tensor& out = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, state, "initial state", {DataType::kUInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, out_state, "output state", {DataType::kUInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, out, "output",
                                     {DataType::kInt32, DataType::kInt64, DataType::kUInt32, DataType::kUInt64}));
    const auto* o = node.op->builtin_options_2_as<tflite::StablehloRngBitGeneratorOptions>();
    algorithm_ = o == nullptr ? tflite::RngAlgorithm::DEFAULT : o->algorithm();
    const int64_t size = state.shape.size() == 1 ? state.shape[0] : -1;
    if (algorithm_ == tflite::RngAlgorithm::THREEFRY) {
      if (size != 2) return node.InvalidModelError("a THREEFRY state must be uint64[2], got " + ShapeToString(state.shape));
    } else if (algorithm_ == tflite::RngAlgorithm::PHILOX || algorithm_ == tflite::RngAlgorithm::DEFAULT) {
      if (size != 2 && size != 3) {
        return node.InvalidModelError("a PHILOX state must be uint64[2] or uint64[3], got " + ShapeToString(state.shape));
      }
    } else {
      return node.InvalidModelError("unknown RNG algorithm " + std::to_string(static_cast<int>(algorithm_)));
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out_state, state.shape));
    return SetOutputShape(node, out, out.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& state = *node.input(kInitialState);
    Tensor& out_state = *node.output(kOutputState);
    Tensor& out = *node.output(kOutput);
    const int64_t words = out.element_count() * static_cast<int64_t>(ElementBytes(out.type) / sizeof(uint32_t));
    uint32_t s[6] = {};
    std::memcpy(s, state.bytes, state.byte_size);
    std::memcpy(out_state.bytes, state.bytes, state.byte_size);
    uint32_t next[4];
    if (algorithm_ == tflite::RngAlgorithm::THREEFRY) {
      Fill<2>(reinterpret_cast<uint32_t*>(out.bytes), words, next, s[0], s[1], {s[2], s[3]}, Threefry2x32);
    } else {
      const bool three = state.shape[0] == 3;
      Fill<4>(reinterpret_cast<uint32_t*>(out.bytes), words, next, s[0], s[1],
              {s[2], s[3], three ? s[4] : s[0], three ? s[5] : s[1]}, Philox4x32);
    }
    std::memcpy(out_state.bytes, next, sizeof(next));
    return Status::Ok();
  }

 private:
  tflite::RngAlgorithm algorithm_ = tflite::RngAlgorithm::DEFAULT;
};

}  // namespace

std::unique_ptr<Kernel> CreateStablehloRngBitGeneratorKernel() { return std::make_unique<RngBitGeneratorKernel>(); }

}  // namespace tfldbg
