// --kernels xnnpack: XNNPACK's own kernels for the delegated nodes whose
// arithmetic lives in no tfldbg kernel: quantized ADD / SUB / MUL (XNNPACK's
// qs8/qu8 vadd and vmul), quantized unary ops as XNNPACK's 256-entry lookup
// tables (LOGISTIC, TANH, ELU), QUANTIZE (from float32, and int8/uint8
// requantization), LEAKY_RELU, and quantized MEAN / SUM. The engine makes
// these instead of the op's usual kernel when the node is delegated
// (MakeKernel). Conv, depthwise conv and fully connected keep their kernels,
// which requantize in fp32 (ChannelRequant::xnn_scales).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cpu/thread_pool.h"
#include "kernels/common/broadcast.h"
#include "kernels/common/channel_requant.h"
#include "kernels/elementwise/arithmetic_fast.h"
#include "kernels/xnnpack/delegation.h"

namespace tfldbg::xnnpack {
namespace {

int FusedActivationCode(const NodeContext& node) {
  if (const auto* o = node.options<tflite::AddOptions>()) return static_cast<int>(o->fused_activation_function());
  if (const auto* o = node.options<tflite::SubOptions>()) return static_cast<int>(o->fused_activation_function());
  if (const auto* o = node.options<tflite::MulOptions>()) return static_cast<int>(o->fused_activation_function());
  return 0;
}

template <typename T>
void Store(void* out, int64_t i, int32_t v) {
  static_cast<T*>(out)[i] = static_cast<T>(v);
}

// ADD / SUB (qs8/qu8 vadd, the subtrahend's scale negated) and MUL (qs8/qu8
// vmul, fp32 requantization), NumPy broadcasting; the fused activation is
// XNNPACK's clamp of the quantized output.
class BinaryKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    const Tensor& a = *node.input(0);
    const Tensor& b = *node.input(1);
    Tensor& out = *node.output(0);
    if (!broadcast_.Init(a.shape, b.shape)) {
      return node.UnsupportedError("cannot broadcast " + ShapeToString(a.shape) + " with " + ShapeToString(b.shape));
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, broadcast_.output_shape()));
    const quant::IntRange clamp = QuantizedOutputRange(static_cast<quant::Activation>(FusedActivationCode(node)),
                                                       out.scale(), out.zero_point(), out.type);
    mul_ = node.op_name == "MUL";
    if (mul_) {
      a_zp_ = a.zero_point();
      b_zp_ = b.zero_point();
      scale_ = a.scale() * b.scale() / out.scale();  // float32, in this order, as XNNPACK
      out_zp_ = out.zero_point();
      clamp_ = clamp;
    } else {
      add_ = MakeAddParams(a.scale(), a.zero_point(), b.scale(), b.zero_point(), out.scale(), out.zero_point(), clamp,
                           node.op_name == "SUB");
      // Same shapes: the fast kernels' vadd lanes (fast::Int8AddArithmetic::kXnnpack) where they apply.
      fast_ = FastAddSub();
      fast_.PrepareXnnpack(node, a, b, out, add_.a_multiplier, add_.b_multiplier, add_.bias, static_cast<int>(add_.shift),
                           add_.output_zero_point, add_.clamp);
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& a = *node.input(0);
    const Tensor& b = *node.input(1);
    Tensor& out = *node.output(0);
    if (!mul_ && fast_.ready()) {
      fast_.Run(a, b, out, node.pool);
      return Status::Ok();
    }
    if (a.type == DataType::kInt8) {
      Run(a.data<int8_t>(), b.data<int8_t>(), out.data<int8_t>());
    } else {
      Run(a.data<uint8_t>(), b.data<uint8_t>(), out.data<uint8_t>());
    }
    return Status::Ok();
  }

 private:
  template <typename T>
  void Run(const T* x, const T* y, T* z) const {
    broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
      const int32_t va = static_cast<int32_t>(x[i1]);
      const int32_t vb = static_cast<int32_t>(y[i2]);
      z[o] = static_cast<T>(mul_ ? math::XnnpackRequantize((va - a_zp_) * (vb - b_zp_), scale_, out_zp_, clamp_)
                                 : add_.Apply(va, vb));
    });
  }

  math::Broadcast broadcast_;
  bool mul_ = false;
  AddParams add_;
  FastAddSub fast_;
  int32_t a_zp_ = 0, b_zp_ = 0, out_zp_ = 0;
  float scale_ = 1.0f;
  quant::IntRange clamp_;
};

// XNNPACK's round_float_to_int: NaN as 0, nearest even, saturated.
int32_t RoundToType(float x, DataType type) {
  if (std::isnan(x)) x = 0.0f;
  x = std::nearbyint(x);
  const float lo = type == DataType::kInt8 ? -128.0f : 0.0f;
  const float hi = type == DataType::kInt8 ? 127.0f : 255.0f;
  return static_cast<int32_t>(std::min(std::max(x, lo), hi));
}

// A quantized unary op as XNNPACK computes it: a table of the 256 input
// bytes, each dequantized in float ((x - zp) · s), the op in float (double
// for the sigmoid's exponential), quantized as round(y · (1/s_out) + zp_out).
class LookupKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    const Tensor& in = *node.input(0);
    Tensor& out = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, in.shape));
    const float x_scale = in.scale();
    const float x_zp = static_cast<float>(in.zero_point());
    const float inv_y_scale = 1.0f / out.scale();
    const float y_zp = static_cast<float>(out.zero_point());
    const std::string& op = node.op_name;
    for (int i = 0; i < 256; ++i) {
      const int32_t q = in.type == DataType::kInt8 ? static_cast<int32_t>(static_cast<int8_t>(i)) : i;
      const float x = (static_cast<float>(q) - x_zp) * x_scale;
      float y = x;
      if (op == "LOGISTIC") {
        if (x > 100.0f) {
          y = 1.0f;
        } else if (x < -100.0f) {
          y = 0.0f;
        } else {
          const double e = std::exp(static_cast<double>(x));
          y = static_cast<float>(e / (1.0 + e));
        }
      } else if (op == "TANH") {
        y = std::tanh(x);
      } else if (op == "ELU") {
        y = x < 0.0f ? 1.0f * std::expm1(x) : x;
      }
      table_[static_cast<size_t>(i)] = static_cast<uint8_t>(RoundToType(y * inv_y_scale + y_zp, out.type));
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& in = *node.input(0);
    Tensor& out = *node.output(0);
    const uint8_t* x = in.data<uint8_t>();
    uint8_t* y = out.data<uint8_t>();
    const int64_t n = in.element_count();
    for (int64_t i = 0; i < n; ++i) y[i] = table_[x[i]];
    return Status::Ok();
  }

 private:
  uint8_t table_[256] = {};
};

// QUANTIZE float32 -> int8/uint8 (XNNPACK's f32-qs8/qu8 convert): x · (1/s),
// clamped to [min - zp, max - zp], rounded to nearest even, + zp.
class QuantizeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    Tensor& out = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, node.input(0)->shape));
    inv_scale_ = 1.0f / out.scale();
    zp_ = out.zero_point();
    clamp_ = out.type == DataType::kInt8 ? quant::IntRange{-128, 127} : quant::IntRange{0, 255};
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& in = *node.input(0);
    Tensor& out = *node.output(0);
    const float* x = in.data<float>();
    const int64_t n = in.element_count();
    const float lo = static_cast<float>(clamp_.min - zp_), hi = static_cast<float>(clamp_.max - zp_);
    for (int64_t i = 0; i < n; ++i) {
      float v = x[i] * inv_scale_;
      v = std::isnan(v) ? 0.0f : std::min(std::max(v, lo), hi);
      const int32_t q = static_cast<int32_t>(std::nearbyint(v)) + zp_;
      if (out.type == DataType::kInt8) {
        Store<int8_t>(out.bytes, i, q);
      } else {
        Store<uint8_t>(out.bytes, i, q);
      }
    }
    return Status::Ok();
  }

 private:
  float inv_scale_ = 1.0f;
  int32_t zp_ = 0;
  quant::IntRange clamp_;
};

// MEAN / SUM of int8 / uint8 over constant axes (XNNPACK's qs8/qu8 rsum and
// rdsum, then its int32 -> q8 convert): the sum of the raw values in int32,
// then nearest-even(float(sum)·scale + zp'), saturated, where scale =
// (s_in/s_out)·(1/N) for MEAN (s_in/s_out for SUM) in float32 and
// zp' = zp_out − (N·zp_in)·scale, in float32.
class ReduceKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    const Tensor& in = *node.input(0);
    const Tensor& axes = *node.input(1);
    Tensor& out = *node.output(0);
    const int rank = in.rank();
    reduced_.assign(static_cast<size_t>(rank), false);
    for (int64_t i = 0; i < axes.element_count(); ++i) {
      int a = axes.data<int32_t>()[i];
      if (a < 0) a += rank;
      if (a < 0 || a >= rank) return node.InvalidModelError("axis " + std::to_string(axes.data<int32_t>()[i]) + " is out of range");
      reduced_[static_cast<size_t>(a)] = true;
    }
    const auto* o = node.options<tflite::ReducerOptions>();
    const bool keep = o != nullptr && o->keep_dims();
    std::vector<int32_t> shape;
    int64_t n = 1;
    for (int d = 0; d < rank; ++d) {
      if (reduced_[static_cast<size_t>(d)]) {
        n *= in.dim(d);
        if (keep) shape.push_back(1);
      } else {
        shape.push_back(in.dim(d));
      }
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, shape));
    // Fast CPU paths: reduced axes that are one block of the layout (the
    // dimensions between them reduced or of size 1) sum as [outer][reduced][inner]
    // rows, in loops the compiler vectorizes (integer sums: any order gives the same).
    blocked_ = false;
    if (node.cpu != CpuPath::kScalar) {
      int first = -1, last = -1;
      for (int d = 0; d < rank; ++d) {
        if (!reduced_[static_cast<size_t>(d)]) continue;
        if (first < 0) first = d;
        last = d;
      }
      blocked_ = first >= 0;
      outer_ = reduce_ = inner_ = 1;
      for (int d = 0; d < rank; ++d) {
        if (d < first) {
          outer_ *= in.dim(d);
        } else if (d > last) {
          inner_ *= in.dim(d);
        } else {
          reduce_ *= in.dim(d);
          blocked_ = blocked_ && (reduced_[static_cast<size_t>(d)] || in.dim(d) == 1);
        }
      }
    }
    const float io = in.scale() / out.scale();
    scale_ = node.op_name == "MEAN" ? io * (1.0f / static_cast<float>(n)) : io;
    zero_point_ = static_cast<float>(out.zero_point()) -
                  (static_cast<float>(n) * static_cast<float>(in.zero_point())) * scale_;
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& in = *node.input(0);
    Tensor& out = *node.output(0);
    const int rank = in.rank();
    // Output strides over the input's dimensions (0 along reduced ones).
    std::vector<int64_t> stride(static_cast<size_t>(rank), 0);
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; --d) {
      if (!reduced_[static_cast<size_t>(d)]) {
        stride[static_cast<size_t>(d)] = s;
        s *= in.dim(d);
      }
    }
    std::vector<int32_t> sums(static_cast<size_t>(out.element_count()), 0);
    std::vector<int32_t> index(static_cast<size_t>(rank), 0);
    const int64_t total = blocked_ ? 0 : in.element_count();
    if (blocked_) {
      if (in.type == DataType::kInt8) {
        SumBlocks(in.data<int8_t>(), sums.data());
      } else {
        SumBlocks(in.data<uint8_t>(), sums.data());
      }
    }
    for (int64_t i = 0; i < total; ++i) {
      int64_t o = 0;
      for (int d = 0; d < rank; ++d) o += index[static_cast<size_t>(d)] * stride[static_cast<size_t>(d)];
      const int32_t v = in.type == DataType::kInt8 ? static_cast<int32_t>(in.data<int8_t>()[i])
                                                   : static_cast<int32_t>(in.data<uint8_t>()[i]);
      sums[static_cast<size_t>(o)] += v;
      for (int d = rank - 1; d >= 0; --d) {
        if (++index[static_cast<size_t>(d)] < in.dim(d)) break;
        index[static_cast<size_t>(d)] = 0;
      }
    }
    for (size_t o = 0; o < sums.size(); ++o) {
      const int32_t q = RoundToType(static_cast<float>(sums[o]) * scale_ + zero_point_, out.type);
      if (out.type == DataType::kInt8) {
        Store<int8_t>(out.bytes, static_cast<int64_t>(o), q);
      } else {
        Store<uint8_t>(out.bytes, static_cast<int64_t>(o), q);
      }
    }
    return Status::Ok();
  }

 private:
  template <typename T>
  void SumBlocks(const T* x, int32_t* sums) const {
    for (int64_t o = 0; o < outer_; ++o) {
      int32_t* row = sums + o * inner_;
      for (int64_t r = 0; r < reduce_; ++r) {
        const T* in = x + (o * reduce_ + r) * inner_;
        for (int64_t c = 0; c < inner_; ++c) row[c] += static_cast<int32_t>(in[c]);
      }
    }
  }

  std::vector<bool> reduced_;
  bool blocked_ = false;  // fast CPU paths: SumBlocks over [outer_][reduce_][inner_]
  int64_t outer_ = 1, reduce_ = 1, inner_ = 1;
  float scale_ = 1.0f;
  float zero_point_ = 0.0f;
};

// LEAKY_RELU (qs8/qu8 vlrelu) and QUANTIZE int8 -> int8 / uint8 -> uint8
// (qs8/qu8 vcvt): 8.8 fixed-point multipliers lrintf(256·s_in/s_out) (times
// alpha for negative inputs), out = clamp(zp_out + (((x − zp_in)·m + 128) >> 8)).
class FixedPointKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    const Tensor& in = *node.input(0);
    Tensor& out = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, in.shape));
    const float positive = in.scale() / out.scale();
    positive_ = static_cast<int32_t>(std::lrint(256.0f * positive));
    negative_ = positive_;
    if (const auto* o = node.options<tflite::LeakyReluOptions>()) {
      negative_ = static_cast<int32_t>(std::lrint(256.0f * (positive * o->alpha())));
    }
    in_zp_ = in.zero_point();
    out_zp_ = out.zero_point();
    clamp_ = out.type == DataType::kInt8 ? quant::IntRange{-128, 127} : quant::IntRange{0, 255};
    // Fast CPU paths: the output is a function of the input byte, so a table
    // of these results is exact; one that flips the top bit (int8 <-> uint8 at
    // one scale, zero points 128 apart) is a plain XOR loop.
    table_.clear();
    flip_ = false;
    if (node.cpu != CpuPath::kScalar) {
      table_.resize(256);
      flip_ = true;
      for (int byte = 0; byte < 256; ++byte) {
        const int32_t x = in.type == DataType::kInt8 ? static_cast<int8_t>(byte) : byte;
        table_[static_cast<size_t>(byte)] = static_cast<uint8_t>(Compute(x));
        flip_ = flip_ && table_[static_cast<size_t>(byte)] == (byte ^ 0x80);
      }
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& in = *node.input(0);
    Tensor& out = *node.output(0);
    const int64_t n = in.element_count();
    if (!table_.empty()) {
      const int tasks = TaskCount(node.pool, n, 32 * 1024);  // ~2 µs of bytes a task
      ParallelFor(node.pool, tasks, [&](int task) {
        const uint8_t* const x = in.bytes;  // locals: the byte stores cannot alias them
        uint8_t* const y = out.bytes;
        const int64_t begin = n * task / tasks, end = n * (task + 1) / tasks;
        if (flip_) {
          for (int64_t i = begin; i < end; ++i) y[i] = static_cast<uint8_t>(x[i] ^ 0x80);
          return;
        }
        const uint8_t* const t = table_.data();
        for (int64_t i = begin; i < end; ++i) y[i] = t[x[i]];
      });
      return Status::Ok();
    }
    for (int64_t i = 0; i < n; ++i) {
      const int32_t x = in.type == DataType::kInt8 ? static_cast<int32_t>(in.data<int8_t>()[i])
                                                   : static_cast<int32_t>(in.data<uint8_t>()[i]);
      const int32_t q = Compute(x);
      if (out.type == DataType::kInt8) {
        Store<int8_t>(out.bytes, i, q);
      } else {
        Store<uint8_t>(out.bytes, i, q);
      }
    }
    return Status::Ok();
  }

 private:
  int32_t Compute(int32_t x) const {
    const int32_t d = x - in_zp_;
    const int32_t acc = d * (d >= 0 ? positive_ : negative_) + 128;
    return std::min(std::max(out_zp_ + (acc >> 8), clamp_.min), clamp_.max);
  }

  int32_t positive_ = 256, negative_ = 256, in_zp_ = 0, out_zp_ = 0;
  quant::IntRange clamp_;
  std::vector<uint8_t> table_;  // fast CPU paths: the output byte of each input byte
  bool flip_ = false;           // table_[b] == b ^ 0x80 for every byte
};

// RESIZE_BILINEAR of int8 / uint8 (XNNPACK's s8/u8 ibilinear): source
// coordinates in float as XNNPACK's q11 indirection computes them, the
// fractions as 11-bit weights lrintf(alpha·2048), then
// t = (tl << 11) + (tr − tl)·ax, b = (bl << 11) + (br − bl)·ax,
// out = ((t << 11) + (b − t)·ay + 2^21) >> 22.
class ResizeBilinearKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    const Tensor& in = *node.input(0);
    const Tensor& size = *node.input(1);
    if (in.rank() != 4 || size.element_count() != 2) return node.InvalidModelError("expected a 4-D input and 2 sizes");
    const auto* o = node.options<tflite::ResizeBilinearOptions>();
    align_corners_ = o != nullptr && o->align_corners();
    legacy_ = !(o != nullptr && o->half_pixel_centers());
    const int32_t oh = size.data<int32_t>()[0], ow = size.data<int32_t>()[1];
    return SetOutputShape(node, *node.output(0), {in.dim(0), oh, ow, in.dim(3)});
  }

  Status Eval(NodeContext& node) override {
    const Tensor& in = *node.input(0);
    Tensor& out = *node.output(0);
    const int n = in.dim(0), ih = in.dim(1), iw = in.dim(2), c = in.dim(3);
    const int oh = out.dim(1), ow = out.dim(2);
    const int wa = align_corners_ && ow != 1, ha = align_corners_ && oh != 1;
    const float width_scale = static_cast<float>(iw - wa) / static_cast<float>(ow - wa);
    const float height_scale = static_cast<float>(ih - ha) / static_cast<float>(oh - ha);
    auto source = [&](int o, float scale, int in_size, int* lo, int* hi, int32_t* alpha) {
      float v = 0.0f;
      if (legacy_ || align_corners_) {
        v = std::min(static_cast<float>(o) * scale, static_cast<float>(in_size - 1));
      } else {
        const float offset = 0.5f * scale - 0.5f;
        v = static_cast<float>(o) * scale + offset;
        v = std::min(std::max(v, 0.0f), static_cast<float>(in_size - 1));
      }
      *lo = static_cast<int>(v);
      *hi = std::min(*lo + 1, in_size - 1);
      *alpha = static_cast<int32_t>(static_cast<int16_t>(std::lrint((v - static_cast<float>(*lo)) * 2048.0f)));
    };
    const bool s8 = in.type == DataType::kInt8;
    auto at = [&](int b, int y, int x, int ch) -> int32_t {
      const int64_t i = ((static_cast<int64_t>(b) * ih + y) * iw + x) * c + ch;
      return s8 ? static_cast<int32_t>(in.data<int8_t>()[i]) : static_cast<int32_t>(in.data<uint8_t>()[i]);
    };
    for (int b = 0; b < n; ++b) {
      for (int y = 0; y < oh; ++y) {
        int top = 0, bottom = 0;
        int32_t ay = 0;
        source(y, height_scale, ih, &top, &bottom, &ay);
        for (int x = 0; x < ow; ++x) {
          int left = 0, right = 0;
          int32_t ax = 0;
          source(x, width_scale, iw, &left, &right, &ax);
          for (int ch = 0; ch < c; ++ch) {
            const int32_t tl = at(b, top, left, ch), tr = at(b, top, right, ch);
            const int32_t bl = at(b, bottom, left, ch), br = at(b, bottom, right, ch);
            const int32_t t = static_cast<int32_t>(static_cast<uint32_t>(tl) << 11) + (tr - tl) * ax;
            const int32_t bo = static_cast<int32_t>(static_cast<uint32_t>(bl) << 11) + (br - bl) * ax;
            const int32_t acc = static_cast<int32_t>(static_cast<uint32_t>(t) << 11) + (bo - t) * ay;
            const int32_t v = (acc + (int32_t{1} << 21)) >> 22;
            const int64_t o = ((static_cast<int64_t>(b) * oh + y) * ow + x) * c + ch;
            if (s8) {
              Store<int8_t>(out.bytes, o, v);
            } else {
              Store<uint8_t>(out.bytes, o, v);
            }
          }
        }
      }
    }
    return Status::Ok();
  }

 private:
  bool align_corners_ = false, legacy_ = true;
};

bool Quantized8(const Tensor* t) { return t != nullptr && (t->type == DataType::kInt8 || t->type == DataType::kUInt8); }

}  // namespace

std::unique_ptr<Kernel> MakeKernel(const NodeContext& node) {
  const std::string& op = node.op_name;
  const Tensor* in = node.input(0);
  const Tensor* out = node.output(0);
  if ((op == "ADD" || op == "SUB" || op == "MUL") && Quantized8(in)) return std::make_unique<BinaryKernel>();
  if ((op == "LOGISTIC" || op == "TANH" || op == "ELU") && Quantized8(in)) return std::make_unique<LookupKernel>();
  if ((op == "MEAN" || op == "SUM") && Quantized8(in)) return std::make_unique<ReduceKernel>();
  if (op == "RESIZE_BILINEAR" && Quantized8(in)) return std::make_unique<ResizeBilinearKernel>();
  if (op == "LEAKY_RELU" && Quantized8(in)) return std::make_unique<FixedPointKernel>();
  if (op == "QUANTIZE" && Quantized8(in) && Quantized8(out)) return std::make_unique<FixedPointKernel>();
  if (op == "QUANTIZE" && in != nullptr && in->type == DataType::kFloat32 && Quantized8(out)) {
    return std::make_unique<QuantizeKernel>();
  }
  return nullptr;
}

}  // namespace tfldbg::xnnpack
