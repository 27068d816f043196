// BATCH_MATMUL: [..., M, K] x [..., K, N] -> [..., M, N] with the batch
// dimensions (up to 3 of them, rank <= 5) broadcast, adj_x / adj_y
// transposing the last two dimensions of either side, as LiteRT's reference
// kernel: float32; int8 (int32 sums of (l - zp_l)(r - zp_r)) and int16 (zero
// points 0, int64 sums), requantized by s_l·s_r/s_out to the output type.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

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
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, lhs, "lhs", rhs, "rhs"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, lhs, "lhs", out, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, lhs, "lhs", 2, 5));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, rhs, "rhs", 2, 5));
    if (const auto* o = node.options<tflite::BatchMatMulOptions>()) {
      adj_x_ = o->adj_x();
      adj_y_ = o->adj_y();
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
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    switch (node.input(0)->type) {
      case DataType::kInt8: Run<int8_t, int32_t>(node); break;
      case DataType::kInt16: Run<int16_t, int64_t>(node); break;
      default: Run<float, float>(node); break;
    }
    return Status::Ok();
  }

 private:
  template <typename T, typename Acc>
  void Run(NodeContext& node) const {
    const T* lhs = node.input(0)->data<T>();
    const T* rhs = node.input(1)->data<T>();
    T* out = node.output(0)->data<T>();
    int64_t batches = 1;
    for (int32_t d : out_batch_) batches *= d;
    const int64_t lhs_size = static_cast<int64_t>(rows_) * depth_, rhs_size = static_cast<int64_t>(depth_) * cols_;
    for (int64_t b = 0; b < batches; ++b) {
      // The flat batch index of each side, with broadcast dimensions pinned to 0.
      int64_t rest = b, lb = 0, rb = 0, lstride = 1, rstride = 1;
      for (int i = static_cast<int>(out_batch_.size()) - 1; i >= 0; --i) {
        const int64_t coord = rest % out_batch_[static_cast<size_t>(i)];
        rest /= out_batch_[static_cast<size_t>(i)];
        if (lhs_batch_[static_cast<size_t>(i)] != 1) lb += coord * lstride;
        if (rhs_batch_[static_cast<size_t>(i)] != 1) rb += coord * rstride;
        lstride *= lhs_batch_[static_cast<size_t>(i)];
        rstride *= rhs_batch_[static_cast<size_t>(i)];
      }
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
            const int32_t q = quant::MultiplyByQuantizedMultiplier(acc, multiplier_, rounding_) + out_zp_;
            y[static_cast<int64_t>(r) * cols_ + c] =
                static_cast<T>(std::clamp<int32_t>(q, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
          }
        }
      }
    }
  }

  bool adj_x_ = false, adj_y_ = false;
  int rows_ = 0, depth_ = 0, cols_ = 0;
  std::vector<int32_t> out_batch_, lhs_batch_, rhs_batch_;
  int32_t lhs_zp_ = 0, rhs_zp_ = 0, out_zp_ = 0;
  quant::QuantizedMultiplier multiplier_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
};

}  // namespace

std::unique_ptr<Kernel> CreateBatchMatMulKernel() { return std::make_unique<BatchMatMulKernel>(); }

}  // namespace tfldbg
