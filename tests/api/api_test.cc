// The public API (include/tfldbg/tfldbg.h) as a C++ user sees it: this binary
// links libtfldbg.so alone, so it also proves the library exports what the
// headers declare.
#include "tfldbg/tfldbg.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

const std::string kExample = std::string(TFLDBG_SOURCE_DIR) + "/examples/digits/digits_int8.tflite";

class CountingObserver : public tfldbg::Observer {
 public:
  tfldbg::Status AfterNode(const tfldbg::NodeInfo& node) override {
    ++after;
    EXPECT_FALSE(node.outputs.empty());
    for (const auto& out : node.outputs) {
      EXPECT_NE(out.info, nullptr);
      EXPECT_NE(out.data, nullptr);
    }
    ops.push_back(node.op);
    return tfldbg::Status::Ok();
  }
  int after = 0;
  std::vector<std::string> ops;
};

TEST(PublicApi, RunsAModelAndSeesEveryNode) {
  auto model = tfldbg::Model::FromFile(kExample);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_TRUE(model.value().missing_ops().empty());
  CountingObserver counter;
  auto interp = tfldbg::Interpreter::Create(model.value(), {}, {&counter});
  ASSERT_TRUE(interp.ok()) << interp.status().message();
  ASSERT_EQ(interp.value()->inputs().size(), 1u);
  ASSERT_TRUE(interp.value()->SetRandomInputs(0).ok());
  ASSERT_TRUE(interp.value()->Invoke().ok());
  EXPECT_GT(counter.after, 5);
  auto out = interp.value()->Output("0");
  ASSERT_TRUE(out.ok()) << out.status().message();
  const tfldbg::TensorView& scores = out.value();
  EXPECT_EQ(scores.bytes, static_cast<size_t>(scores.element_count()) * tfldbg::DataTypeBits(scores.info->type) / 8);
  EXPECT_EQ(scores.element_count(), 10);  // one score per digit
}

TEST(PublicApi, SignaturesNameTheTensorsTheyStandFor) {
  auto model = tfldbg::Model::FromFile(kExample);
  ASSERT_TRUE(model.ok()) << model.status().message();
  const auto signatures = model.value().signatures();
  ASSERT_EQ(signatures.size(), 1u);
  EXPECT_EQ(signatures[0].key, "serving_default");
  EXPECT_EQ(signatures[0].subgraph, 0);
  auto interp = tfldbg::Interpreter::Create(model.value());
  ASSERT_TRUE(interp.ok()) << interp.status().message();
  ASSERT_EQ(signatures[0].inputs.size(), 1u);
  ASSERT_EQ(signatures[0].outputs.size(), 1u);
  EXPECT_EQ(signatures[0].inputs[0].first, "image");
  EXPECT_EQ(signatures[0].inputs[0].second, interp.value()->inputs()[0].index);
  EXPECT_EQ(signatures[0].outputs[0].first, "output_0");
  EXPECT_EQ(signatures[0].outputs[0].second, interp.value()->outputs()[0].index);
  // The model declares its input's shape signature as its shape: [1, 8, 8, 1].
  EXPECT_EQ(interp.value()->inputs()[0].shape_signature, (std::vector<int32_t>{1, 8, 8, 1}));
  for (const tfldbg::TensorInfo& t : interp.value()->tensors()) EXPECT_EQ(t.shape_signature.size(), t.shape.size()) << t.name;
}

TEST(PublicApi, InputSizesAndNamesAreCheckedInOneLine) {
  auto model = tfldbg::Model::FromFile(kExample);
  ASSERT_TRUE(model.ok());
  auto interp = tfldbg::Interpreter::Create(model.value());
  ASSERT_TRUE(interp.ok());
  std::vector<uint8_t> wrong(3);
  const tfldbg::Status s = interp.value()->SetInput("0", wrong.data(), wrong.size());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bytes"), std::string::npos) << s.message();
  EXPECT_FALSE(interp.value()->SetInput("no such input", wrong.data(), wrong.size()).ok());
  EXPECT_FALSE(interp.value()->Tensor(100000).ok());
  EXPECT_FALSE(tfldbg::Model::FromFile("/nonexistent.tflite").ok());
  EXPECT_FALSE(tfldbg::Model::FromBytes({1, 2, 3}).ok());
}

TEST(PublicApi, AnObserverStopsTheRunEarly) {
  struct Stopper : tfldbg::Observer {
    tfldbg::Status AfterNode(const tfldbg::NodeInfo& node) override {
      return node.node == 2 ? tfldbg::Cancelled("stop at 2") : tfldbg::Status::Ok();
    }
  } stopper;
  auto model = tfldbg::Model::FromFile(kExample);
  auto interp = tfldbg::Interpreter::Create(model.value(), {}, {&stopper});
  ASSERT_TRUE(interp.ok());
  ASSERT_TRUE(interp.value()->SetRandomInputs(1).ok());
  const tfldbg::Status s = interp.value()->Invoke();
  EXPECT_EQ(s.code(), tfldbg::ErrorCode::kCancelled);
}

TEST(PublicApi, WritesADump) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "api_dump";
  std::filesystem::remove_all(dir);
  auto model = tfldbg::Model::FromFile(kExample);
  auto interp = tfldbg::Interpreter::Create(model.value());
  ASSERT_TRUE(interp.ok());
  ASSERT_TRUE(interp.value()->SetRandomInputs(0).ok());
  const tfldbg::Status s = interp.value()->InvokeAndDump(dir.string());
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(std::filesystem::exists(dir / "manifest.json"));
  EXPECT_FALSE(std::filesystem::is_empty(dir / "tensors"));
  // Not again without force, and never over something that is not a dump.
  EXPECT_FALSE(interp.value()->InvokeAndDump(dir.string()).ok());
  tfldbg::DumpOptions force;
  force.force = true;
  EXPECT_TRUE(interp.value()->InvokeAndDump(dir.string(), force).ok());
  std::filesystem::remove_all(dir);
}

// Options::kernels = Kernels::kXnnpack: the dump says so, and marks the nodes
// LiteRT's XNNPACK delegate takes (the example's CONV_2D, FULLY_CONNECTED...).
TEST(PublicApi, XnnpackKernelsMarkTheDelegatedNodes) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "api_xnnpack_dump";
  std::filesystem::remove_all(dir);
  auto model = tfldbg::Model::FromFile(kExample);
  ASSERT_TRUE(model.ok());
  tfldbg::Options options;
  options.kernels = tfldbg::Kernels::kXnnpack;
  auto interp = tfldbg::Interpreter::Create(model.value(), options);
  ASSERT_TRUE(interp.ok()) << interp.status().message();
  ASSERT_TRUE(interp.value()->SetRandomInputs(0).ok());
  ASSERT_TRUE(interp.value()->InvokeAndDump(dir.string()).ok());
  std::ifstream in(dir / "manifest.json");
  const std::string manifest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(manifest.find("\"kernels\": \"xnnpack\""), std::string::npos);
  EXPECT_NE(manifest.find("\"xnnpack\": true"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// A custom op from C++: the model's custom op "Sinh" (LiteRT's custom_sinh.bin
// when ../shared is present).
int PrepareSame(TfldbgCustomOpContext* ctx) {
  ctx->outputs[0].type = ctx->inputs[0].type;
  ctx->outputs[0].rank = ctx->inputs[0].rank;
  for (int i = 0; i < ctx->inputs[0].rank; ++i) ctx->outputs[0].shape[i] = ctx->inputs[0].shape[i];
  return 0;
}
int EvalSinh(TfldbgCustomOpContext* ctx) {
  const float* x = static_cast<const float*>(ctx->inputs[0].data);
  float* y = static_cast<float*>(ctx->outputs[0].data);
  for (uint64_t i = 0; i < ctx->outputs[0].bytes / 4; ++i) y[i] = std::sinh(x[i]);
  return 0;
}

TEST(PublicApi, RunsACustomOpRegisteredByTheProgram) {
  const std::string path = std::string(TFLDBG_SOURCE_DIR) + "/../shared/models/edge-cases/litert_testdata/custom_sinh.bin";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "../shared/models is absent";
  auto model = tfldbg::Model::FromFile(path);
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model.value().missing_ops(), std::vector<std::string>{"CUSTOM:Sinh"});
  EXPECT_FALSE(tfldbg::Interpreter::Create(model.value()).ok());
  tfldbg::CustomOps ops;
  ASSERT_TRUE(ops.Register({TFLDBG_CUSTOM_OP_ABI_VERSION, "Sinh", PrepareSame, EvalSinh, nullptr}).ok());
  EXPECT_FALSE(ops.Register({TFLDBG_CUSTOM_OP_ABI_VERSION, "Sinh", PrepareSame, EvalSinh, nullptr}).ok());
  EXPECT_FALSE(ops.Register({99, "Other", PrepareSame, EvalSinh, nullptr}).ok());
  auto interp = tfldbg::Interpreter::Create(model.value(), {}, {}, &ops);
  ASSERT_TRUE(interp.ok()) << interp.status().message();
  const float x = 0.75f;
  ASSERT_TRUE(interp.value()->SetInput("0", &x, sizeof x).ok());
  ASSERT_TRUE(interp.value()->Invoke().ok());
  EXPECT_FLOAT_EQ(*interp.value()->Output("0").value().as<float>(), std::sinh(0.75f));
}

}  // namespace
