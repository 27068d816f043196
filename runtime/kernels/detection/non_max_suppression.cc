// NON_MAX_SUPPRESSION_V4 and _V5: greedy single-class NMS over boxes [N, 4]
// (y1, x1, y2, x2, corners in either order) and scores [N], with scalar
// max_output_size (int32), iou_threshold and score_threshold (float32); V5
// adds soft-NMS sigma (Gaussian decay) and outputs the selected scores.
// Outputs are max_output_size long, zero past the selections, plus the count.
// As LiteRT, the variant is chosen by the number of inputs (6: soft NMS), and
// candidates come off the same std::priority_queue (over a std::deque, by
// score), so ties resolve in LiteRT's order.
#include <cmath>
#include <deque>
#include <queue>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kBoxes = 0;
constexpr int kScores = 1;
constexpr int kMaxOutputSize = 2;
constexpr int kIouThreshold = 3;
constexpr int kScoreThreshold = 4;
constexpr int kSigma = 5;  // soft NMS only

constexpr int kSelectedIndices = 0;
// Soft NMS: selected scores at 1, count at 2; hard NMS: count at 1.

// LiteRT's ComputeIntersectionOverUnion, in float, in its order of operations.
float IntersectionOverUnion(const float* boxes, int i, int j) {
  const float* a = boxes + static_cast<int64_t>(i) * 4;
  const float* b = boxes + static_cast<int64_t>(j) * 4;
  const float a_ymin = std::min(a[0], a[2]), a_ymax = std::max(a[0], a[2]);
  const float a_xmin = std::min(a[1], a[3]), a_xmax = std::max(a[1], a[3]);
  const float b_ymin = std::min(b[0], b[2]), b_ymax = std::max(b[0], b[2]);
  const float b_xmin = std::min(b[1], b[3]), b_xmax = std::max(b[1], b[3]);
  const float area_a = (a_ymax - a_ymin) * (a_xmax - a_xmin);
  const float area_b = (b_ymax - b_ymin) * (b_xmax - b_xmin);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float inter_ymax = std::min(a_ymax, b_ymax);
  const float inter_xmax = std::min(a_xmax, b_xmax);
  const float inter_ymin = std::max(a_ymin, b_ymin);
  const float inter_xmin = std::max(a_xmin, b_xmin);
  const float inter = std::max(inter_ymax - inter_ymin, 0.0f) * std::max(inter_xmax - inter_xmin, 0.0f);
  return inter / (area_a + area_b - inter);
}

struct Candidate {
  int index;
  float score;
  int suppress_begin_index;
};

// LiteRT's reference NonMaxSuppression. selected_scores may be null (hard NMS).
int SelectBoxes(const float* boxes, int num_boxes, const float* scores, int max_output_size, float iou_threshold,
                float score_threshold, float sigma, int32_t* selected_indices, float* selected_scores) {
  auto lower_score = [](const Candidate& a, const Candidate& b) { return a.score < b.score; };
  std::priority_queue<Candidate, std::deque<Candidate>, decltype(lower_score)> queue(lower_score);
  for (int i = 0; i < num_boxes; ++i) {
    if (scores[i] > score_threshold) queue.push(Candidate{i, scores[i], 0});
  }
  int selected = 0;
  const int wanted = std::min(static_cast<int>(queue.size()), max_output_size);
  if (wanted == 0) return 0;
  // LiteRT: -0.5 / sigma in double, stored in a float.
  const float scale = sigma > 0.0 ? static_cast<float>(-0.5 / sigma) : 0.0f;
  while (selected < wanted && !queue.empty()) {
    Candidate next = queue.top();
    const float original_score = next.score;
    queue.pop();
    bool hard_suppressed = false;
    // Newest selections first; each selection is compared with a candidate once.
    for (int j = selected - 1; j >= next.suppress_begin_index; --j) {
      const float iou = IntersectionOverUnion(boxes, next.index, selected_indices[j]);
      if (iou >= iou_threshold) {
        hard_suppressed = true;
        break;
      }
      if (sigma > 0.0) next.score = next.score * std::exp(scale * iou * iou);
      if (next.score <= score_threshold) break;
    }
    next.suppress_begin_index = selected;
    if (!hard_suppressed) {
      if (next.score == original_score) {
        selected_indices[selected] = next.index;
        if (selected_scores != nullptr) selected_scores[selected] = next.score;
        ++selected;
      }
      // Decayed but still above the threshold: back into the queue.
      if (next.score > score_threshold) queue.push(next);
    }
  }
  return selected;
}

class NonMaxSuppressionKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 5, 6));
    soft_ = node.input_count() == 6;
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, soft_ ? 3 : 2));
    const char* names[] = {"boxes", "scores", "max_output_size", "iou_threshold", "score_threshold", "sigma"};
    for (int slot = 0; slot < node.input_count(); ++slot) {
      TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, slot, names[slot]));
    }
    const Tensor& boxes = *node.input(kBoxes);
    const Tensor& scores = *node.input(kScores);
    const Tensor& max_output = *node.input(kMaxOutputSize);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, boxes, "boxes", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, boxes, "boxes", 2, 2));
    if (boxes.dim(1) != 4) return node.InvalidModelError("boxes must be [N, 4], got " + ShapeToString(boxes.shape));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, scores, "scores", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, scores, "scores", 1, 1));
    if (scores.dim(0) != boxes.dim(0)) {
      return node.InvalidModelError("scores " + ShapeToString(scores.shape) + " do not match boxes " + ShapeToString(boxes.shape));
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, max_output, "max_output_size", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, max_output, "max_output_size", 0, 0));
    for (int slot = kIouThreshold; slot < node.input_count(); ++slot) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.input(slot), names[slot], {DataType::kFloat32}));
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, *node.input(slot), names[slot], 0, 0));
    }
    Tensor& indices = *node.output(kSelectedIndices);
    Tensor& count = *node.output(soft_ ? 2 : 1);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "selected_indices", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, count, "num_selected_indices", {DataType::kInt32}));
    if (soft_) TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(1), "selected_scores", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, count, {}));

    // The selections' length is max_output_size: known at plan time only when it is a constant.
    if (node.DeferUnlessValuesKnown({&max_output})) return Status::Ok();
    const int32_t max_output_size = max_output.data<int32_t>()[0];
    if (max_output_size < 0) {
      return node.InvalidModelError("max_output_size is " + std::to_string(max_output_size) + "; it must not be negative");
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, indices, {max_output_size}));
    if (soft_) TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(1), {max_output_size}));
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& boxes = *node.input(kBoxes);
    const int32_t max_output_size = node.input(kMaxOutputSize)->data<int32_t>()[0];
    const float iou_threshold = node.input(kIouThreshold)->data<float>()[0];
    const float score_threshold = node.input(kScoreThreshold)->data<float>()[0];
    float sigma = 0.0f;
    if (soft_) {
      sigma = node.input(kSigma)->data<float>()[0];
      if (sigma < 0) return node.RuntimeFailure("invalid sigma value for soft NMS: " + std::to_string(sigma));
    }
    int32_t* indices = node.output(kSelectedIndices)->data<int32_t>();
    float* selected_scores = soft_ ? node.output(1)->data<float>() : nullptr;
    const int selected = SelectBoxes(boxes.data<float>(), boxes.dim(0), node.input(kScores)->data<float>(), max_output_size,
                                     iou_threshold, score_threshold, sigma, indices, selected_scores);
    // Past the selections: zeros (LiteRT's ResetUnusedElementsToZeroes).
    for (int i = selected; i < max_output_size; ++i) {
      indices[i] = 0;
      if (selected_scores != nullptr) selected_scores[i] = 0.0f;
    }
    node.output(soft_ ? 2 : 1)->data<int32_t>()[0] = selected;
    return Status::Ok();
  }

 private:
  bool soft_ = false;
};

}  // namespace

std::unique_ptr<Kernel> CreateNonMaxSuppressionKernel() { return std::make_unique<NonMaxSuppressionKernel>(); }

}  // namespace tfldbg
