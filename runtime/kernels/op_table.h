// The one list of operators tfldbg implements. It feeds the kernel registry,
// `tfldbg info` (which ops of a model are supported) and the conformance tests.
//
// Each entry is X(BUILTIN_CODE_NAME, KernelName): the code name as in the
// .tflite BuiltinOperator enum, and the factory Create<KernelName>Kernel()
// defined in the op family's file under kernels/.
//
//   #define X(code, name) case tflite::BuiltinOperator::code: return &Create##name##Kernel;
//   TFLDBG_BUILTIN_OPS(X)
//   #undef X
#pragma once

// Keep one family per line group, sorted by code name inside a group.
#define TFLDBG_BUILTIN_OPS(X)                          \
  /* kernels/conv.cc, conv3d.cc, fully_connected.cc */ \
  X(CONV_2D, Conv2D)                                   \
  X(CONV_3D, Conv3D)                                   \
  X(DEPTHWISE_CONV_2D, DepthwiseConv2D)                \
  X(FULLY_CONNECTED, FullyConnected)                   \
  /* kernels/lstm.cc */                                \
  X(LSTM, Lstm)                                        \
  X(UNIDIRECTIONAL_SEQUENCE_LSTM, UnidirectionalSequenceLstm) \
  /* kernels/svdf.cc */                                \
  X(SVDF, Svdf)                                        \
  /* kernels/pooling.cc */                             \
  X(AVERAGE_POOL_2D, AveragePool2D)                    \
  X(MAX_POOL_2D, MaxPool2D)                            \
  /* kernels/activations.cc */                         \
  X(HARD_SWISH, HardSwish)                             \
  X(LEAKY_RELU, LeakyRelu)                             \
  X(LOGISTIC, Logistic)                                \
  X(PRELU, Prelu)                                      \
  X(RELU, Relu)                                        \
  X(RELU6, Relu6)                                      \
  X(RELU_N1_TO_1, ReluN1To1)                           \
  X(SOFTMAX, Softmax)                                  \
  X(TANH, Tanh)                                        \
  /* kernels/arithmetic.cc */                          \
  X(ADD, Add)                                          \
  X(MUL, Mul)                                          \
  X(SUB, Sub)                                          \
  /* kernels/quantize.cc */                            \
  X(DEQUANTIZE, Dequantize)                            \
  X(QUANTIZE, Quantize)                                \
  /* kernels/reduce.cc */                              \
  X(ARG_MAX, ArgMax)                                   \
  X(MEAN, Mean)                                        \
  X(REDUCE_MAX, ReduceMax)                             \
  X(REDUCE_MIN, ReduceMin)                             \
  X(SUM, Sum)                                          \
  /* kernels/comparisons.cc */                         \
  X(EQUAL, Equal)                                      \
  X(GREATER, Greater)                                  \
  X(GREATER_EQUAL, GreaterEqual)                       \
  X(LESS, Less)                                        \
  X(LESS_EQUAL, LessEqual)                             \
  X(NOT_EQUAL, NotEqual)                               \
  /* kernels/control_flow.cc */                        \
  X(ASSIGN_VARIABLE, AssignVariable)                   \
  X(CALL_ONCE, CallOnce)                               \
  X(IF, If)                                            \
  X(READ_VARIABLE, ReadVariable)                       \
  X(VAR_HANDLE, VarHandle)                             \
  X(WHILE, While)                                      \
  /* kernels/layout_ops.cc */                          \
  X(PAD, Pad)                                          \
  X(PADV2, PadV2)                                      \
  X(STRIDED_SLICE, StridedSlice)                       \
  X(TRANSPOSE, Transpose)                              \
  /* kernels/resize.cc */                              \
  X(RESIZE_BILINEAR, ResizeBilinear)                   \
  X(RESIZE_NEAREST_NEIGHBOR, ResizeNearestNeighbor)    \
  /* kernels/matrix_ops.cc */                          \
  X(BATCH_MATMUL, BatchMatMul)                         \
  X(L2_NORMALIZATION, L2Normalization)                 \
  /* kernels/tensor_ops.cc */                          \
  X(CAST, Cast)                                        \
  X(DENSIFY, Densify)                                  \
  X(GATHER, Gather)                                    \
  X(PACK, Pack)                                        \
  X(SHAPE, Shape)                                      \
  X(SLICE, Slice)                                      \
  X(SPLIT, Split)                                      \
  X(SPLIT_V, SplitV)                                   \
  X(TILE, Tile)                                        \
  X(UNPACK, Unpack)                                    \
  /* kernels/shape_ops.cc */                           \
  X(CONCATENATION, Concatenation)                      \
  X(EXPAND_DIMS, ExpandDims)                           \
  X(RESHAPE, Reshape)                                  \
  X(SQUEEZE, Squeeze)

// Custom operators, by their custom_code: X("NAME", KernelName).
#define TFLDBG_CUSTOM_OPS(X) \
  /* kernels/detection_postprocess.cc */ \
  X("TFLite_Detection_PostProcess", DetectionPostProcess)
