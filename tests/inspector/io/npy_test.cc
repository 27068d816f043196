#include "io/npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace tfldbg {
namespace {

TEST(Npy, HeaderIsPaddedToSixtyFourBytes) {
  auto header = NpyHeader(DataType::kInt8, {1, 8, 8, 16});
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header.value().size() % 64, 0u);
  EXPECT_NE(header.value().find("{'descr': '|i1', 'fortran_order': False, 'shape': (1, 8, 8, 16), }"), std::string::npos);
  EXPECT_EQ(header.value().back(), '\n');
  EXPECT_NE(NpyHeader(DataType::kFloat32, {5}).value().find("'shape': (5,)"), std::string::npos);
  EXPECT_NE(NpyHeader(DataType::kFloat32, {}).value().find("'shape': ()"), std::string::npos);
  EXPECT_FALSE(NpyHeader(DataType::kString, {2}).ok());
}

TEST(Npy, RoundTripsThroughAFile) {
  const std::string path = ::testing::TempDir() + "/npy_round_trip.npy";
  const float values[6] = {1.5f, -2.0f, 0.0f, 3.25f, 1e-8f, 7.0f};
  ASSERT_TRUE(WriteNpy(path, DataType::kFloat32, {2, 3}, reinterpret_cast<const uint8_t*>(values), sizeof(values)).ok());
  auto array = ReadNpy(path);
  ASSERT_TRUE(array.ok()) << array.status().message();
  EXPECT_EQ(array->type, DataType::kFloat32);
  EXPECT_EQ(array->shape, (std::vector<int32_t>{2, 3}));
  ASSERT_EQ(array->data.size(), sizeof(values));
  EXPECT_EQ(0, std::memcmp(array->data.data(), values, sizeof(values)));
  std::remove(path.c_str());
}

TEST(Npy, RefusesHostileHeadersInOneLine) {
  const std::vector<std::string> hostile = {
      "",
      "\x93NUMPY",
      std::string("\x93NUMPY\x01\x00\xff\xff{", 11),
      std::string("\x93NUMPY\x01\x00\x30\x00", 10) + "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
      std::string("\x93NUMPY\x01\x00\x30\x00", 10) + "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }",
      std::string("\x93NUMPY\x01\x00\x3a\x00", 10) + "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }",
      std::string("\x93NUMPY\x01\x00\x38\x00", 10) + "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }    ",
  };
  for (const std::string& bytes : hostile) {
    auto array = ParseNpy(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "x.npy");
    ASSERT_FALSE(array.ok()) << bytes;
    EXPECT_EQ(array.status().message().rfind("x.npy: not a usable .npy file: ", 0), 0u) << array.status().message();
    EXPECT_EQ(array.status().message().find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace tfldbg
