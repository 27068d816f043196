// ReadJsonFile / ParseJson: bounded size and nesting, regular files only.
#include "io/json_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace tfldbg {
namespace {

TEST(JsonFile, RefusesNestingDeeperThanTheLimitWithoutRecursing) {
  // 100,000 levels: a recursive parser or printer would overflow the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto parsed = ParseJson(deep, "deep.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "deep.json: JSON nested deeper than 64 levels");
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(ParseJson(ok, "ok.json").ok());
}

TEST(JsonFile, InvalidJsonIsOneLine) {
  auto parsed = ParseJson("{\"a\": \n\x1b[2J", "bad.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().rfind("bad.json: not valid JSON: ", 0), 0u) << parsed.status().message();
}

TEST(JsonFile, RefusesFifosAndOversizedFiles) {
  const std::string dir = ::testing::TempDir();
  const std::string fifo = dir + "/json_file_test.fifo";
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto from_fifo = ReadJsonFile(fifo);  // would block forever in a plain open()
  ASSERT_FALSE(from_fifo.ok());
  EXPECT_EQ(from_fifo.status().message(), fifo + ": is a FIFO, not a regular file");
  ::unlink(fifo.c_str());

  const std::string big = dir + "/json_file_test_big.json";
  std::ofstream(big) << "[" << std::string(2000, ' ') << "]";
  auto too_big = ReadJsonFile(big, 1000);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().message(), big + ": is 2.0 KiB, over the limit of 1000 bytes");
  EXPECT_TRUE(ReadJsonFile(big).ok());
  std::remove(big.c_str());
}

}  // namespace
}  // namespace tfldbg
