#include "kernels/registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tfldbg {
namespace {

TEST(OpTable, HasOneRowForEveryOperatorOfTheSchema) {
  std::set<std::string> rows;
  for (const OpInfo& op : AllOps()) EXPECT_TRUE(rows.insert(op.name).second) << op.name << " has two rows";
  for (const tflite::BuiltinOperator code : tflite::EnumValuesBuiltinOperator()) {
    const std::string name = tflite::EnumNameBuiltinOperator(code);
    if (name == "CUSTOM" || name == "DELEGATE" || name == "PLACEHOLDER_FOR_GREATER_OP_CODES") continue;
    const OpInfo* op = FindBuiltinOp(static_cast<int32_t>(code));
    ASSERT_NE(op, nullptr) << name << " has no row in kernels/op_table.h";
    EXPECT_EQ(op->name, name);
  }
}

TEST(OpTable, EveryRowNamesAFamilyAndEitherAKernelWithTypesOrWhyNot) {
  for (const OpInfo& op : AllOps()) {
    EXPECT_NE(std::string(op.family), "") << op.name;
    if (op.supported()) {
      EXPECT_NE(std::string(op.dtypes), "") << op.name << " runs but lists no types";
    } else {
      EXPECT_NE(std::string(op.why_not), "") << op.name << " says neither what runs it nor why not";
    }
  }
}

TEST(OpTable, CarriesTheFactsTheInterpreterUses) {
  EXPECT_TRUE(FindBuiltinOp(static_cast<int32_t>(tflite::BuiltinOperator::FULLY_CONNECTED))->RoundsOnce());
  EXPECT_FALSE(FindBuiltinOp(static_cast<int32_t>(tflite::BuiltinOperator::CONV_2D))->RoundsOnce());
  EXPECT_TRUE(FindBuiltinOp(static_cast<int32_t>(tflite::BuiltinOperator::QUANTIZE))->ShadowIdentity());
  EXPECT_TRUE(FindBuiltinOp(static_cast<int32_t>(tflite::BuiltinOperator::DENSIFY))->MayReadSparse(0));
  EXPECT_TRUE(FindBuiltinOp(static_cast<int32_t>(tflite::BuiltinOperator::FULLY_CONNECTED))->MayReadSparse(1));
  EXPECT_FALSE(FindBuiltinOp(static_cast<int32_t>(tflite::BuiltinOperator::FULLY_CONNECTED))->MayReadSparse(0));
  EXPECT_EQ(FindBuiltinOp(-1), nullptr);
  EXPECT_EQ(FindBuiltinOp(100000), nullptr);
  EXPECT_NE(FindCustomOp("TFLite_Detection_PostProcess"), nullptr);
  EXPECT_EQ(FindCustomOp("NoSuchOp"), nullptr);
}

}  // namespace
}  // namespace tfldbg
