// DensifyConstant on hand-built SparsityParameters: the decoded values land
// where the format says, and malformed arrays are refused before any write.
// (tests/python/test_ops_sparse.py checks many layouts against LiteRT.)
#include "model/sparsity.h"

#include <gtest/gtest.h>

#include <cstring>

namespace tfldbg {
namespace {

struct Level {
  bool csr = false;
  int dense_size = 0;
  std::vector<int32_t> segments, indices;
};
Level Dense(int size) { return Level{false, size, {}, {}}; }
Level Csr(std::vector<int32_t> segments, std::vector<int32_t> indices) {
  return Level{true, 0, std::move(segments), std::move(indices)};
}

// Builds the parameters in `fbb` and returns them.
const tflite::SparsityParameters* Build(flatbuffers::FlatBufferBuilder& fbb, const std::vector<int32_t>& order,
                                        const std::vector<int32_t>& block_map, const std::vector<Level>& levels) {
  std::vector<flatbuffers::Offset<tflite::DimensionMetadata>> dims;
  for (const Level& l : levels) {
    if (!l.csr) {
      dims.push_back(tflite::CreateDimensionMetadata(fbb, tflite::DimensionType::DENSE, l.dense_size));
      continue;
    }
    auto seg = tflite::CreateInt32Vector(fbb, fbb.CreateVector(l.segments));
    auto idx = tflite::CreateInt32Vector(fbb, fbb.CreateVector(l.indices));
    dims.push_back(tflite::CreateDimensionMetadata(fbb, tflite::DimensionType::SPARSE_CSR, 0,
                                                   tflite::SparseIndexVector::Int32Vector, seg.Union(),
                                                   tflite::SparseIndexVector::Int32Vector, idx.Union()));
  }
  auto params = tflite::CreateSparsityParameters(fbb, fbb.CreateVector(order),
                                                 block_map.empty() ? 0 : fbb.CreateVector(block_map),
                                                 fbb.CreateVector(dims));
  fbb.Finish(params);
  return flatbuffers::GetRoot<tflite::SparsityParameters>(fbb.GetBufferPointer());
}

std::vector<float> AsFloats(const std::vector<uint8_t>& bytes) {
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

ByteView View(const std::vector<float>& values) {
  return {reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(float)};
}

TEST(DensifyConstant, RowsDenseColumnsCsr) {
  // [[0 1 0 0]
  //  [0 0 0 0]
  //  [2 0 0 3]]
  flatbuffers::FlatBufferBuilder fbb;
  const auto* s = Build(fbb, {0, 1}, {}, {Dense(3), Csr({0, 1, 1, 3}, {1, 0, 3})});
  const std::vector<float> values = {1, 2, 3};
  auto dense = DensifyConstant(*s, {3, 4}, 4, View(values), "t");
  ASSERT_TRUE(dense.ok()) << dense.status().message();
  EXPECT_EQ(AsFloats(dense->bytes), (std::vector<float>{0, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 3}));
  ASSERT_EQ(dense->levels.size(), 2u);
  EXPECT_FALSE(dense->levels[0].compressed);
  EXPECT_TRUE(dense->levels[1].compressed);
  EXPECT_EQ(dense->stored_values, 3);
}

TEST(DensifyConstant, ColumnMajorTwoByTwoBlocks) {
  // 4x4 in 2x2 blocks, blocks walked column by column; only blocks (0,1) and (1,0) stored.
  flatbuffers::FlatBufferBuilder fbb;
  const auto* s = Build(fbb, {1, 0, 2, 3}, {0, 1},
                        {Dense(2), Csr({0, 1, 2}, {1, 0}), Dense(2), Dense(2)});
  const std::vector<float> values = {1, 2, 3, 4, 5, 6, 7, 8};  // block column 0 (row block 1), then column 1 (row block 0)
  auto dense = DensifyConstant(*s, {4, 4}, 4, View(values), "t");
  ASSERT_TRUE(dense.ok()) << dense.status().message();
  EXPECT_EQ(AsFloats(dense->bytes), (std::vector<float>{0, 0, 5, 6,  //
                                                        0, 0, 7, 8,  //
                                                        1, 2, 0, 0,  //
                                                        3, 4, 0, 0}));
  EXPECT_TRUE(dense->levels[3].in_block);
  EXPECT_EQ(dense->levels[3].dimension, 1);
}

TEST(DensifyConstant, RefusesMalformedArraysInOneLine) {
  const std::vector<float> three = {1, 2, 3};
  struct Case {
    std::vector<int32_t> order;
    std::vector<Level> levels;
    std::vector<float> values;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {{0, 1}, {Dense(3), Csr({0, 1, 1, 3}, {1, 0, 4})}, three, "array_indices[2] is 4, outside [0, 4)"},
      {{0, 1}, {Dense(3), Csr({0, 1, 3}, {1, 0, 3})}, three, "array_segments has 3 entries, expected 4"},
      {{0, 1}, {Dense(3), Csr({0, 2, 1, 3}, {1, 0, 3})}, three, "array_segments decreases at entry 2"},
      {{0, 1}, {Dense(3), Csr({1, 1, 1, 3}, {1, 0, 3})}, three, "must run from 0 to the 3 indices"},
      {{1, 1}, {Dense(3), Csr({0, 1, 1, 3}, {1, 0, 3})}, three, "traversal_order [1,1] must list"},
      {{0, 1}, {Dense(2), Csr({0, 1, 1, 3}, {1, 0, 3})}, three, "dense_size is 2, expected 3"},
      {{0, 1}, {Dense(3), Csr({0, 1, 1, 3}, {1, 0, 3})}, {1, 2}, "visits 3 positions but the buffer holds 2"},
      {{0}, {Dense(3)}, three, "need 2 entries; got 1 and 1"},
  };
  for (const Case& c : cases) {
    flatbuffers::FlatBufferBuilder fbb;
    const auto* s = Build(fbb, c.order, {}, c.levels);
    auto dense = DensifyConstant(*s, {3, 4}, 4, View(c.values), "tensor 7 'w'");
    ASSERT_FALSE(dense.ok()) << c.expected;
    const std::string& m = dense.status().message();
    EXPECT_NE(m.find("tensor 7 'w': sparsity: "), std::string::npos) << m;
    EXPECT_NE(m.find(c.expected), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

TEST(DensifyConstant, RefusesAHugeDenseFormForAFewBytes) {
  flatbuffers::FlatBufferBuilder fbb;
  const auto* s = Build(fbb, {0}, {}, {Csr({0, 1}, {5})});
  const std::vector<float> one = {1};
  auto dense = DensifyConstant(*s, {1 << 30}, 4, View(one), "t");
  ASSERT_FALSE(dense.ok());
  EXPECT_NE(dense.status().message().find("exceed 2 GiB"), std::string::npos) << dense.status().message();
}

}  // namespace
}  // namespace tfldbg
