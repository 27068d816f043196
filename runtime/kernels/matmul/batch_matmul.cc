// BATCH_MATMUL: [..., M, K] x [..., K, N] -> [..., M, N] with the batch
// dimensions (up to 3 of them, rank <= 5) broadcast, adj_x / adj_y
// transposing the last two dimensions of either side, as LiteRT's reference
// kernel: float32; int8 (int32 sums of (l - zp_l)(r - zp_r)) and int16 (zero
// points 0, int64 sums), requantized by s_l·s_r/s_out to the output type;
// hybrid (float32 lhs, int8 rhs): each lhs row quantized on the fly
// (symmetrically, or asymmetrically with asymmetric_quantize_inputs), with
// LiteRT's own indexing of row scales and offsets (docs/litert-defects.md).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/common/channel_requant.h"
#include "kernels/common/hybrid.h"
#include "kernels/common/qd8.h"
#include "kernels/xnnpack/delegation.h"
#include "kernels/kernel.h"
#include "quant/fixed_point.h"

namespace tfldbg {
namespace {

class BatchMatMulKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "lhs"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "rhs"));
    const Tensor& lhs = *node.input(0);
    const Tensor& rhs = *node.input(1);
    Tensor& out = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, lhs, "lhs", {DataType::kFloat32, DataType::kInt8, DataType::kInt16}));
    hybrid_ = lhs.type == DataType::kFloat32 && rhs.type == DataType::kInt8;
    if (!hybrid_) TFLDBG_RETURN_IF_ERROR(CheckSameType(node, lhs, "lhs", rhs, "rhs"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, lhs, "lhs", out, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, lhs, "lhs", 2, 5));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, rhs, "rhs", 2, 5));
    asymmetric_ = false;
    if (const auto* o = node.options<tflite::BatchMatMulOptions>()) {
      adj_x_ = o->adj_x();
      adj_y_ = o->adj_y();
      asymmetric_ = o->asymmetric_quantize_inputs();
    }
    const int lr = lhs.rank(), rr = rhs.rank();
    rows_ = adj_x_ ? lhs.dim(lr - 1) : lhs.dim(lr - 2);
    depth_ = adj_x_ ? lhs.dim(lr - 2) : lhs.dim(lr - 1);
    const int rhs_depth = adj_y_ ? rhs.dim(rr - 1) : rhs.dim(rr - 2);
    cols_ = adj_y_ ? rhs.dim(rr - 2) : rhs.dim(rr - 1);
    if (depth_ != rhs_depth) {
      return node.InvalidModelError("lhs " + ShapeToString(lhs.shape) + " and rhs " + ShapeToString(rhs.shape) +
                                    " do not share the contracted dimension (adj_x=" + std::to_string(adj_x_) +
                                    ", adj_y=" + std::to_string(adj_y_) + ")");
    }
    // Batch dimensions, right-aligned and broadcast.
    const int batch_rank = std::max(lr, rr) - 2;
    out_batch_.assign(static_cast<size_t>(batch_rank), 1);
    lhs_batch_.assign(static_cast<size_t>(batch_rank), 1);
    rhs_batch_.assign(static_cast<size_t>(batch_rank), 1);
    for (int i = 0; i < batch_rank; ++i) {
      const int li = lr - 2 - batch_rank + i, ri = rr - 2 - batch_rank + i;
      const int32_t a = li >= 0 ? lhs.dim(li) : 1, b = ri >= 0 ? rhs.dim(ri) : 1;
      if (a != b && a != 1 && b != 1) {
        return node.InvalidModelError("batch dimensions of lhs " + ShapeToString(lhs.shape) + " and rhs " +
                                      ShapeToString(rhs.shape) + " do not broadcast");
      }
      lhs_batch_[static_cast<size_t>(i)] = a;
      rhs_batch_[static_cast<size_t>(i)] = b;
      out_batch_[static_cast<size_t>(i)] = std::max(a, b);
    }
    std::vector<int32_t> shape = out_batch_;
    shape.push_back(rows_);
    shape.push_back(cols_);
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, shape));
    xnn_qd8_ = hybrid_ && node.xnnpack_delegated;
    if (hybrid_) return PrepareHybrid(node, lhs, rhs);
    if (lhs.type == DataType::kFloat32) return Status::Ok();
    for (const Tensor* t : {&lhs, &rhs, static_cast<const Tensor*>(&out)}) {
      if (t->quant.empty() || t->quant.per_channel() || !(t->scale() > 0.0f)) {
        return node.UnsupportedError("quantized '" + t->name + "' needs one positive scale (per-channel is not supported)");
      }
    }
    lhs_zp_ = lhs.zero_point();
    rhs_zp_ = rhs.zero_point();
    out_zp_ = out.zero_point();
    if (lhs.type == DataType::kInt16 && (lhs_zp_ != 0 || rhs_zp_ != 0 || out_zp_ != 0)) {
      return node.InvalidModelError("int16 BATCH_MATMUL needs zero points 0");
    }
    const double real = static_cast<double>(lhs.scale()) * static_cast<double>(rhs.scale()) / static_cast<double>(out.scale());
    multiplier_ = quant::QuantizeMultiplier(real, node.rounding);
    rounding_ = node.rounding;
    // --kernels xnnpack: XNNPACK's fp32 requantization, s_a·s_b/s_out in float.
    xnn_ = node.xnnpack_delegated && lhs.type == DataType::kInt8;
    xnn_scale_ = lhs.scale() * rhs.scale() / out.scale();
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    if (xnn_qd8_) {
      RunHybridXnnpack(node);
      return Status::Ok();
    }
    if (hybrid_) {
      RunHybrid(node);
      return Status::Ok();
    }
    switch (node.input(0)->type) {
      case DataType::kInt8: Run<int8_t, int32_t>(node); break;
      case DataType::kInt16: Run<int16_t, int64_t>(node); break;
      default: Run<float, float>(node); break;
    }
    return Status::Ok();
  }

 private:
  // A shape right-aligned to rank 5 (leading 1s), as LiteRT's ExtendedShape.
  static std::array<int64_t, 5> Extend5(const std::vector<int64_t>& dims) {
    std::array<int64_t, 5> e = {1, 1, 1, 1, 1};
    for (size_t i = 0; i < dims.size(); ++i) e[5 - dims.size() + i] = dims[i];
    return e;
  }
  // LiteRT's extent(): the stride of batch dimension x, or 0 when it broadcasts (size 1).
  static int64_t Extent(const std::array<int64_t, 5>& e, int x) {
    if (e[static_cast<size_t>(x)] == 1) return 0;
    int64_t prod = 1;
    for (int i = x + 1; i < 5; ++i) prod *= e[static_cast<size_t>(i)];
    return prod;
  }

  // Hybrid: LiteRT hands its reference BatchMatMul the weights (rhs, as
  // [..., N, K]) as "lhs" and the quantized activations (lhs, as [..., K, M]
  // with the rows still contiguous) as "rhs", after folding an lhs batch
  // dimension into the rows when rhs's innermost batch dimension is 1 and
  // adj_x is false. Its per-row scales and offsets, and the weights' row sums,
  // are then indexed by the SUM of the batch coordinates times the row count
  // (not their flat index); tfldbg indexes them the same way.
  Status PrepareHybrid(const NodeContext& node, const Tensor& lhs, const Tensor& rhs) {
    if (rhs.quant.empty() || !(rhs.scale() > 0.0f)) return node.InvalidModelError("int8 rhs needs a positive scale");
    for (int64_t zp : rhs.quant.zero_point) {
      if (zp != 0) return node.UnsupportedError("hybrid int8 rhs must have zero point 0 (LiteRT ignores it)");
    }
    const int rr = rhs.rank();
    if (rhs.quant.per_channel()) {
      const int axis = adj_y_ ? rr - 2 : rr - 1;  // the output columns
      if (rhs.quant.quantized_dimension != axis || rhs.quant.scale.size() != static_cast<size_t>(cols_)) {
        return node.UnsupportedError("hybrid BATCH_MATMUL per-channel scales must be one per output column (rhs axis " +
                                     std::to_string(axis) + "), got " + std::to_string(rhs.quant.scale.size()) +
                                     " on axis " + std::to_string(rhs.quant.quantized_dimension));
      }
    }
    std::vector<int64_t> l(lhs.shape.begin(), lhs.shape.end()), r(rhs.shape.begin(), rhs.shape.end());
    if (!adj_x_ && l.size() > 2 && r.size() > 2 && r[r.size() - 3] == 1) {
      l[l.size() - 3] *= l[l.size() - 2];
      l.erase(l.end() - 2);
      r.erase(r.end() - 3);
    }
    // The kernel's operands: weights [..., N, K] and activations [..., K, M].
    std::vector<int64_t> w(r), a(l);
    std::swap(w[w.size() - 1], w[w.size() - 2]);
    if (adj_y_) w = r;
    if (!adj_x_) std::swap(a[a.size() - 1], a[a.size() - 2]);
    w_ext_ = Extend5(w);
    a_ext_ = Extend5(a);
    // The row sums LiteRT computes cover the weight matrices of batch
    // dimensions 1 and 2 only; the offsets it reads must stay inside them.
    const int64_t computed = w_ext_[1] * w_ext_[2];
    const int64_t reached = (w_ext_[0] - 1) + (w_ext_[1] - 1) + (w_ext_[2] - 1);
    if (asymmetric_ && reached >= computed) {
      return node.UnsupportedError("asymmetric hybrid BATCH_MATMUL with rhs batch " + ShapeToString(rhs.shape) +
                                   ": LiteRT reads weight row sums it never computed");
    }
    if (depth_ == 0) return node.UnsupportedError("hybrid BATCH_MATMUL over an empty dimension (LiteRT quantizes empty rows)");
    return Status::Ok();
  }

  void RunHybrid(NodeContext& node) {
    const Tensor& lhs = *node.input(0);
    const Tensor& rhs = *node.input(1);
    float* out = node.output(0)->data<float>();
    // Scratch sized here, once the planner has placed the operands it mirrors.
    const int64_t lhs_rows = Product(lhs.shape, 0, lhs.rank() - 2) * rows_;
    quantized_.resize(static_cast<size_t>(lhs.element_count()));
    if (adj_x_) lhs_rows_.resize(static_cast<size_t>(lhs.element_count()));
    if (!adj_y_) weights_.resize(static_cast<size_t>(rhs.element_count()));
    row_scales_.resize(static_cast<size_t>(lhs_rows));
    row_offsets_.resize(static_cast<size_t>(lhs_rows));
    row_sums_.resize(static_cast<size_t>(w_ext_[0] * w_ext_[1] * w_ext_[2] * w_ext_[3]));
    // Activation rows [..., M, K] and weights [..., N, K], contiguous.
    const float* x = lhs.data<float>();
    if (adj_x_) {
      TransposeLastTwo(x, lhs.shape, lhs_rows_.data());
      x = lhs_rows_.data();
    }
    const int8_t* w = rhs.data<int8_t>();
    if (!adj_y_) {
      TransposeLastTwo(w, rhs.shape, weights_.data());
      w = weights_.data();
    }
    const int64_t K = depth_;
    const int64_t rows = static_cast<int64_t>(row_scales_.size());
    const bool per_channel = rhs.quant.per_channel();
    for (int64_t row = 0; row < rows; ++row) {
      float scale = 1.0f;
      int32_t zero_point = 0;
      int8_t* q = quantized_.data() + row * K;
      if (asymmetric_) {
        math::AsymmetricQuantizeRow(x + row * K, K, q, &scale, &zero_point);
      } else {
        scale = math::SymmetricQuantizeRow(x + row * K, K, q);
      }
      if (!per_channel) scale *= rhs.quant.scale[0];
      row_scales_[static_cast<size_t>(row)] = scale;
      row_offsets_[static_cast<size_t>(row)] = zero_point;
    }
    const int64_t N = w_ext_[3], M = a_ext_[4];
    for (size_t i = 0; i < row_sums_.size(); ++i) {
      uint32_t sum = 0;  // int32 wrap-around, as LiteRT
      for (int64_t k = 0; k < K; ++k) sum += static_cast<uint32_t>(static_cast<int32_t>(w[static_cast<int64_t>(i) * K + k]));
      row_sums_[i] = static_cast<int32_t>(sum);
    }
    int64_t batch[3];
    for (size_t d = 0; d < 3; ++d) batch[d] = w_ext_[d] == 1 ? a_ext_[d] : w_ext_[d];  // broadcast
    std::fill(out, out + batch[0] * batch[1] * batch[2] * N * M, 0.0f);
    const float* channel_scales = per_channel ? rhs.quant.scale.data() : nullptr;
    for (int64_t b0 = 0; b0 < batch[0]; ++b0) {
      for (int64_t b1 = 0; b1 < batch[1]; ++b1) {
        for (int64_t b2 = 0; b2 < batch[2]; ++b2) {
          const int64_t bs[3] = {b0, b1, b2};
          int64_t w_at = 0, a_at = 0, row_at = 0, sum_at = 0;
          for (int d = 0; d < 3; ++d) {
            w_at += bs[d] * Extent(w_ext_, d);
            a_at += bs[d] * Extent(a_ext_, d);
            row_at += bs[d] * (a_ext_[static_cast<size_t>(d)] == 1 ? 0 : M);
            sum_at += bs[d] * (w_ext_[static_cast<size_t>(d)] == 1 ? 0 : N);
          }
          float* y = out + ((b0 * batch[1] + b1) * batch[2] + b2) * N * M;
          for (int64_t j = 0; j < M; ++j) {
            const float row_scale = row_scales_[static_cast<size_t>(row_at + j)];
            const float offset = static_cast<float>(row_offsets_[static_cast<size_t>(row_at + j)]);
            const int8_t* qj = quantized_.data() + a_at + j * K;
            for (int64_t i = 0; i < N; ++i) {
              const int8_t* wi = w + w_at + i * K;
              uint32_t dot = 0;
              for (int64_t k = 0; k < K; ++k) dot += static_cast<uint32_t>(static_cast<int32_t>(wi[k]) * qj[k]);
              // LiteRT: int32 total -= int32 row_sum * float offset, i.e. through float.
              const float corrected = static_cast<float>(static_cast<int32_t>(dot)) -
                                      static_cast<float>(row_sums_[static_cast<size_t>(sum_at + i)]) * offset;
              const int32_t total = FloatToInt32(corrected);
              float scale = row_scale;
              if (channel_scales != nullptr) scale *= channel_scales[i];
              y[N * j + i] += scale * static_cast<float>(total);
            }
          }
        }
      }
    }
  }

  // --kernels xnnpack, a delegated hybrid node: XNNPACK's qd8 batch matmul.
  // Each row of A (K values, after A's transpose for adj_x) quantized as
  // math::QuantizeRowQd8, acc = Σ (q − z)·b exactly, output
  // float(acc) · row scale · B's scale (per column when per-channel).
  void RunHybridXnnpack(NodeContext& node) {
    const Tensor& lhs = *node.input(0);
    const Tensor& rhs = *node.input(1);
    const float* a_all = lhs.data<float>();
    const int8_t* b_all = rhs.data<int8_t>();
    float* out = node.output(0)->data<float>();
    const bool per_channel = rhs.quant.per_channel();
    int64_t batches = 1;
    for (int32_t d : out_batch_) batches *= d;
    const int64_t lhs_size = static_cast<int64_t>(rows_) * depth_, rhs_size = static_cast<int64_t>(depth_) * cols_;
    std::vector<float> row(static_cast<size_t>(depth_));
    std::vector<int8_t> q(static_cast<size_t>(depth_));
    for (int64_t b = 0; b < batches; ++b) {
      int64_t lb = 0, rb = 0;
      BatchOffsets(b, &lb, &rb);
      const float* a = a_all + lb * lhs_size;
      const int8_t* w = b_all + rb * rhs_size;
      float* y = out + b * static_cast<int64_t>(rows_) * cols_;
      for (int r = 0; r < rows_; ++r) {
        for (int k = 0; k < depth_; ++k) {
          row[static_cast<size_t>(k)] = adj_x_ ? a[static_cast<int64_t>(k) * rows_ + r] : a[static_cast<int64_t>(r) * depth_ + k];
        }
        int32_t zp = 0;
        const float row_scale = math::QuantizeRowQd8(row.data(), depth_, q.data(), &zp);
        for (int c = 0; c < cols_; ++c) {
          int32_t acc = 0;
          for (int k = 0; k < depth_; ++k) {
            const int32_t wv = adj_y_ ? w[static_cast<int64_t>(c) * depth_ + k] : w[static_cast<int64_t>(k) * cols_ + c];
            acc += (static_cast<int32_t>(q[static_cast<size_t>(k)]) - zp) * wv;
          }
          const float ws = rhs.quant.scale[per_channel ? static_cast<size_t>(c) : 0];
          y[static_cast<int64_t>(r) * cols_ + c] = static_cast<float>(acc) * row_scale * ws;
        }
      }
    }
  }

  // C++'s float-to-int32 conversion for in-range values; saturating (and 0 for
  // NaN) where LiteRT's would be undefined.
  static int32_t FloatToInt32(float v) {
    if (std::isnan(v)) return 0;
    if (v >= 2147483648.0f) return std::numeric_limits<int32_t>::max();
    if (v < -2147483648.0f) return std::numeric_limits<int32_t>::min();
    return static_cast<int32_t>(v);
  }

  template <typename T>
  static void TransposeLastTwo(const T* in, const std::vector<int32_t>& shape, T* out) {
    const int64_t rows = shape[shape.size() - 2], cols = shape[shape.size() - 1];
    const int64_t matrices = rows * cols == 0 ? 0 : Product(shape, 0, static_cast<int>(shape.size()) - 2);
    for (int64_t m = 0; m < matrices; ++m) {
      const T* src = in + m * rows * cols;
      T* dst = out + m * rows * cols;
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
      }
    }
  }

  // The flat batch index of each side for output batch b, with broadcast
  // dimensions pinned to 0.
  void BatchOffsets(int64_t b, int64_t* lb, int64_t* rb) const {
    int64_t rest = b, lstride = 1, rstride = 1;
    for (int i = static_cast<int>(out_batch_.size()) - 1; i >= 0; --i) {
      const int64_t coord = rest % out_batch_[static_cast<size_t>(i)];
      rest /= out_batch_[static_cast<size_t>(i)];
      if (lhs_batch_[static_cast<size_t>(i)] != 1) *lb += coord * lstride;
      if (rhs_batch_[static_cast<size_t>(i)] != 1) *rb += coord * rstride;
      lstride *= lhs_batch_[static_cast<size_t>(i)];
      rstride *= rhs_batch_[static_cast<size_t>(i)];
    }
  }

  template <typename T, typename Acc>
  void Run(NodeContext& node) const {
    const T* lhs = node.input(0)->data<T>();
    const T* rhs = node.input(1)->data<T>();
    T* out = node.output(0)->data<T>();
    int64_t batches = 1;
    for (int32_t d : out_batch_) batches *= d;
    const int64_t lhs_size = static_cast<int64_t>(rows_) * depth_, rhs_size = static_cast<int64_t>(depth_) * cols_;
    for (int64_t b = 0; b < batches; ++b) {
      int64_t lb = 0, rb = 0;
      BatchOffsets(b, &lb, &rb);
      const T* a = lhs + lb * lhs_size;
      const T* w = rhs + rb * rhs_size;
      T* y = out + b * static_cast<int64_t>(rows_) * cols_;
      for (int r = 0; r < rows_; ++r) {
        for (int c = 0; c < cols_; ++c) {
          Acc acc = 0;
          for (int k = 0; k < depth_; ++k) {
            const T av = adj_x_ ? a[static_cast<int64_t>(k) * rows_ + r] : a[static_cast<int64_t>(r) * depth_ + k];
            const T wv = adj_y_ ? w[static_cast<int64_t>(c) * depth_ + k] : w[static_cast<int64_t>(k) * cols_ + c];
            if constexpr (std::is_same_v<T, float>) {
              acc += av * wv;
            } else if constexpr (std::is_same_v<Acc, int32_t>) {
              acc = quant::WrappingAdd(acc, (int32_t{av} - lhs_zp_) * (int32_t{wv} - rhs_zp_));
            } else {
              acc += int64_t{av} * wv;
            }
          }
          if constexpr (std::is_same_v<T, float>) {
            y[static_cast<int64_t>(r) * cols_ + c] = acc;
          } else {
            const int32_t q =
                xnn_ ? math::XnnpackRequantize(static_cast<int32_t>(acc), xnn_scale_, out_zp_,
                                               {std::numeric_limits<T>::min(), std::numeric_limits<T>::max()})
                     : quant::MultiplyByQuantizedMultiplier(acc, multiplier_, rounding_) + out_zp_;
            y[static_cast<int64_t>(r) * cols_ + c] =
                static_cast<T>(std::clamp<int32_t>(q, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
          }
        }
      }
    }
  }

  bool adj_x_ = false, adj_y_ = false;
  bool hybrid_ = false, asymmetric_ = false;
  bool xnn_qd8_ = false;  // --kernels xnnpack, a delegated hybrid node: XNNPACK's qd8 path
  std::array<int64_t, 5> w_ext_{}, a_ext_{};  // hybrid: the kernel's operands, extended to rank 5
  std::vector<int8_t> quantized_, weights_;
  std::vector<float> lhs_rows_, row_scales_;
  std::vector<int32_t> row_offsets_, row_sums_;
  int rows_ = 0, depth_ = 0, cols_ = 0;
  std::vector<int32_t> out_batch_, lhs_batch_, rhs_batch_;
  int32_t lhs_zp_ = 0, rhs_zp_ = 0, out_zp_ = 0;
  quant::QuantizedMultiplier multiplier_;
  bool xnn_ = false;  // --kernels xnnpack, a delegated int8 node
  float xnn_scale_ = 1.0f;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
};

}  // namespace

std::unique_ptr<Kernel> CreateBatchMatMulKernel() { return std::make_unique<BatchMatMulKernel>(); }

}  // namespace tfldbg
