#include "dump/dump_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
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


// --force replaces only what tfldbg wrote. Each case runs from its own working
// directory, since the working directory and its parents are never replaced.
class ForceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Its own directory: ctest runs the cases in parallel processes.
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) / ("force_test_" + std::string(test->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "work");
    previous_ = fs::current_path();
    fs::current_path(root_ / "work");
  }
  void TearDown() override {
    fs::current_path(previous_);
    fs::remove_all(root_);
  }
  static void WriteText(const fs::path& path, const std::string& text) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  static Status DumpInto(const std::string& target, bool force) {
    auto dir = DumpDirectory::Begin(target, force);
    if (!dir.ok()) return dir.status();
    return dir->Finish({{"format", kDumpFormat}, {"version", 1}});
  }
  fs::path root_;
  fs::path previous_;
};

TEST_F(ForceTest, NeverReplacesTheWorkingDirectoryOrItsParentsOrTheRoot) {
  WriteText("precious.txt", "keep");
  for (const char* target : {".", "./", "..", "/", "//", "../work"}) {
    const Status s = DumpInto(target, /*force=*/true);
    EXPECT_FALSE(s.ok()) << target;
  }
  EXPECT_TRUE(fs::exists("precious.txt"));
  // No staging directory is left behind.
  for (const auto& entry : fs::directory_iterator(root_)) EXPECT_EQ(entry.path().filename(), "work");
}

TEST_F(ForceTest, NeverReplacesADirectoryThatIsNotADump) {
  WriteText("project/src/main.cc", "int main() {}");
  Status s = DumpInto("project", /*force=*/true);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not a tfldbg dump"), std::string::npos) << s.message();
  WriteText("other/manifest.json", R"({"format": "something-else"})");
  EXPECT_FALSE(DumpInto("other", /*force=*/true).ok());
  WriteText("deep/manifest.json", std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_FALSE(DumpInto("deep", /*force=*/true).ok());
  EXPECT_TRUE(fs::exists("project/src/main.cc"));
  EXPECT_TRUE(fs::exists("other/manifest.json"));
}

TEST_F(ForceTest, NeverReplacesAFileOrASymlinkOrTheHomeDirectory) {
  WriteText("file.txt", "keep");
  EXPECT_FALSE(DumpInto("file.txt", /*force=*/true).ok());
  ASSERT_TRUE(DumpInto("real", /*force=*/false).ok());
  fs::create_directory_symlink("real", "link");
  EXPECT_FALSE(DumpInto("link", /*force=*/true).ok());
  EXPECT_TRUE(fs::is_symlink("link"));
  fs::create_directories(root_ / "home");
  const char* old_home = std::getenv("HOME");
  const std::string saved = old_home ? old_home : "";
  ::setenv("HOME", (root_ / "home").c_str(), 1);
  const Status s = DumpInto((root_ / "home").string(), /*force=*/true);
  if (old_home) ::setenv("HOME", saved.c_str(), 1); else ::unsetenv("HOME");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("home directory"), std::string::npos) << s.message();
}

TEST_F(ForceTest, ReplacesADumpOrAnEmptyDirectoryAndNothingWithoutForce) {
  ASSERT_TRUE(DumpInto("d", /*force=*/false).ok());
  WriteText("d/tensors/old.npy", "old");
  EXPECT_FALSE(DumpInto("d", /*force=*/false).ok());
  ASSERT_TRUE(DumpInto("d/", /*force=*/true).ok());
  EXPECT_FALSE(fs::exists("d/tensors/old.npy"));
  EXPECT_TRUE(fs::exists("d/manifest.json"));
  fs::create_directory("empty");
  EXPECT_TRUE(DumpInto("empty", /*force=*/true).ok());
  EXPECT_TRUE(fs::exists("empty/manifest.json"));
  // Nothing but the two dumps is left: no staging or old directories.
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(".")) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 2);
}

TEST_F(ForceTest, TheOldDumpStaysWholeUntilTheNewOneIsComplete) {
  ASSERT_TRUE(DumpInto("d", /*force=*/false).ok());
  auto dir = DumpDirectory::Begin("d", /*force=*/true);
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  // Begin deleted nothing; an abandoned run leaves the old dump as it was.
  EXPECT_TRUE(fs::exists("d/manifest.json"));
  ASSERT_TRUE(dir->Abandon({{"format", kDumpFormat}}).ok());
  EXPECT_TRUE(fs::exists("d/manifest.json"));
}
}  // namespace
}  // namespace tfldbg
