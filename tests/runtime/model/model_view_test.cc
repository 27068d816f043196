// ModelView: every shared model loads or is refused with one clear line.
#include "model/model_view.h"

#include <gtest/gtest.h>

#include <set>

#include "flatbuffers/flatbuffers.h"
#include "support/models.h"
#include "tflite_generated.h"

namespace tfldbg {
namespace {

using testing::HaveSharedModels;
using testing::SharedModels;

std::string FileName(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

void ExpectOneLine(const Status& status, const std::string& path) {
  EXPECT_FALSE(status.message().empty()) << path;
  EXPECT_EQ(status.message().find('\n'), std::string::npos) << path << ": " << status.message();
}

TEST(ModelView, LoadsEveryRealModel) {
  if (!HaveSharedModels()) GTEST_SKIP() << testing::kNoSharedModels;
  const auto models = SharedModels("real", ".tflite");
  ASSERT_GE(models.size(), 20u);
  for (const std::string& path : models) {
    auto view = ModelView::LoadFile(path);
    EXPECT_TRUE(view.ok()) << path << ": " << view.status().message();
    if (view.ok()) {
      EXPECT_GE(view->subgraph_count(), 1) << path;
    }
  }
}

// LiteRT's own runtime test files: all load except the deliberately broken ones,
// whose refusal must name the problem.
TEST(ModelView, LiteRtTestdataLoadsOrIsRefusedClearly) {
  if (!HaveSharedModels()) GTEST_SKIP() << testing::kNoSharedModels;
  const std::set<std::string> expected_refusals = {"test_model_broken.bin"};
  for (const std::string& path : SharedModels("edge-cases/litert_testdata", ".bin")) {
    auto view = ModelView::LoadFile(path);
    if (expected_refusals.count(FileName(path))) {
      EXPECT_FALSE(view.ok()) << path << " should be refused";
      if (!view.ok()) ExpectOneLine(view.status(), path);
    } else {
      EXPECT_TRUE(view.ok()) << path << ": " << view.status().message();
    }
  }
}

TEST(ModelView, HostileSeedsAndCustomOpsNeverCrash) {
  if (!HaveSharedModels()) GTEST_SKIP() << testing::kNoSharedModels;
  auto files = SharedModels("edge-cases/fuzz_seeds", ".tflite");
  for (const auto& f : SharedModels("edge-cases/custom_ops", ".tflite")) files.push_back(f);
  ASSERT_FALSE(files.empty());
  for (const std::string& path : files) {
    auto view = ModelView::LoadFile(path);
    if (!view.ok()) ExpectOneLine(view.status(), path);
  }
}

// One int8 tensor with a zero point outside int8's range and a hostile name,
// and a signature whose key is as hostile and whose input is out of range.
std::vector<uint8_t> ModelWithHostileNames(bool bad_signature) {
  flatbuffers::FlatBufferBuilder b;
  const std::string name = "x\n\x1b[2J\xc2\x9b<img src=x>";
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers = {tflite::CreateBuffer(b)};
  const std::vector<float> scale = {0.1f};
  const std::vector<int64_t> zero_point = {bad_signature ? 0 : 300};
  auto quant = tflite::CreateQuantizationParametersDirect(b, nullptr, nullptr, &scale, &zero_point);
  const std::vector<int32_t> shape = {4};
  std::vector<flatbuffers::Offset<tflite::Tensor>> tensors = {
      tflite::CreateTensorDirect(b, &shape, tflite::TensorType::INT8, 0, name.c_str(), quant)};
  const std::vector<int32_t> io = {0};
  std::vector<flatbuffers::Offset<tflite::SubGraph>> subgraphs = {
      tflite::CreateSubGraphDirect(b, &tensors, &io, &io, nullptr, name.c_str())};
  std::vector<flatbuffers::Offset<tflite::SignatureDef>> signatures;
  if (bad_signature) {
    std::vector<flatbuffers::Offset<tflite::TensorMap>> maps = {tflite::CreateTensorMapDirect(b, name.c_str(), 7)};
    signatures.push_back(tflite::CreateSignatureDefDirect(b, &maps, &maps, name.c_str(), 0));
  }
  std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes;
  auto model = tflite::CreateModelDirect(b, 3, &codes, &subgraphs, "hostile", &buffers, nullptr, nullptr, &signatures);
  tflite::FinishModelBuffer(b, model);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

TEST(ModelView, NamesFromTheModelAreEscapedInErrors) {
  auto bad_zero_point = ModelView::LoadBytes(ModelWithHostileNames(false), "h.tflite");
  ASSERT_FALSE(bad_zero_point.ok());
  EXPECT_EQ(bad_zero_point.status().message(),
            "h.tflite: subgraph 0, tensor 0 'x\\n\\x1b[2J\\xc2\\x9b<img src=x>': zero point 300 is outside int8's "
            "range [-128, 127]");
  auto bad_signature = ModelView::LoadBytes(ModelWithHostileNames(true), "s.tflite");
  ASSERT_FALSE(bad_signature.ok());
  const std::string& message = bad_signature.status().message();
  EXPECT_NE(message.find("signature 0 'x\\n\\x1b[2J\\xc2\\x9b<img src=x>': 'x\\n"), std::string::npos) << message;
  EXPECT_EQ(message.find_first_of("\n\x1b"), std::string::npos) << message;
}

TEST(ModelView, RefusesFilesThatAreNotModels) {
  auto empty = ModelView::LoadBytes({});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("too small"), std::string::npos) << empty.status().message();

  std::vector<uint8_t> junk(64, 0x41);
  auto not_tflite = ModelView::LoadBytes(junk, "junk.bin");
  ASSERT_FALSE(not_tflite.ok());
  EXPECT_NE(not_tflite.status().message().find("junk.bin: not a .tflite model: file identifier (bytes 4-7) is 'AAAA'"),
            std::string::npos)
      << not_tflite.status().message();

  auto missing = ModelView::LoadFile("/nonexistent/model.tflite");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kIo);
  EXPECT_NE(missing.status().message().find("/nonexistent/model.tflite: cannot open"), std::string::npos);
}

TEST(ModelView, AppliesThe127RuleAndNamesOps) {
  if (!HaveSharedModels()) GTEST_SKIP() << testing::kNoSharedModels;
  auto view = ModelView::LoadFile(testing::SharedModelPath("real/mlperf_tiny_kws_dscnn_int8.tflite"));
  ASSERT_TRUE(view.ok()) << view.status().message();
  const tflite::Operator& first = view->op(0, 0);
  EXPECT_EQ(view->OpName(first.opcode_index()), "CONV_2D");
  EXPECT_EQ(view->BuiltinCode(first.opcode_index()), 3);
}

TEST(ModelView, DescribesPlacesForErrors) {
  if (!HaveSharedModels()) GTEST_SKIP() << testing::kNoSharedModels;
  auto view = ModelView::LoadFile(testing::SharedModelPath("real/mlperf_tiny_kws_dscnn_int8.tflite"));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->DescribeOperator(0, 0), "subgraph 0, operator 0 (CONV_2D)");
  EXPECT_EQ(view->DescribeTensor(0, 0).rfind("subgraph 0, tensor 0 '", 0), 0u);
}

// TFLM's person detection model stores per-channel bias scales with axis 3 on
// rank-1 tensors. LiteRT refuses the file; TFLM runs it; tfldbg reads axis 0.
TEST(ModelView, PerChannelRankOneTensorsUseAxisZero) {
  if (!HaveSharedModels()) GTEST_SKIP() << testing::kNoSharedModels;
  auto view = ModelView::LoadFile(testing::SharedModelPath("real/tflm_person_detect_int8.tflite"));
  ASSERT_TRUE(view.ok()) << view.status().message();
  const QuantParams q = view->TensorQuant(0, 33);
  EXPECT_GT(q.scale.size(), 1u);
  EXPECT_EQ(q.quantized_dimension, 0);
  EXPECT_EQ(EffectiveQuantizedDimension(3, {8}, 8), 0);
  EXPECT_EQ(EffectiveQuantizedDimension(3, {1, 2, 2, 8}, 8), 3);
}

TEST(ModelView, ElementCountRefusesOverflowAndNegatives) {
  EXPECT_EQ(ElementCount({2, 3, 4}).value(), 24u);
  EXPECT_EQ(ElementCount({}).value(), 1u);
  EXPECT_FALSE(ElementCount({-1, 4}).has_value());
  EXPECT_FALSE(ElementCount({2147483647, 2147483647, 2147483647}).has_value());
  EXPECT_EQ(ElementCount({0, 2147483647}).value(), 0u);
}

}  // namespace
}  // namespace tfldbg
