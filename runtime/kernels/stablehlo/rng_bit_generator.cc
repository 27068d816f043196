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
#include "kernels/stablehlo/rng_bit_generator_math.h"

namespace tfldbg {
namespace {

using math::Philox4x32;
using math::Threefry2x32;

constexpr int kInitialState = 0;
constexpr int kOutputState = 0;
constexpr int kOutput = 1;

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
