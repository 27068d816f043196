// Corruption tests: every real model truncated at 64 points and hit by 10,000
// seeded random byte edits (TFLDBG_CORRUPTION_EDITS=N sets another count: CI
// runs a seeded subset of the same sequence to fit its time; docs/fuzzing.md
// gives the full-size command). Whatever the bytes, loading, reporting and
// preparing must end in a value or one clear line: never a crash, a hang or a
// sanitizer report (this suite also runs under the asan preset).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "interpreter/engine.h"
#include "model/model_view.h"
#include "report/model_info.h"
#include "support/models.h"

namespace tfldbg {
namespace {

constexpr int kTruncationPoints = 64;
constexpr int kRandomEdits = 10000;

// The number of random edits per model: TFLDBG_CORRUPTION_EDITS, else 10,000.
// The edits are the same seeded sequence whatever the count, so a smaller run
// is a prefix of the full one.
int RandomEdits() {
  const char* text = std::getenv("TFLDBG_CORRUPTION_EDITS");
  if (text == nullptr || *text == '\0') return kRandomEdits;
  const long n = std::strtol(text, nullptr, 10);
  return n > 0 && n <= 10000000 ? static_cast<int>(n) : kRandomEdits;
}
constexpr size_t kInvokeBelowBytes = 64 * 1024;  // run Invoke too on small models

struct Outcome {
  int loaded = 0;
  int refused = 0;
  int prepared = 0;
};

// Loads, reports and prepares (and for small models runs) one byte string.
void Exercise(std::vector<uint8_t> bytes, Outcome& outcome, const std::string& label) {
  const bool small = bytes.size() < kInvokeBelowBytes;
  auto view = ModelView::LoadBytes(std::move(bytes), label);
  if (!view.ok()) {
    ++outcome.refused;
    ASSERT_EQ(view.status().message().find('\n'), std::string::npos) << view.status().message();
    ASSERT_FALSE(view.status().message().empty());
    return;
  }
  ++outcome.loaded;
  const nlohmann::json info = ModelInfoJson(view.value(), {});
  (void)info.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  InterpreterOptions options;
  options.max_arena_bytes = size_t{64} << 20;
  options.max_loop_iterations = 10000;  // a mutated loop bound must not make the suite crawl
  auto interp = Engine::Create(view.value(), options);
  if (!interp.ok()) {
    ASSERT_EQ(interp.status().message().find('\n'), std::string::npos) << interp.status().message();
    return;
  }
  ++outcome.prepared;
  if (small) {
    Status s = interp.value()->Invoke();
    if (!s.ok()) {
      ASSERT_EQ(s.message().find('\n'), std::string::npos) << s.message();
    }
  }
}

class CorruptionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CorruptionTest, TruncatedAndEditedModelsNeverCrash) {
  if (!testing::HaveSharedModels()) GTEST_SKIP() << testing::kNoSharedModels;
  const std::string path = GetParam();
  const std::vector<uint8_t> original = testing::ReadFileBytes(path);
  ASSERT_FALSE(original.empty()) << path;
  Outcome outcome;
  for (int i = 0; i < kTruncationPoints; ++i) {
    const size_t cut = original.size() * static_cast<size_t>(i) / kTruncationPoints;
    Exercise(std::vector<uint8_t>(original.begin(), original.begin() + static_cast<long>(cut)), outcome, "truncated");
    if (HasFatalFailure()) return;
  }
  std::mt19937 rng(0x7f1db9u ^ static_cast<uint32_t>(original.size()));
  std::uniform_int_distribution<size_t> position(0, original.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255), edits(1, 8);
  // Edits concentrate on the flatbuffer's tables (the front and the back of the
  // file) as often as on constant data, where most bytes are harmless.
  std::uniform_int_distribution<size_t> near_front(0, std::min<size_t>(original.size() - 1, 4096));
  std::vector<uint8_t> mutated = original;
  const int random_edits = RandomEdits();
  for (int i = 0; i < random_edits; ++i) {
    const int n = edits(rng);
    std::vector<std::pair<size_t, uint8_t>> undo;
    for (int e = 0; e < n; ++e) {
      const size_t at = (rng() & 1) ? position(rng) : near_front(rng);
      undo.emplace_back(at, mutated[at]);
      mutated[at] = static_cast<uint8_t>(byte(rng));
    }
    Exercise(mutated, outcome, "edited");
    if (HasFatalFailure()) return;
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) mutated[it->first] = it->second;
  }
  RecordProperty("loaded", outcome.loaded);
  RecordProperty("refused", outcome.refused);
  std::printf("%s: %d loaded (%d prepared), %d refused\n", path.substr(path.find_last_of('/') + 1).c_str(),
              outcome.loaded, outcome.prepared, outcome.refused);
}

std::vector<std::string> RealModels() {
  auto models = testing::SharedModels("real", ".tflite");
  if (models.empty()) models.push_back("(no shared models)");
  return models;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(info.param.find_last_of('/') + 1);
  for (char& c : name) if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(RealModels, CorruptionTest, ::testing::ValuesIn(RealModels()), TestName);

// Control flow (subgraphs calling subgraphs, loops, resource variables),
// recurrent state and dynamic shapes.
std::vector<std::string> ControlFlowModels() {
  if (!testing::HaveSharedModels()) return {"(absent)"};
  std::vector<std::string> out;
  for (const char* name : {"multi_subgraphs_while.bin", "call_once_mul.bin", "nested_while.bin", "dynamic_shapes.bin",
                           "unidirectional_sequence_lstm.bin", "lstm.bin"}) {
    out.push_back(testing::SharedModelPath(std::string("edge-cases/litert_testdata/") + name));
  }
  return out;
}
INSTANTIATE_TEST_SUITE_P(ControlFlowModels, CorruptionTest, ::testing::ValuesIn(ControlFlowModels()), TestName);

// Sparse constants in every layout tfldbg decodes (tests/data/make_sparse_layouts.py).
INSTANTIATE_TEST_SUITE_P(SparseModels, CorruptionTest,
                         ::testing::Values(std::string(TFLDBG_SOURCE_DIR) + "/tests/data/sparse_layouts.tflite"), TestName);

}  // namespace
}  // namespace tfldbg
