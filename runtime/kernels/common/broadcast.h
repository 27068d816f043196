// N-D broadcasting (NumPy rules, up to 6 dimensions; equal shapes of any rank)
// for elementwise ops.
//
//   Broadcast b;
//   if (!b.Init(shape1, shape2)) ...incompatible...
//   b.ForEach([&](int64_t out, int64_t i1, int64_t i2) { y[out] = x1[i1] + x2[i2]; });
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace tfldbg::math {

class Broadcast {
 public:
  static constexpr int kMaxRank = 6;

  // False when the shapes cannot broadcast or, differing, have more than
  // kMaxRank dims (equal shapes of any rank walk flat, as LiteRT's kernels do).
  bool Init(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    if (a == b) {
      output_ = a;
      same_shape_ = true;
      return true;
    }
    const size_t rank = std::max(a.size(), b.size());
    if (rank > kMaxRank) return false;
    output_.assign(rank, 1);
    std::vector<int32_t> pa(rank, 1), pb(rank, 1);
    std::copy(a.begin(), a.end(), pa.begin() + static_cast<long>(rank - a.size()));
    std::copy(b.begin(), b.end(), pb.begin() + static_cast<long>(rank - b.size()));
    for (size_t i = 0; i < rank; ++i) {
      if (pa[i] != pb[i] && pa[i] != 1 && pb[i] != 1) return false;
      output_[i] = pa[i] == 1 ? pb[i] : pa[i];
    }
    // Strides over a kMaxRank box, 0 where an input is broadcast.
    dims_.fill(1);
    stride_a_.fill(0);
    stride_b_.fill(0);
    int64_t sa = 1, sb = 1;
    for (int i = static_cast<int>(rank) - 1; i >= 0; --i) {
      const int box = kMaxRank - static_cast<int>(rank) + i;
      dims_[static_cast<size_t>(box)] = output_[static_cast<size_t>(i)];
      stride_a_[static_cast<size_t>(box)] = pa[static_cast<size_t>(i)] == 1 ? 0 : sa;
      stride_b_[static_cast<size_t>(box)] = pb[static_cast<size_t>(i)] == 1 ? 0 : sb;
      sa *= pa[static_cast<size_t>(i)];
      sb *= pb[static_cast<size_t>(i)];
    }
    same_shape_ = false;
    return true;
  }

  const std::vector<int32_t>& output_shape() const { return output_; }

  // Calls fn(output_index, index_in_a, index_in_b) in output order.
  template <typename Fn>
  void ForEach(Fn fn) const {
    if (same_shape_) {
      int64_t n = 1;
      for (int32_t d : output_) n *= d;
      for (int64_t i = 0; i < n; ++i) fn(i, i, i);
      return;
    }
    int64_t out = 0;
    for (int d0 = 0; d0 < dims_[0]; ++d0)
      for (int d1 = 0; d1 < dims_[1]; ++d1)
        for (int d2 = 0; d2 < dims_[2]; ++d2)
          for (int d3 = 0; d3 < dims_[3]; ++d3)
            for (int d4 = 0; d4 < dims_[4]; ++d4)
              for (int d5 = 0; d5 < dims_[5]; ++d5) {
                const int64_t ia = d0 * stride_a_[0] + d1 * stride_a_[1] + d2 * stride_a_[2] + d3 * stride_a_[3] +
                                   d4 * stride_a_[4] + d5 * stride_a_[5];
                const int64_t ib = d0 * stride_b_[0] + d1 * stride_b_[1] + d2 * stride_b_[2] + d3 * stride_b_[3] +
                                   d4 * stride_b_[4] + d5 * stride_b_[5];
                fn(out++, ia, ib);
              }
  }

 private:
  std::vector<int32_t> output_;
  std::array<int32_t, kMaxRank> dims_{};
  std::array<int64_t, kMaxRank> stride_a_{};
  std::array<int64_t, kMaxRank> stride_b_{};
  bool same_shape_ = false;
};

}  // namespace tfldbg::math

namespace tfldbg::math {

// NumPy broadcasting of kOperands operands over up to 8 dimensions: the limit
// of LiteRT's newer elementwise kernels (BroadcastBinaryOpSimple behind DIV,
// POW, MAXIMUM, FLOOR_DIV, ...; BroadcastSelectSimple behind SELECT_V2), where
// Broadcast above keeps the 6 of ADD, SUB and MUL.
//
//   BroadcastN<3> b;
//   if (!b.Init({&cond.shape, &x.shape, &y.shape})) ...incompatible...
//   b.ForEach([&](int64_t out, const std::array<int64_t, 3>& in) { y[out] = c[in[0]] ? x[in[1]] : z[in[2]]; });
template <int kOperands>
class BroadcastN {
 public:
  static constexpr int kMaxRank = 8;
  using Indices = std::array<int64_t, kOperands>;

  // False when the shapes cannot broadcast or, differing, have more than
  // kMaxRank dims (equal shapes of any rank walk flat, as LiteRT does).
  bool Init(const std::array<const std::vector<int32_t>*, kOperands>& shapes) {
    bool same = true;
    size_t rank = 0;
    for (const auto* s : shapes) {
      same = same && *s == *shapes[0];
      rank = std::max(rank, s->size());
    }
    same_shape_ = same;
    if (same) {
      output_ = *shapes[0];
      return true;
    }
    if (rank > kMaxRank) return false;
    rank_ = static_cast<int>(rank);
    output_.assign(rank, 1);
    // A dimension is 1 in every operand, or one size n (0 included) in each
    // operand where it is not 1.
    for (size_t i = 0; i < rank; ++i) {
      int32_t size = 1;
      for (const auto* s : shapes) {
        const int32_t d = Padded(*s, rank, i);
        if (d == 1) continue;
        if (size != 1 && d != size) return false;
        size = d;
      }
      output_[i] = size;
    }
    for (int k = 0; k < kOperands; ++k) {
      int64_t accumulated = 1;
      for (int i = rank_ - 1; i >= 0; --i) {
        const int32_t d = Padded(*shapes[static_cast<size_t>(k)], rank, static_cast<size_t>(i));
        strides_[static_cast<size_t>(k)][static_cast<size_t>(i)] = d == 1 ? 0 : accumulated;
        accumulated *= d;
      }
    }
    return true;
  }

  const std::vector<int32_t>& output_shape() const { return output_; }

  // Calls fn(output_index, indices_in_each_operand) in output order.
  template <typename Fn>
  void ForEach(Fn fn) const {
    int64_t total = 1;
    for (int32_t d : output_) total *= d;
    if (total <= 0) return;
    Indices at{};
    if (same_shape_) {
      for (int64_t i = 0; i < total; ++i) {
        at.fill(i);
        fn(i, at);
      }
      return;
    }
    // An odometer over the outer dimensions, the last one walked inline.
    const int inner = rank_ - 1;
    std::array<int32_t, kMaxRank> counter{};
    Indices base{};
    int64_t out = 0;
    for (;;) {
      for (int32_t j = 0; j < output_[static_cast<size_t>(inner)]; ++j) {
        for (int k = 0; k < kOperands; ++k) {
          at[static_cast<size_t>(k)] = base[static_cast<size_t>(k)] + j * strides_[static_cast<size_t>(k)][static_cast<size_t>(inner)];
        }
        fn(out++, at);
      }
      int d = inner - 1;
      for (; d >= 0; --d) {
        const size_t ud = static_cast<size_t>(d);
        for (int k = 0; k < kOperands; ++k) base[static_cast<size_t>(k)] += strides_[static_cast<size_t>(k)][ud];
        if (++counter[ud] < output_[ud]) break;
        for (int k = 0; k < kOperands; ++k) {
          base[static_cast<size_t>(k)] -= strides_[static_cast<size_t>(k)][ud] * output_[ud];
        }
        counter[ud] = 0;
      }
      if (d < 0) return;
    }
  }

 private:
  static int32_t Padded(const std::vector<int32_t>& shape, size_t rank, size_t i) {
    const size_t lead = rank - shape.size();
    return i < lead ? 1 : shape[i - lead];
  }

  std::vector<int32_t> output_;
  int rank_ = 0;
  bool same_shape_ = false;
  std::array<std::array<int64_t, kMaxRank>, kOperands> strides_{};
};

}  // namespace tfldbg::math
