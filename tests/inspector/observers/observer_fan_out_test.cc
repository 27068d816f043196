// ObserverFanOut: an observer's error carries that observer's label, so
// `replay` says which part failed (a full disk under local/ is not blamed
// on the quantized run).
#include <gtest/gtest.h>

#include "observers/shadow_observer.h"

namespace tfldbg {
namespace {

class FailingObserver : public NodeObserver {
 public:
  explicit FailingObserver(bool fail) : fail_(fail) {}
  Status AfterNode(int, const NodeContext&, int64_t) override {
    return fail_ ? IoError("local/tensors/s0_t1_v0.npy: write failed: File too large") : Status::Ok();
  }

 private:
  bool fail_;
};

TEST(ObserverFanOut, LabelsTheErrorOfTheObserverThatFailed) {
  FailingObserver quant(false), local(true);
  ObserverFanOut both({&quant, &local}, {"the quantized run (quant/)", "the local float reference (local/)"});
  NodeContext node;
  ASSERT_TRUE(both.WantsNode(node));
  EXPECT_FALSE(both.observer_failed());
  const Status s = both.AfterNode(0, node, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "the local float reference (local/): local/tensors/s0_t1_v0.npy: write failed: File too large");
  EXPECT_TRUE(both.observer_failed());
}

TEST(ObserverFanOut, WithoutLabelsPassesErrorsUnchanged) {
  FailingObserver local(true);
  ObserverFanOut one({&local});
  NodeContext node;
  ASSERT_TRUE(one.WantsNode(node));
  EXPECT_EQ(one.AfterNode(0, node, 0).message(), "local/tensors/s0_t1_v0.npy: write failed: File too large");
}

}  // namespace
}  // namespace tfldbg
