// The custom operator TFLite_Detection_PostProcess (SSD models), as LiteRT's
// detection_postprocess.cc computes it:
//   1. decode each anchor's center-size box encoding into corners
//      (in double, rounded to float), dequantizing uint8 encodings/anchors;
//   2. non-maximum suppression, either "fast" (each anchor ranked by its best
//      class score, one NMS, the top max_classes_per_detection classes per
//      kept anchor) or "regular" (one NMS per class, the results merged by
//      score and cut to max_detections);
//   3. four float32 outputs: boxes [1, N, 4], classes [1, N], scores [1, N]
//      and the number of detections [1], N = max_detections ·
//      max_classes_per_detection. Slots no detection fills are 0.
// Options are a flexbuffer map in the operator's custom options, verified
// before it is read (a model's bytes are untrusted).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "flatbuffers/flexbuffers.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

struct Box {
  float ymin, xmin, ymax, xmax;
};

struct ScoredIndex {
  int index;
  float score;
};

class DetectionPostProcessKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(ReadOptions(node));
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 4));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "box encodings"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "class predictions"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 2, "anchors"));
    const Tensor& boxes = *node.input(0);
    const Tensor& classes = *node.input(1);
    const Tensor& anchors = *node.input(2);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, boxes, "box encodings", 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, classes, "class predictions", 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, anchors, "anchors", 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, boxes, "box encodings", {DataType::kFloat32, DataType::kUInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, classes, "class predictions", {DataType::kFloat32, DataType::kUInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, boxes, "box encodings", anchors, "anchors"));
    if (boxes.dim(0) != 1 || classes.dim(0) != 1) return node.UnsupportedError("a batch other than 1 (LiteRT has none)");
    num_boxes_ = boxes.dim(1);
    box_length_ = boxes.dim(2);
    if (box_length_ < 4) return node.InvalidModelError("box encodings dimension 2 must be at least 4, got " + std::to_string(box_length_));
    if (anchors.dim(0) != num_boxes_ || anchors.dim(1) != 4) {
      return node.InvalidModelError("anchors must be [" + std::to_string(num_boxes_) + ",4], got " + ShapeToString(anchors.shape));
    }
    if (classes.dim(1) != num_boxes_) {
      return node.InvalidModelError("class predictions " + ShapeToString(classes.shape) + " do not have one row per box (" +
                                    std::to_string(num_boxes_) + ")");
    }
    classes_with_background_ = classes.dim(2);
    const int label_offset = classes_with_background_ - num_classes_;
    if (label_offset < 0 || label_offset > 1) {
      return node.InvalidModelError("num_classes " + std::to_string(num_classes_) + " against " +
                                    std::to_string(classes_with_background_) + " class columns (one background column at most)");
    }
    if (boxes.type == DataType::kUInt8 && (boxes.quant.empty() || anchors.quant.empty())) {
      return node.InvalidModelError("uint8 box encodings and anchors need a scale and zero point");
    }
    if (classes.type == DataType::kUInt8 && classes.quant.empty()) {
      return node.InvalidModelError("uint8 class predictions need a scale and zero point");
    }
    const int64_t slots = int64_t{max_detections_} * max_classes_per_detection_;
    if (slots > (int64_t{1} << 24)) return node.InvalidModelError("max_detections * max_classes_per_detection is too large");
    const int n = static_cast<int>(slots);
    const std::vector<std::vector<int32_t>> shapes = {{1, n, 4}, {1, n}, {1, n}, {1}};
    const char* names[] = {"detection boxes", "detection classes", "detection scores", "number of detections"};
    for (int i = 0; i < 4; ++i) {
      if (node.output(i) == nullptr) return node.InvalidModelError(std::string(names[i]) + " output is missing");
      TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(i), names[i], {DataType::kFloat32}));
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(i), shapes[static_cast<size_t>(i)]));
    }
    decoded_.resize(static_cast<size_t>(num_boxes_));
    scores_.resize(static_cast<size_t>(num_boxes_) * classes_with_background_);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    Decode(node);
    for (const Box& b : decoded_) {
      if (b.ymin > b.ymax || b.xmin > b.xmax) {
        return node.RuntimeFailure("a decoded box has its minimum above its maximum (LiteRT stops here too)");
      }
    }
    const Tensor& classes = *node.input(1);
    const int64_t count = static_cast<int64_t>(num_boxes_) * classes_with_background_;
    if (classes.type == DataType::kUInt8) {
      const double scale = classes.scale();
      const int32_t zp = classes.zero_point();
      for (int64_t i = 0; i < count; ++i) {
        scores_[static_cast<size_t>(i)] = static_cast<float>(scale * (int32_t{classes.data<uint8_t>()[i]} - zp));
      }
    } else {
      std::copy_n(classes.data<float>(), count, scores_.begin());
    }
    for (int i = 0; i < 4; ++i) {
      if (node.output(i)->byte_size != 0) std::memset(node.output(i)->bytes, 0, node.output(i)->byte_size);
    }
    if (use_regular_nms_) return RegularNms(node);
    return FastNms(node);
  }

 private:
  Status ReadOptions(const NodeContext& node) {
    const uint8_t* data = nullptr;
    size_t size = 0;
    if (node.op->custom_options() != nullptr) {
      data = node.op->custom_options()->data();
      size = node.op->custom_options()->size();
    } else if (node.op->large_custom_options_offset() > 1) {
      data = node.model->file_data() + node.op->large_custom_options_offset();
      size = static_cast<size_t>(node.op->large_custom_options_size());
    }
    if (data == nullptr || size == 0) return node.InvalidModelError("no custom options (a flexbuffer map of its parameters)");
    if (!flexbuffers::VerifyBuffer(data, size)) return node.InvalidModelError("its custom options are not a valid flexbuffer");
    const flexbuffers::Reference root = flexbuffers::GetRoot(data, size);
    if (!root.IsMap()) return node.InvalidModelError("its custom options are not a flexbuffer map");
    const flexbuffers::Map m = root.AsMap();
    auto number = [&](const char* key, bool required, double fallback, double* out) -> Status {
      const flexbuffers::Reference r = m[key];
      if (r.IsNull()) {
        if (required) return node.InvalidModelError(std::string("custom option '") + key + "' is missing");
        *out = fallback;
        return Status::Ok();
      }
      if (!r.IsNumeric() && !r.IsBool()) return node.InvalidModelError(std::string("custom option '") + key + "' is not a number");
      *out = r.IsFloat() ? r.AsDouble() : static_cast<double>(r.AsInt64());
      return Status::Ok();
    };
    double v = 0;
    auto integer = [&](const char* key, bool required, int fallback, int* out) -> Status {
      TFLDBG_RETURN_IF_ERROR(number(key, required, fallback, &v));
      if (!(v >= -2147483648.0 && v <= 2147483647.0)) return node.InvalidModelError(std::string("custom option '") + key + "' is out of range");
      *out = static_cast<int>(v);
      return Status::Ok();
    };
    TFLDBG_RETURN_IF_ERROR(integer("max_detections", true, 0, &max_detections_));
    TFLDBG_RETURN_IF_ERROR(integer("max_classes_per_detection", true, 0, &max_classes_per_detection_));
    TFLDBG_RETURN_IF_ERROR(integer("detections_per_class", false, 100, &detections_per_class_));
    int regular = 0;
    TFLDBG_RETURN_IF_ERROR(integer("use_regular_nms", false, 0, &regular));
    use_regular_nms_ = regular != 0;
    TFLDBG_RETURN_IF_ERROR(number("nms_score_threshold", true, 0, &v));
    score_threshold_ = static_cast<float>(v);
    TFLDBG_RETURN_IF_ERROR(number("nms_iou_threshold", true, 0, &v));
    iou_threshold_ = static_cast<float>(v);
    TFLDBG_RETURN_IF_ERROR(integer("num_classes", true, 0, &num_classes_));
    const char* scale_keys[] = {"y_scale", "x_scale", "h_scale", "w_scale"};
    for (int i = 0; i < 4; ++i) {
      TFLDBG_RETURN_IF_ERROR(number(scale_keys[i], true, 0, &v));
      scale_[i] = static_cast<float>(v);
    }
    if (max_detections_ < 0 || max_classes_per_detection_ < 0 || detections_per_class_ < 0) {
      return node.InvalidModelError("max_detections, max_classes_per_detection and detections_per_class must be >= 0");
    }
    if (num_classes_ <= 0) return node.InvalidModelError("num_classes must be positive, got " + std::to_string(num_classes_));
    if (!(iou_threshold_ > 0.0f && iou_threshold_ <= 1.0f)) {
      return node.InvalidModelError("nms_iou_threshold must be in (0, 1], got " + std::to_string(iou_threshold_));
    }
    if (use_regular_nms_ ? std::min(detections_per_class_, max_detections_) <= 0 : max_classes_per_detection_ <= 0) {
      return node.InvalidModelError(use_regular_nms_ ? "regular NMS needs detections_per_class and max_detections > 0"
                                                     : "fast NMS needs max_classes_per_detection > 0");
    }
    return Status::Ok();
  }

  void Decode(const NodeContext& node) {
    const Tensor& boxes = *node.input(0);
    const Tensor& anchors = *node.input(2);
    const bool quantized = boxes.type == DataType::kUInt8;
    const int box_zp = boxes.zero_point(), anchor_zp = anchors.zero_point();
    const float box_scale = boxes.scale(), anchor_scale = anchors.scale();
    for (int i = 0; i < num_boxes_; ++i) {
      float e[4], a[4];  // (y, x, h, w)
      for (int k = 0; k < 4; ++k) {
        if (quantized) {
          e[k] = (static_cast<float>(boxes.data<uint8_t>()[static_cast<int64_t>(i) * box_length_ + k]) - box_zp) * box_scale;
          a[k] = (static_cast<float>(anchors.data<uint8_t>()[i * 4 + k]) - anchor_zp) * anchor_scale;
        } else {
          e[k] = boxes.data<float>()[static_cast<int64_t>(i) * box_length_ + k];
          a[k] = anchors.data<float>()[i * 4 + k];
        }
      }
      const float ycenter = static_cast<float>(double{e[0]} / scale_[0] * a[2] + a[0]);
      const float xcenter = static_cast<float>(double{e[1]} / scale_[1] * a[3] + a[1]);
      const float half_h = static_cast<float>(0.5 * std::exp(double{e[2]} / scale_[2]) * a[2]);
      const float half_w = static_cast<float>(0.5 * std::exp(double{e[3]} / scale_[3]) * a[3]);
      decoded_[static_cast<size_t>(i)] = {ycenter - half_h, xcenter - half_w, ycenter + half_h, xcenter + half_w};
    }
  }

  float Iou(int i, int j) const {
    const Box& a = decoded_[static_cast<size_t>(i)];
    const Box& b = decoded_[static_cast<size_t>(j)];
    const float area_a = (a.ymax - a.ymin) * (a.xmax - a.xmin);
    const float area_b = (b.ymax - b.ymin) * (b.xmax - b.xmin);
    if (area_a <= 0 || area_b <= 0) return 0.0f;
    const float ih = std::max(std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin), 0.0f);
    const float iw = std::max(std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin), 0.0f);
    const float inter = ih * iw;
    return inter / (area_a + area_b - inter);
  }

  // One class's NMS over per-box scores: the kept box indices, best first.
  std::vector<int> SingleClassNms(const std::vector<float>& scores, int max_out) const {
    std::vector<int> kept_index;
    std::vector<float> kept_score;
    for (size_t i = 0; i < scores.size(); ++i) {
      if (scores[i] >= score_threshold_) {
        kept_score.push_back(scores[i]);
        kept_index.push_back(static_cast<int>(i));
      }
    }
    std::vector<int> order(kept_score.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return kept_score[static_cast<size_t>(a)] > kept_score[static_cast<size_t>(b)]; });
    const size_t n = order.size();
    const size_t limit = std::min(n, static_cast<size_t>(std::max(max_out, 0)));
    std::vector<int> selected;
    std::vector<uint8_t> active(n, 1);
    size_t active_count = n;
    for (size_t i = 0; i < n; ++i) {
      if (active_count == 0 || selected.size() >= limit) break;
      if (!active[i]) continue;
      const int box_i = kept_index[static_cast<size_t>(order[i])];
      selected.push_back(box_i);
      active[i] = 0;
      --active_count;
      for (size_t j = i + 1; j < n; ++j) {
        if (active[j] && Iou(box_i, kept_index[static_cast<size_t>(order[j])]) > iou_threshold_) {
          active[j] = 0;
          --active_count;
        }
      }
    }
    return selected;
  }

  void Write(NodeContext& node, int slot, int box, float cls, float score) const {
    std::memcpy(node.output(0)->data<float>() + static_cast<int64_t>(slot) * 4, &decoded_[static_cast<size_t>(box)], sizeof(Box));
    node.output(1)->data<float>()[slot] = cls;
    node.output(2)->data<float>()[slot] = score;
  }

  Status FastNms(NodeContext& node) {
    const int label_offset = classes_with_background_ - num_classes_;
    const int per_anchor = std::min(max_classes_per_detection_, num_classes_);
    std::vector<float> max_scores(static_cast<size_t>(num_boxes_));
    std::vector<int> class_order(static_cast<size_t>(num_boxes_) * num_classes_);
    for (int row = 0; row < num_boxes_; ++row) {
      const float* s = scores_.data() + static_cast<int64_t>(row) * classes_with_background_ + label_offset;
      int* order = class_order.data() + static_cast<int64_t>(row) * num_classes_;
      if (per_anchor == 1) {
        int best = 0;  // the first of equal maxima
        for (int c = 1; c < num_classes_; ++c) {
          if (s[c] > s[best]) best = c;
        }
        order[0] = best;
      } else {
        // LiteRT's std::partial_sort: the same library call orders ties the same way.
        std::iota(order, order + num_classes_, 0);
        std::partial_sort(order, order + per_anchor, order + num_classes_, [s](int a, int b) { return s[a] > s[b]; });
      }
      max_scores[static_cast<size_t>(row)] = s[order[0]];
    }
    const std::vector<int> selected = SingleClassNms(max_scores, max_detections_);
    int out = 0;
    for (int box : selected) {
      const float* s = scores_.data() + static_cast<int64_t>(box) * classes_with_background_ + label_offset;
      const int* order = class_order.data() + static_cast<int64_t>(box) * num_classes_;
      for (int c = 0; c < per_anchor; ++c) {
        Write(node, max_classes_per_detection_ * out + c, box, static_cast<float>(order[c]), s[order[c]]);
      }
      ++out;
    }
    node.output(3)->data<float>()[0] = static_cast<float>(out);
    return Status::Ok();
  }

  Status RegularNms(NodeContext& node) {
    const int label_offset = classes_with_background_ - num_classes_;
    const int per_class = std::min(detections_per_class_, max_detections_);
    std::vector<ScoredIndex> merged(static_cast<size_t>(2) * static_cast<size_t>(max_detections_));
    int size = 0;
    std::vector<float> class_scores(static_cast<size_t>(num_boxes_));
    for (int col = 0; col < num_classes_; ++col) {
      for (int row = 0; row < num_boxes_; ++row) {
        class_scores[static_cast<size_t>(row)] = scores_[static_cast<size_t>(row) * classes_with_background_ + col + label_offset];
      }
      const std::vector<int> selected = SingleClassNms(class_scores, per_class);
      if (selected.empty()) continue;
      for (size_t i = 0; i < selected.size(); ++i) {
        merged[static_cast<size_t>(size) + i] = {selected[i] * classes_with_background_ + col + label_offset,
                                                 class_scores[static_cast<size_t>(selected[i])]};
      }
      // Stable: earlier classes come first among equal scores, as in LiteRT's inplace_merge.
      std::inplace_merge(merged.begin(), merged.begin() + size, merged.begin() + size + static_cast<int>(selected.size()),
                         [](const ScoredIndex& a, const ScoredIndex& b) { return a.score > b.score; });
      size = std::min(size + static_cast<int>(selected.size()), max_detections_);
    }
    for (int i = 0; i < size; ++i) {
      const int anchor = merged[static_cast<size_t>(i)].index / classes_with_background_;
      const int cls = merged[static_cast<size_t>(i)].index - anchor * classes_with_background_ - label_offset;
      Write(node, i, anchor, static_cast<float>(cls), merged[static_cast<size_t>(i)].score);
    }
    node.output(3)->data<float>()[0] = static_cast<float>(size);
    return Status::Ok();
  }

  int max_detections_ = 0, max_classes_per_detection_ = 0, detections_per_class_ = 100, num_classes_ = 0;
  bool use_regular_nms_ = false;
  float score_threshold_ = 0, iou_threshold_ = 0;
  float scale_[4] = {1, 1, 1, 1};
  int num_boxes_ = 0, box_length_ = 4, classes_with_background_ = 0;
  std::vector<Box> decoded_;
  std::vector<float> scores_;
};

}  // namespace

std::unique_ptr<Kernel> CreateDetectionPostProcessKernel() { return std::make_unique<DetectionPostProcessKernel>(); }

}  // namespace tfldbg
