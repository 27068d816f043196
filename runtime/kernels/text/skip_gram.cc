// SKIP_GRAM: the skip-grams of the first string of the input, as LiteRT's
// kernel makes them (tflite/kernels/skip_gram.cc): the string is cut into
// words at C-locale white space (LiteRT's loop never treats the first byte as
// a separator, so a leading space stays in the first word); then, in LiteRT's
// order, every sequence of ngram_size words (every size from 1 to ngram_size
// with include_all_ngrams) whose neighbours are at most max_skip_size words
// apart, joined with one space. The output is a vector whose length depends on
// the value: the node is prepared again once the input holds it.
#include <string>
#include <string_view>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

class SkipGramKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kString}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kString}));
    const auto* o = node.options<tflite::SkipGramOptions>();
    ngram_size_ = o ? o->ngram_size() : 0;
    max_skip_size_ = o ? o->max_skip_size() : 0;
    include_all_ = o ? o->include_all_ngrams() : false;
    if (ngram_size_ < 1) {
      return node.UnsupportedError("ngram_size " + std::to_string(ngram_size_) + " (LiteRT indexes past its stack below 1)");
    }
    if (ngram_size_ > 64) return node.UnsupportedError("ngram_size " + std::to_string(ngram_size_) + " (over 64)");
    if (input.element_count() < 1) {
      return node.UnsupportedError("an empty input (LiteRT reads its first string)");
    }
    // The output's length depends on the value (the model's stored shape is a guess): always settled at Eval.
    if (!node.prepare_at_eval) {
      node.DeferToEval();
      return Status::Ok();
    }
    TFLDBG_RETURN_IF_ERROR(MakeGrams(node, StringAt(input, 0)));
    return SetOutputShape(node, output, {static_cast<int32_t>(grams_.size())});
  }

  Status Eval(NodeContext& node) override {
    SetStrings(*node.output(0), std::vector<std::string_view>(grams_.begin(), grams_.end()));
    return Status::Ok();
  }

 private:
  Status MakeGrams(const NodeContext& node, std::string_view text) {
    grams_.clear();
    std::vector<std::string_view> words;
    size_t prev = 0;
    for (size_t i = 1; i < text.size(); ++i) {
      if (!IsSpace(text[i])) continue;
      if (i > prev && !IsSpace(text[prev])) words.push_back(text.substr(prev, i - prev));
      prev = i + 1;
    }
    if (text.size() > prev) words.push_back(text.substr(prev));
    const int n = static_cast<int>(words.size());
    if (n < ngram_size_) return Status::Ok();
    auto include = [&](int size) { return size > 0 && (include_all_ ? size <= ngram_size_ : size == ngram_size_); };
    auto step_in = [&](const std::vector<int>& stack, int at) {
      if (at < ngram_size_ && stack[static_cast<size_t>(at)] + 1 < n) {
        if (at == 0) return true;
        return stack[static_cast<size_t>(at)] - stack[static_cast<size_t>(at) - 1] <= max_skip_size_;
      }
      return false;
    };
    std::vector<int> stack(static_cast<size_t>(ngram_size_) + 1, 0);  // one spare: LiteRT's first step reads stack[1]
    int at = 1;
    uint64_t bytes = 0;
    while (at >= 0) {
      if (step_in(stack, at)) {
        ++stack[static_cast<size_t>(at)];
        ++at;
        if (at < ngram_size_) stack[static_cast<size_t>(at)] = stack[static_cast<size_t>(at) - 1];
        continue;
      }
      if (include(at)) {
        std::string gram;
        for (int i = 0; i < at; ++i) {
          if (i) gram += ' ';
          gram += words[static_cast<size_t>(stack[static_cast<size_t>(i)])];
        }
        bytes += gram.size() + 4;
        if (bytes > (uint64_t{1} << 30) || grams_.size() > (size_t{1} << 24)) {
          return node.UnsupportedError("the skip-grams would take more than 1 GiB");
        }
        grams_.push_back(std::move(gram));
      }
      --at;
    }
    return Status::Ok();
  }

  int ngram_size_ = 0;
  int max_skip_size_ = 0;
  bool include_all_ = false;
  std::vector<std::string> grams_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSkipGramKernel() { return std::make_unique<SkipGramKernel>(); }

}  // namespace tfldbg
