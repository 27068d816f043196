// SAME/VALID geometry shared by convolutions and pooling (TFLite's rules).
//
//   int out_h = ComputeOutSize(Padding::kSame, in_h, filter_h, stride_h, dilation_h);
//   int pad_top = ComputePaddingBefore(stride_h, dilation_h, in_h, filter_h, out_h);
#pragma once

namespace tfldbg::math {

enum class Padding { kSame = 0, kValid = 1 };

// Output size along one axis; 0 for a zero stride (refused by Prepare).
inline int ComputeOutSize(Padding padding, int image, int filter, int stride, int dilation) {
  const int effective = (filter - 1) * dilation + 1;
  if (stride <= 0) return 0;
  return padding == Padding::kSame ? (image + stride - 1) / stride : (image + stride - effective) / stride;
}

// Padding before the image along one axis: half the total, the odd remainder
// going after (kernels bounds-check the far side instead of padding it).
inline int ComputePaddingBefore(int stride, int dilation, int image, int filter, int out) {
  const int effective = (filter - 1) * dilation + 1;
  const int total = (out - 1) * stride + effective - image;
  return total > 0 ? total / 2 : 0;
}

// The shape of NHWC data, with the flat offset of an element.
struct Shape4 {
  int n = 1, h = 1, w = 1, c = 1;
  int Offset(int b, int y, int x, int ch) const { return ((b * h + y) * w + x) * c + ch; }
};

}  // namespace tfldbg::math
