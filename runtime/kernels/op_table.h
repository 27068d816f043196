// The one table of operators: every BuiltinOperator of the schema, with the
// facts about it that the rest of tfldbg needs. It feeds the kernel registry,
// `tfldbg info` (what a model needs that is missing), `tfldbg ops` (the table
// itself, exported as JSON for the Python tools) and docs/ops.md.
//
//   X(CODE, family, Kernel, Options, "dtypes", facts)   an operator tfldbg runs
//   N(CODE, family, Options, "why not")                 one it does not run (yet)
//
// CODE is the name in the schema's BuiltinOperator enum; family is the folder
// under kernels/ that holds its kernel (kernels/<family>/); Kernel names the
// factory Create<Kernel>Kernel() that the family defines; Options is the
// schema table of its builtin options (None when it has none); dtypes lists
// the types of its main input that it runs (every one swept against LiteRT by
// tests/python/ops/test_<family>.py); facts are flags from op_facts below.
// Adding an operator: write its kernel in its family's folder and turn its N
// line into an X line (docs/adding-a-kernel.md).
//
//   #define X(code, family, kernel, options, dtypes, facts) case tflite::BuiltinOperator::code: ...
//   #define N(code, family, options, why)
//   TFLDBG_BUILTIN_OPS(X, N)
#pragma once

#include <cstdint>

namespace tfldbg::op_facts {

constexpr uint32_t kNoFacts = 0;
// Under --rounding litert, the integer path rounds once (LiteRT's GEMM
// backend serves it even with the reference resolver), not twice.
constexpr uint32_t kRoundsOnce = 1u << 0;
// In the float shadow (`tfldbg replay`) the op copies its float input: in
// float, (de)quantizing is the identity.
constexpr uint32_t kShadowIdentity = 1u << 1;
// The input slot whose types the dtypes column lists, when it is not slot 0
// (TRANSPOSE_CONV's data comes after its output shape and filter): slot 0-7.
constexpr uint32_t MainInput(int slot) { return static_cast<uint32_t>(slot & 7) << 2; }
// Input `slot` may be a sparse constant (LiteRT reads those only where it has
// a kernel for them; every other reader would see packed values).
constexpr uint32_t SparseInput(int slot) { return 1u << (8 + slot); }

}  // namespace tfldbg::op_facts

// Families in the order of docs/ops.md; codes sorted inside a family.
#define TFLDBG_BUILTIN_OPS(X, N) \
  /* activation */ \
  N(ELU, activation, None, "not yet") \
  N(GELU, activation, GeluOptions, "not yet") \
  X(HARD_SWISH, activation, HardSwish, HardSwishOptions, "float32 int8 uint8", kNoFacts) \
  X(LEAKY_RELU, activation, LeakyRelu, LeakyReluOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(LOGISTIC, activation, Logistic, None, "float32 int8 uint8 int16", kNoFacts) \
  N(LOG_SOFTMAX, activation, LogSoftmaxOptions, "not yet") \
  X(PRELU, activation, Prelu, None, "float32 int8 uint8 int16", kNoFacts) \
  X(RELU, activation, Relu, None, "float32 int8 uint8 int16", kNoFacts) \
  X(RELU6, activation, Relu6, None, "float32 int8 uint8 int16", kNoFacts) \
  N(RELU_0_TO_1, activation, None, "not yet") \
  X(RELU_N1_TO_1, activation, ReluN1To1, None, "float32 int8 uint8", kNoFacts) \
  X(SOFTMAX, activation, Softmax, SoftmaxOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(TANH, activation, Tanh, None, "float32 int8 uint8 int16", kNoFacts) \
  /* elementwise */ \
  X(ABS, elementwise, Abs, AbsOptions, "float32 int8 int16 int32", kNoFacts) \
  X(ADD, elementwise, Add, AddOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  N(ADD_N, elementwise, AddNOptions, "not yet") \
  N(ATAN2, elementwise, ATan2Options, "not yet") \
  N(BITWISE_XOR, elementwise, BitwiseXorOptions, "not yet") \
  X(CEIL, elementwise, Ceil, None, "float32", kNoFacts) \
  X(COS, elementwise, Cos, CosOptions, "float32 float16", kNoFacts) \
  N(DIV, elementwise, DivOptions, "not yet") \
  X(EQUAL, elementwise, Equal, EqualOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(EXP, elementwise, Exp, ExpOptions, "float32 int8 int16", kNoFacts) \
  X(FLOOR, elementwise, Floor, None, "float32 float16", kNoFacts) \
  N(FLOOR_DIV, elementwise, FloorDivOptions, "not yet") \
  N(FLOOR_MOD, elementwise, FloorModOptions, "not yet") \
  X(GREATER, elementwise, Greater, GreaterOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(GREATER_EQUAL, elementwise, GreaterEqual, GreaterEqualOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(LESS, elementwise, Less, LessOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(LESS_EQUAL, elementwise, LessEqual, LessEqualOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(LOG, elementwise, Log, None, "float32 int8 int16", kNoFacts) \
  N(LOGICAL_AND, elementwise, LogicalAndOptions, "not yet") \
  N(LOGICAL_NOT, elementwise, LogicalNotOptions, "not yet") \
  N(LOGICAL_OR, elementwise, LogicalOrOptions, "not yet") \
  N(MAXIMUM, elementwise, MaximumMinimumOptions, "not yet") \
  N(MINIMUM, elementwise, MaximumMinimumOptions, "not yet") \
  X(MUL, elementwise, Mul, MulOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(NEG, elementwise, Neg, NegOptions, "float32 float16 int8 int16 int32 int64", kNoFacts) \
  X(NOT_EQUAL, elementwise, NotEqual, NotEqualOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  N(POW, elementwise, PowOptions, "not yet") \
  N(RIGHT_SHIFT, elementwise, RightShiftOptions, "not yet") \
  X(ROUND, elementwise, Round, None, "float32 float16", kNoFacts) \
  X(RSQRT, elementwise, Rsqrt, None, "float32 int8 int16", kNoFacts) \
  N(SELECT, elementwise, SelectOptions, "not yet") \
  N(SELECT_V2, elementwise, SelectV2Options, "not yet") \
  X(SIGN, elementwise, Sign, SignOptions, "float32 float64 int32", kNoFacts) \
  X(SIN, elementwise, Sin, None, "float32 float16", kNoFacts) \
  X(SQRT, elementwise, Sqrt, None, "float32 int8 int16", kNoFacts) \
  X(SQUARE, elementwise, Square, SquareOptions, "float32", kNoFacts) \
  N(SQUARED_DIFFERENCE, elementwise, SquaredDifferenceOptions, "not yet") \
  X(SUB, elementwise, Sub, SubOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  /* conv */ \
  X(CONV_2D, conv, Conv2D, Conv2DOptions, "float32 int8 uint8 int16 hybrid", kNoFacts) \
  X(CONV_3D, conv, Conv3D, Conv3DOptions, "float32", kNoFacts) \
  X(CONV_3D_TRANSPOSE, conv, Conv3DTranspose, Conv3DOptions, "float32", MainInput(2)) \
  X(DEPTHWISE_CONV_2D, conv, DepthwiseConv2D, DepthwiseConv2DOptions, "float32 int8 uint8 int16 hybrid", kNoFacts) \
  X(TRANSPOSE_CONV, conv, TransposeConv, TransposeConvOptions, "float32 int8 uint8 int16 hybrid", MainInput(2)) \
  /* matmul */ \
  X(BATCH_MATMUL, matmul, BatchMatMul, BatchMatMulOptions, "float32 int8 int16 hybrid", kNoFacts) \
  X(FULLY_CONNECTED, matmul, FullyConnected, FullyConnectedOptions, "float32 int8 uint8 int16 hybrid", kRoundsOnce | SparseInput(1)) \
  /* pooling */ \
  X(AVERAGE_POOL_2D, pooling, AveragePool2D, Pool2DOptions, "float32 int8 uint8 int16", kNoFacts) \
  N(L2_POOL_2D, pooling, Pool2DOptions, "not yet") \
  X(MAX_POOL_2D, pooling, MaxPool2D, Pool2DOptions, "float32 int8 uint8 int16", kNoFacts) \
  /* normalization */ \
  X(L2_NORMALIZATION, normalization, L2Normalization, L2NormOptions, "float32", kNoFacts) \
  N(LOCAL_RESPONSE_NORMALIZATION, normalization, LocalResponseNormalizationOptions, "not yet") \
  /* reduce */ \
  X(ARG_MAX, reduce, ArgMax, ArgMaxOptions, "float32 int8 uint8 int32", kNoFacts) \
  N(ARG_MIN, reduce, ArgMinOptions, "not yet") \
  N(CUMSUM, reduce, CumsumOptions, "not yet") \
  X(MEAN, reduce, Mean, ReducerOptions, "float32 int8 uint8 int16", kNoFacts) \
  N(REDUCE_ALL, reduce, ReducerOptions, "not yet") \
  N(REDUCE_ANY, reduce, ReducerOptions, "not yet") \
  X(REDUCE_MAX, reduce, ReduceMax, ReducerOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(REDUCE_MIN, reduce, ReduceMin, ReducerOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  N(REDUCE_PROD, reduce, ReducerOptions, "not yet") \
  X(SUM, reduce, Sum, ReducerOptions, "float32 uint8 int32 int64", kNoFacts) \
  /* convert */ \
  N(BITCAST, convert, BitcastOptions, "not yet") \
  X(CAST, convert, Cast, CastOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(DENSIFY, convert, Densify, DensifyOptions, "float32 float16 int8", SparseInput(0)) \
  X(DEQUANTIZE, convert, Dequantize, DequantizeOptions, "int8 uint8 int16 float16", kShadowIdentity) \
  N(FAKE_QUANT, convert, FakeQuantOptions, "not yet") \
  X(QUANTIZE, convert, Quantize, QuantizeOptions, "float32 int8 uint8 int16", kShadowIdentity) \
  /* shape */ \
  N(BROADCAST_ARGS, shape, None, "not yet") \
  X(EXPAND_DIMS, shape, ExpandDims, ExpandDimsOptions, "any", kNoFacts) \
  N(FILL, shape, FillOptions, "not yet") \
  N(RANGE, shape, RangeOptions, "not yet") \
  N(RANK, shape, RankOptions, "not yet") \
  X(RESHAPE, shape, Reshape, ReshapeOptions, "any", kNoFacts) \
  X(SHAPE, shape, Shape, ShapeOptions, "any", kNoFacts) \
  X(SQUEEZE, shape, Squeeze, SqueezeOptions, "any", kNoFacts) \
  N(ZEROS_LIKE, shape, ZerosLikeOptions, "not yet") \
  /* layout */ \
  N(BATCH_TO_SPACE_ND, layout, BatchToSpaceNDOptions, "not yet") \
  N(BROADCAST_TO, layout, BroadcastToOptions, "not yet") \
  X(CONCATENATION, layout, Concatenation, ConcatenationOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  N(DEPTH_TO_SPACE, layout, DepthToSpaceOptions, "not yet") \
  N(DILATE, layout, DilateOptions, "not yet") \
  N(MIRROR_PAD, layout, MirrorPadOptions, "not yet") \
  X(PACK, layout, Pack, PackOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(PAD, layout, Pad, PadOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(PADV2, layout, PadV2, PadV2Options, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  N(REVERSE_SEQUENCE, layout, ReverseSequenceOptions, "not yet") \
  N(REVERSE_V2, layout, ReverseV2Options, "not yet") \
  N(SPACE_TO_BATCH_ND, layout, SpaceToBatchNDOptions, "not yet") \
  N(SPACE_TO_DEPTH, layout, SpaceToDepthOptions, "not yet") \
  X(SPLIT, layout, Split, SplitOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(SPLIT_V, layout, SplitV, SplitVOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(TILE, layout, Tile, TileOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(TRANSPOSE, layout, Transpose, TransposeOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(UNPACK, layout, Unpack, UnpackOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  /* index */ \
  N(BUCKETIZE, index, BucketizeOptions, "not yet") \
  N(DYNAMIC_UPDATE_SLICE, index, DynamicUpdateSliceOptions, "not yet") \
  N(EMBEDDING_LOOKUP, index, None, "not yet") \
  X(GATHER, index, Gather, GatherOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  N(GATHER_ND, index, GatherNdOptions, "not yet") \
  N(MATRIX_DIAG, index, MatrixDiagOptions, "not yet") \
  N(MATRIX_SET_DIAG, index, MatrixSetDiagOptions, "not yet") \
  N(ONE_HOT, index, OneHotOptions, "not yet") \
  N(SCATTER_ND, index, ScatterNdOptions, "not yet") \
  N(SEGMENT_SUM, index, SegmentSumOptions, "not yet") \
  X(SLICE, index, Slice, SliceOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  N(SPARSE_TO_DENSE, index, SparseToDenseOptions, "not yet") \
  X(STRIDED_SLICE, index, StridedSlice, StridedSliceOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  N(TOPK_V2, index, TopKV2Options, "not yet") \
  N(UNIQUE, index, UniqueOptions, "not yet") \
  N(UNSORTED_SEGMENT_MAX, index, UnsortedSegmentMaxOptions, "not yet") \
  N(UNSORTED_SEGMENT_MIN, index, UnsortedSegmentMinOptions, "not yet") \
  N(UNSORTED_SEGMENT_PROD, index, UnsortedSegmentProdOptions, "not yet") \
  N(UNSORTED_SEGMENT_SUM, index, UnsortedSegmentSumOptions, "not yet") \
  N(WHERE, index, WhereOptions, "not yet") \
  /* resize */ \
  X(RESIZE_BILINEAR, resize, ResizeBilinear, ResizeBilinearOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(RESIZE_NEAREST_NEIGHBOR, resize, ResizeNearestNeighbor, ResizeNearestNeighborOptions, "float32 int8 uint8 int16 int32", kNoFacts) \
  /* recurrent */ \
  N(BIDIRECTIONAL_SEQUENCE_LSTM, recurrent, BidirectionalSequenceLSTMOptions, "not yet") \
  N(BIDIRECTIONAL_SEQUENCE_RNN, recurrent, BidirectionalSequenceRNNOptions, "not yet") \
  X(LSTM, recurrent, Lstm, LSTMOptions, "float32 int8", kNoFacts) \
  N(RNN, recurrent, RNNOptions, "not yet") \
  X(SVDF, recurrent, Svdf, SVDFOptions, "float32 int8", kNoFacts) \
  X(UNIDIRECTIONAL_SEQUENCE_LSTM, recurrent, UnidirectionalSequenceLstm, UnidirectionalSequenceLSTMOptions, "float32 int8", kNoFacts) \
  N(UNIDIRECTIONAL_SEQUENCE_RNN, recurrent, SequenceRNNOptions, "not yet") \
  /* control_flow */ \
  X(ASSIGN_VARIABLE, control_flow, AssignVariable, AssignVariableOptions, "any", kNoFacts) \
  N(CALL, control_flow, CallOptions, "not yet") \
  X(CALL_ONCE, control_flow, CallOnce, CallOnceOptions, "any", kNoFacts) \
  X(IF, control_flow, If, IfOptions, "any", kNoFacts) \
  X(READ_VARIABLE, control_flow, ReadVariable, ReadVariableOptions, "any", kNoFacts) \
  X(VAR_HANDLE, control_flow, VarHandle, VarHandleOptions, "resource", kNoFacts) \
  X(WHILE, control_flow, While, WhileOptions, "any", kNoFacts) \
  /* detection */ \
  X(NON_MAX_SUPPRESSION_V4, detection, NonMaxSuppression, NonMaxSuppressionV4Options, "float32", kNoFacts) \
  X(NON_MAX_SUPPRESSION_V5, detection, NonMaxSuppression, NonMaxSuppressionV5Options, "float32", kNoFacts) \
  /* signal */ \
  N(COMPLEX_ABS, signal, None, "not yet") \
  N(IMAG, signal, None, "not yet") \
  N(REAL, signal, None, "not yet") \
  N(RFFT2D, signal, Rfft2dOptions, "not yet") \
  /* random */ \
  N(MULTINOMIAL, random, RandomOptions, "not yet") \
  N(RANDOM_STANDARD_NORMAL, random, RandomOptions, "not yet") \
  N(RANDOM_UNIFORM, random, RandomOptions, "not yet") \
  /* text */ \
  N(CONCAT_EMBEDDINGS, text, ConcatEmbeddingsOptions, "not yet") \
  N(EMBEDDING_LOOKUP_SPARSE, text, EmbeddingLookupSparseOptions, "not yet") \
  N(HASHTABLE, text, HashtableOptions, "not yet") \
  N(HASHTABLE_FIND, text, HashtableFindOptions, "not yet") \
  N(HASHTABLE_IMPORT, text, HashtableImportOptions, "not yet") \
  N(HASHTABLE_LOOKUP, text, None, "not yet") \
  N(HASHTABLE_SIZE, text, HashtableSizeOptions, "not yet") \
  N(LSH_PROJECTION, text, LSHProjectionOptions, "not yet") \
  N(SKIP_GRAM, text, SkipGramOptions, "not yet") \
  /* stablehlo */ \
  N(REDUCE_WINDOW, stablehlo, ReduceWindowOptions, "not yet") \
  N(STABLEHLO_ABS, stablehlo, None, "not yet") \
  N(STABLEHLO_ADD, stablehlo, None, "not yet") \
  N(STABLEHLO_AND, stablehlo, None, "not yet") \
  N(STABLEHLO_BROADCAST_IN_DIM, stablehlo, StablehloBroadcastInDimOptions, "not yet") \
  N(STABLEHLO_CASE, stablehlo, StablehloCaseOptions, "not yet") \
  N(STABLEHLO_CBRT, stablehlo, None, "not yet") \
  N(STABLEHLO_CLAMP, stablehlo, None, "not yet") \
  N(STABLEHLO_COMPARE, stablehlo, StablehloCompareOptions, "not yet") \
  N(STABLEHLO_COMPOSITE, stablehlo, StableHLOCompositeOptions, "not yet") \
  N(STABLEHLO_CONCATENATE, stablehlo, StablehloConcatenateOptions, "not yet") \
  N(STABLEHLO_CONVERT, stablehlo, None, "not yet") \
  N(STABLEHLO_CONVOLUTION, stablehlo, StablehloConvolutionOptions, "not yet") \
  N(STABLEHLO_COSINE, stablehlo, None, "not yet") \
  N(STABLEHLO_CUSTOM_CALL, stablehlo, StablehloCustomCallOptions, "not yet") \
  N(STABLEHLO_DIVIDE, stablehlo, None, "not yet") \
  N(STABLEHLO_DOT_GENERAL, stablehlo, StablehloDotGeneralOptions, "not yet") \
  N(STABLEHLO_DYNAMIC_SLICE, stablehlo, StablehloDynamicSliceOptions, "not yet") \
  N(STABLEHLO_DYNAMIC_UPDATE_SLICE, stablehlo, None, "not yet") \
  N(STABLEHLO_EXPONENTIAL, stablehlo, None, "not yet") \
  N(STABLEHLO_FLOOR, stablehlo, None, "not yet") \
  N(STABLEHLO_GATHER, stablehlo, StablehloGatherOptions, "not yet") \
  N(STABLEHLO_IOTA, stablehlo, StablehloIotaOptions, "not yet") \
  N(STABLEHLO_LOG, stablehlo, None, "not yet") \
  N(STABLEHLO_LOGISTIC, stablehlo, None, "not yet") \
  N(STABLEHLO_MAXIMUM, stablehlo, None, "not yet") \
  N(STABLEHLO_MINIMUM, stablehlo, None, "not yet") \
  N(STABLEHLO_MULTIPLY, stablehlo, None, "not yet") \
  N(STABLEHLO_NEGATE, stablehlo, None, "not yet") \
  N(STABLEHLO_OR, stablehlo, None, "not yet") \
  N(STABLEHLO_PAD, stablehlo, StablehloPadOptions, "not yet") \
  N(STABLEHLO_POWER, stablehlo, None, "not yet") \
  N(STABLEHLO_REDUCE, stablehlo, StablehloReduceOptions, "not yet") \
  N(STABLEHLO_REDUCE_WINDOW, stablehlo, StablehloReduceWindowOptions, "not yet") \
  N(STABLEHLO_REMAINDER, stablehlo, None, "not yet") \
  N(STABLEHLO_RESHAPE, stablehlo, None, "not yet") \
  N(STABLEHLO_RNG_BIT_GENERATOR, stablehlo, StablehloRngBitGeneratorOptions, "not yet") \
  N(STABLEHLO_RSQRT, stablehlo, None, "not yet") \
  N(STABLEHLO_SCATTER, stablehlo, StablehloScatterOptions, "not yet") \
  N(STABLEHLO_SELECT, stablehlo, None, "not yet") \
  N(STABLEHLO_SHIFT_LEFT, stablehlo, StablehloShiftLeftOptions, "not yet") \
  N(STABLEHLO_SLICE, stablehlo, StablehloSliceOptions, "not yet") \
  N(STABLEHLO_SORT, stablehlo, StablehloSortOptions, "not yet") \
  N(STABLEHLO_SUBTRACT, stablehlo, None, "not yet") \
  N(STABLEHLO_TANH, stablehlo, None, "not yet") \
  N(STABLEHLO_TRANSPOSE, stablehlo, StablehloTransposeOptions, "not yet") \
  N(STABLEHLO_WHILE, stablehlo, StablehloWhileOptions, "not yet")

// Custom operators, by their custom_code: C("NAME", family, Kernel, "dtypes", facts).
#define TFLDBG_CUSTOM_OPS(C) \
  C("Convolution2DTransposeBias", conv, Convolution2DTransposeBias, "float32", kNoFacts) \
  C("TFLite_Detection_PostProcess", detection, DetectionPostProcess, "float32 uint8", kNoFacts)
