#include "io/npy.h"

#include "tensor/tensor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
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

TEST(Npy, StringsRoundTripAsByteStrings) {
  const std::string path = ::testing::TempDir() + "/npy_strings.npy";
  const std::string nul_inside("a\0b", 3);
  const std::vector<uint8_t> packed = PackStrings({"", "long string", nul_inside, "\xff"});
  ASSERT_TRUE(WriteNpy(path, DataType::kString, {2, 2}, packed.data(), packed.size()).ok());
  auto file = NpyFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->header().descr, "|S11");
  EXPECT_EQ(file->header().type, DataType::kString);
  EXPECT_EQ(file->header().shape, (std::vector<int32_t>{2, 2}));
  std::vector<uint8_t> data(file->header().data_bytes);
  ASSERT_TRUE(file->ReadData(data.data(), data.size()).ok());
  auto back = NpyStringsToPacked(file->header(), data.data(), data.size(), path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back.value(), packed);
  // A buffer that is not a string tensor's is refused, not written.
  const std::vector<uint8_t> broken = {9, 0, 0, 0};
  EXPECT_FALSE(WriteNpy(path, DataType::kString, {9}, broken.data(), broken.size()).ok());
  std::remove(path.c_str());
}

TEST(Npy, UnicodeStringsBecomeUtf8) {
  // '<U2' elements: "\u00e9" and U+1F600, NUL-padded UTF-32.
  const uint32_t text[4] = {0xe9, 0, 0x1f600, 0};
  NpyHeaderInfo header;
  header.type = DataType::kString;
  header.shape = {2};
  header.string_width = 2;
  header.unicode = true;
  header.data_bytes = sizeof(text);
  auto packed = NpyStringsToPacked(header, reinterpret_cast<const uint8_t*>(text), sizeof(text), "x.npy");
  ASSERT_TRUE(packed.ok());
  Tensor t;
  t.type = DataType::kString;
  t.bytes = packed.value().data();
  t.byte_size = packed.value().size();
  EXPECT_EQ(StringAt(t, 0), "\xc3\xa9");
  EXPECT_EQ(StringAt(t, 1), "\xf0\x9f\x98\x80");
  const uint32_t surrogate[2] = {0xd800, 0};
  header.data_bytes = sizeof(surrogate);
  header.shape = {1};
  EXPECT_FALSE(NpyStringsToPacked(header, reinterpret_cast<const uint8_t*>(surrogate), sizeof(surrogate), "x.npy").ok());
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


std::string Header(const std::string& dict_text) {
  std::string dict = dict_text;
  dict.append(63 - (10 + dict.size()) % 64, ' ');
  dict += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(dict.size() & 0xff) + static_cast<char>(dict.size() >> 8) +
         dict;
}

TEST(Npy, RefusesFifosAndDevicesWithoutBlockingOrReading) {
  const std::string fifo = ::testing::TempDir() + "/npy_test.fifo";
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto from_fifo = ReadNpy(fifo);  // a plain fopen() blocks here until a writer comes
  ASSERT_FALSE(from_fifo.ok());
  EXPECT_EQ(from_fifo.status().message(), fifo + ": is a FIFO, not a regular file");
  ::unlink(fifo.c_str());
  auto from_zero = ReadNpy("/dev/zero");  // read until bad_alloc before
  ASSERT_FALSE(from_zero.ok());
  EXPECT_EQ(from_zero.status().message(), "/dev/zero: is a device, not a regular file");
}

TEST(Npy, ChecksTheHeaderAgainstTheFileSizeBeforeAllocating) {
  // A small file whose header claims 1 GiB: refused from the two sizes alone.
  const std::string path = ::testing::TempDir() + "/npy_lying.npy";
  std::ofstream(path, std::ios::binary) << Header("{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }")
                                        << std::string(1000, '\0');
  auto opened = NpyFile::Open(path);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().message(), path + ": not a usable .npy file: shape (268435456,) of <f4 needs 1073741824 "
                                              "data bytes, the file has 1000");
  std::remove(path.c_str());
}

TEST(Npy, OpenReadsOnlyTheHeaderAndHonoursTheDataLimit) {
  const std::string path = ::testing::TempDir() + "/npy_header_only.npy";
  const float values[4] = {1, 2, 3, 4};
  ASSERT_TRUE(WriteNpy(path, DataType::kFloat32, {2, 2}, reinterpret_cast<const uint8_t*>(values), sizeof values).ok());
  auto npy = NpyFile::Open(path);
  ASSERT_TRUE(npy.ok()) << npy.status().message();
  EXPECT_EQ(npy->header().type, DataType::kFloat32);
  EXPECT_EQ(npy->header().shape, (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(npy->header().data_bytes, sizeof values);
  float read[4] = {};
  EXPECT_FALSE(npy->ReadData(reinterpret_cast<uint8_t*>(read), 8).ok());  // the size must match
  ASSERT_TRUE(npy->ReadData(reinterpret_cast<uint8_t*>(read), sizeof read).ok());
  EXPECT_EQ(0, std::memcmp(read, values, sizeof read));

  auto capped = ReadNpy(path, 8);
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.status().message(), path + ": holds 16 bytes of data, over the limit of 8 bytes");
  std::remove(path.c_str());
}

TEST(Npy, RefusesHeaderLengthsOverTheLimitAndEscapesWhatItQuotes) {
  std::string huge("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12);
  huge += std::string(100, ' ');
  auto a = ParseNpy(reinterpret_cast<const uint8_t*>(huge.data()), huge.size(), "h.npy");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "h.npy: not a usable .npy file: the header length 2147483647 is over the limit of "
                                  "65536 bytes");
  const std::string bad = Header("{'descr': '<f4\x1b[2J', 'fortran_order': False, 'shape': (1,\n), }");
  auto b = ParseNpy(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), "b.npy");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "b.npy: not a usable .npy file: dtype '<f4\\x1b[2J' is not supported (little-endian "
                                  "numeric, bool, and 'S' or 'U' strings only)");
}

}  // namespace
}  // namespace tfldbg
