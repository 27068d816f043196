#include "dump/dump_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "io/npy.h"

namespace tfldbg {
namespace {

namespace fs = std::filesystem;

Tensor Int16Tensor(int index, std::vector<int16_t>& values) {
  Tensor t;
  t.index = index;
  t.type = DataType::kInt16;
  t.shape = {static_cast<int32_t>(values.size())};
  t.bytes = reinterpret_cast<uint8_t*>(values.data());
  t.byte_size = values.size() * sizeof(int16_t);
  return t;
}

TEST(NpyDirectorySink, WritesQueuedValuesAndKeepsTheBytesOfTheMomentOfStore) {
  const fs::path root = fs::path(::testing::TempDir()) / "sink_writes";
  fs::remove_all(root);
  fs::create_directories(root / "tensors");
  // A tiny queue limit, so Store has to wait for the writer many times.
  NpyDirectorySink sink(root.string(), /*max_pending_bytes=*/64);
  std::vector<int16_t> values(100);
  std::vector<std::string> names;
  for (int v = 0; v < 50; ++v) {
    for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int16_t>(v * 100 + static_cast<int>(i));
    auto name = sink.Store(Int16Tensor(7, values), 0, v);
    ASSERT_TRUE(name.ok()) << name.status().message();
    names.push_back(name.value());
    values.assign(values.size(), -1);  // the arena is reused right after Store: the file must not see this
  }
  ASSERT_TRUE(sink.Flush().ok());
  EXPECT_GT(sink.write_seconds(), 0.0);
  for (int v = 0; v < 50; ++v) {
    EXPECT_EQ(names[static_cast<size_t>(v)], "tensors/s0_t7_v" + std::to_string(v) + ".npy");
    auto array = ReadNpy((root / names[static_cast<size_t>(v)]).string());
    ASSERT_TRUE(array.ok()) << array.status().message();
    ASSERT_EQ(array->data.size(), 200u);
    int16_t first = 0, last = 0;
    std::memcpy(&first, array->data.data(), 2);
    std::memcpy(&last, array->data.data() + 198, 2);
    EXPECT_EQ(first, v * 100);
    EXPECT_EQ(last, v * 100 + 99);
  }
  fs::remove_all(root);
}

TEST(NpyDirectorySink, AWriteErrorComesBackFromFlushAndTheNextStore) {
  const fs::path root = fs::path(::testing::TempDir()) / "sink_missing_dir";  // no tensors/ inside
  fs::remove_all(root);
  NpyDirectorySink sink(root.string());
  std::vector<int16_t> values(4, 1);
  ASSERT_TRUE(sink.Store(Int16Tensor(0, values), 0, 0).ok());  // queued; fails in the writer
  const Status flushed = sink.Flush();
  ASSERT_FALSE(flushed.ok());
  EXPECT_NE(flushed.message().find("s0_t0_v0.npy: cannot create"), std::string::npos) << flushed.message();
  auto again = sink.Store(Int16Tensor(1, values), 0, 0);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(), flushed.message());
}

TEST(NpyDirectorySink, RefusesUnstorableTypesAtStore) {
  NpyDirectorySink sink(::testing::TempDir());
  std::vector<int16_t> values(2, 0);
  Tensor t = Int16Tensor(3, values);
  t.type = DataType::kString;
  auto name = sink.Store(t, 0, 0);
  ASSERT_FALSE(name.ok());
  EXPECT_NE(name.status().message().find("s0_t3_v0.npy"), std::string::npos);
  EXPECT_TRUE(sink.Flush().ok());
}

}  // namespace
}  // namespace tfldbg
