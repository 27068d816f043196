// PrintableText, QuotedName and OneLine: names from a model and whole
// messages made safe to print on one line.
#include "core/text.h"

#include <gtest/gtest.h>

namespace tfldbg {
namespace {

TEST(Text, PrintableTextEscapesControlsC1AndInvalidUtf8) {
  EXPECT_EQ(PrintableText("conv/Relu6:0"), "conv/Relu6:0");
  EXPECT_EQ(PrintableText("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(PrintableText("\x1b[2J\x07"), "\\x1b[2J\\x07");
  EXPECT_EQ(PrintableText(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(PrintableText("\xc2\x9b" "31m"), "\\xc2\\x9b31m");  // U+009B CSI, a C1 control
  EXPECT_EQ(PrintableText("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(PrintableText("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac");  // valid UTF-8 stays
  EXPECT_EQ(PrintableText("back\\slash"), "back\\\\slash");
}

TEST(Text, QuotedNameQuotesTheEscapedName) { EXPECT_EQ(QuotedName("x\ny"), "'x\\ny'"); }

TEST(Text, OneLineLeavesQuotedNamesAloneAndEscapesRawOnes) {
  const std::string quoted = "tensor " + QuotedName("a\nb\\c") + " is bad";
  EXPECT_EQ(OneLine(quoted), quoted);  // escapes made at the source are not doubled
  EXPECT_EQ(OneLine("raw 'a\nb\x1b[0m'"), "raw 'a\\nb\\x1b[0m'");
  EXPECT_EQ(OneLine("C:\\path"), "C:\\path");
}

}  // namespace
}  // namespace tfldbg
