// QuantizeIntoTensor (the float -> integer border of mixed execution) against
// values worked out by hand, and its round trip with DequantizeTensor.
#include "interpreter/float_shadow.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace tfldbg {
namespace {

Tensor Int8Tensor(std::vector<int32_t> shape, std::vector<float> scales, std::vector<int64_t> zero_points,
                  std::vector<int8_t>& storage, int axis = 0) {
  Tensor t;
  t.index = 3;
  t.name = "t";
  t.type = DataType::kInt8;
  t.shape = std::move(shape);
  t.quant.scale = std::move(scales);
  t.quant.zero_point = std::move(zero_points);
  t.quant.quantized_dimension = axis;
  storage.assign(static_cast<size_t>(t.element_count()), 0);
  t.bytes = reinterpret_cast<uint8_t*>(storage.data());
  t.byte_size = storage.size();
  return t;
}

TEST(QuantizeIntoTensor, PerTensorRoundsHalfAwayAndClamps) {
  std::vector<int8_t> q;
  Tensor t = Int8Tensor({6}, {0.5f}, {-3}, q);
  // x / 0.5 = 0.5 -> 1 (away from zero), -0.5 -> -1, 2.4 -> 2; then + zp -3; 100 and -100 clamp
  const std::vector<float> x = {0.25f, -0.25f, 1.2f, 50.0f, -70.0f, 0.0f};
  ASSERT_TRUE(QuantizeIntoTensor(x.data(), t).ok());
  EXPECT_EQ(q, (std::vector<int8_t>{-2, -4, -1, 97, -128, -3}));
}

TEST(QuantizeIntoTensor, PerChannelUsesEachChannelsScale) {
  std::vector<int8_t> q;
  Tensor t = Int8Tensor({2, 3}, {0.1f, 1.0f}, {0, 5}, q);  // channels along axis 0
  const std::vector<float> x = {0.3f, -0.3f, 20.0f, 0.3f, -3.0f, 200.0f};
  ASSERT_TRUE(QuantizeIntoTensor(x.data(), t).ok());
  EXPECT_EQ(q, (std::vector<int8_t>{3, -3, 127, 5, 2, 127}));
}

TEST(QuantizeIntoTensor, RoundTripIsWithinHalfAStep) {
  std::vector<int8_t> q;
  Tensor t = Int8Tensor({64}, {0.037f}, {11}, q);
  std::vector<float> x(64), back(64);
  for (int i = 0; i < 64; ++i) x[static_cast<size_t>(i)] = -2.0f + 0.07f * static_cast<float>(i);
  ASSERT_TRUE(QuantizeIntoTensor(x.data(), t).ok());
  ASSERT_TRUE(DequantizeTensor(t, back.data()).ok());
  for (int i = 0; i < 64; ++i) EXPECT_NEAR(back[static_cast<size_t>(i)], x[static_cast<size_t>(i)], 0.037 / 2 + 1e-6);
}

TEST(QuantizeIntoTensor, RefusesConstantsAndTensorsWithoutScales) {
  std::vector<int8_t> q;
  Tensor t = Int8Tensor({2}, {0.5f}, {0}, q);
  const std::vector<float> x = {1.0f, 2.0f};
  t.kind = TensorKind::kConstant;
  EXPECT_FALSE(QuantizeIntoTensor(x.data(), t).ok());
  t.kind = TensorKind::kIntermediate;
  t.quant.scale.clear();
  t.quant.zero_point.clear();
  const Status s = QuantizeIntoTensor(x.data(), t);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no scales and zero points"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace tfldbg
