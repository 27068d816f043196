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
// Under --kernels optimized (and --rounding litert), the 8-bit integer path
// requantizes as LiteRT's optimized GEMM output stage does: RoundingMode::kDoubleHalfUp.
constexpr uint32_t kOptimizedGemm = 1u << 5;
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
  X(ELU, activation, Elu, None, "float32 int8", kNoFacts) \
  X(GELU, activation, Gelu, GeluOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(HARD_SWISH, activation, HardSwish, HardSwishOptions, "float32 int8 uint8", kNoFacts) \
  X(LEAKY_RELU, activation, LeakyRelu, LeakyReluOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(LOGISTIC, activation, Logistic, None, "float32 int8 uint8 int16", kNoFacts) \
  X(LOG_SOFTMAX, activation, LogSoftmax, LogSoftmaxOptions, "float32 int8 uint8", kNoFacts) \
  X(PRELU, activation, Prelu, None, "float32 int8 uint8 int16", kNoFacts) \
  X(RELU, activation, Relu, None, "float32 int8 uint8 int16", kNoFacts) \
  X(RELU6, activation, Relu6, None, "float32 int8 uint8 int16", kNoFacts) \
  X(RELU_0_TO_1, activation, Relu0To1, None, "float32 int8 uint8", kNoFacts) \
  X(RELU_N1_TO_1, activation, ReluN1To1, None, "float32 int8 uint8", kNoFacts) \
  X(SOFTMAX, activation, Softmax, SoftmaxOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(TANH, activation, Tanh, None, "float32 int8 uint8 int16", kNoFacts) \
  /* elementwise */ \
  X(ABS, elementwise, Abs, AbsOptions, "float32 int8 int16 int32", kNoFacts) \
  X(ADD, elementwise, Add, AddOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(ADD_N, elementwise, AddN, AddNOptions, "float32 int32", kNoFacts) \
  X(ATAN2, elementwise, Atan2, ATan2Options, "float32 float64 float16", kNoFacts) \
  X(BITWISE_XOR, elementwise, BitwiseXor, BitwiseXorOptions, "int8 uint8 int16 uint16 int32 uint32", kNoFacts) \
  X(CEIL, elementwise, Ceil, None, "float32", kNoFacts) \
  X(COS, elementwise, Cos, CosOptions, "float32 float16", kNoFacts) \
  X(DIV, elementwise, Div, DivOptions, "float32 int8 uint8 int16 int32", kNoFacts) \
  X(EQUAL, elementwise, Equal, EqualOptions, "float32 int8 uint8 int16 int32 int64 bool string", kNoFacts) \
  X(EXP, elementwise, Exp, ExpOptions, "float32 int8 int16", kNoFacts) \
  X(FLOOR, elementwise, Floor, None, "float32 float16", kNoFacts) \
  X(FLOOR_DIV, elementwise, FloorDiv, FloorDivOptions, "float32 int8 int16 int32", kNoFacts) \
  X(FLOOR_MOD, elementwise, FloorMod, FloorModOptions, "float32 int8 int16 int32 int64", kNoFacts) \
  X(GREATER, elementwise, Greater, GreaterOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(GREATER_EQUAL, elementwise, GreaterEqual, GreaterEqualOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(LESS, elementwise, Less, LessOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(LESS_EQUAL, elementwise, LessEqual, LessEqualOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(LOG, elementwise, Log, None, "float32 int8 int16", kNoFacts) \
  X(LOGICAL_AND, elementwise, LogicalAnd, LogicalAndOptions, "bool", kNoFacts) \
  X(LOGICAL_NOT, elementwise, LogicalNot, LogicalNotOptions, "bool", kNoFacts) \
  X(LOGICAL_OR, elementwise, LogicalOr, LogicalOrOptions, "bool", kNoFacts) \
  X(MAXIMUM, elementwise, Maximum, MaximumMinimumOptions, "float32 float16 int8 uint8 int16 int32 int64", kNoFacts) \
  X(MINIMUM, elementwise, Minimum, MaximumMinimumOptions, "float32 float16 int8 uint8 int16 int32 int64", kNoFacts) \
  X(MUL, elementwise, Mul, MulOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(NEG, elementwise, Neg, NegOptions, "float32 float16 int8 int16 int32 int64", kNoFacts) \
  X(NOT_EQUAL, elementwise, NotEqual, NotEqualOptions, "float32 int8 uint8 int16 int32 int64 bool string", kNoFacts) \
  X(POW, elementwise, Pow, PowOptions, "float32 int32", kNoFacts) \
  X(RIGHT_SHIFT, elementwise, RightShift, RightShiftOptions, "int8 uint8 int16 uint16 int32 uint32", kNoFacts) \
  X(ROUND, elementwise, Round, None, "float32 float16", kNoFacts) \
  X(RSQRT, elementwise, Rsqrt, None, "float32 int8 int16", kNoFacts) \
  X(SELECT, elementwise, Select, SelectOptions, "float32 float16 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool", kNoFacts) \
  X(SELECT_V2, elementwise, SelectV2, SelectV2Options, "float32 float16 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool", kNoFacts) \
  X(SIGN, elementwise, Sign, SignOptions, "float32 float64 int32", kNoFacts) \
  X(SIN, elementwise, Sin, None, "float32 float16", kNoFacts) \
  X(SQRT, elementwise, Sqrt, None, "float32 int8 int16", kNoFacts) \
  X(SQUARE, elementwise, Square, SquareOptions, "float32", kNoFacts) \
  X(SQUARED_DIFFERENCE, elementwise, SquaredDifference, SquaredDifferenceOptions, "float32 int8 int32", kNoFacts) \
  X(SUB, elementwise, Sub, SubOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  /* conv */ \
  X(CONV_2D, conv, Conv2D, Conv2DOptions, "float32 int8 uint8 int16 hybrid", kOptimizedGemm) \
  X(CONV_3D, conv, Conv3D, Conv3DOptions, "float32", kNoFacts) \
  X(CONV_3D_TRANSPOSE, conv, Conv3DTranspose, Conv3DOptions, "float32", MainInput(2)) \
  X(DEPTHWISE_CONV_2D, conv, DepthwiseConv2D, DepthwiseConv2DOptions, "float32 int8 uint8 int16 hybrid", kNoFacts) \
  X(TRANSPOSE_CONV, conv, TransposeConv, TransposeConvOptions, "float32 int8 uint8 int16 hybrid", MainInput(2)) \
  /* matmul */ \
  X(BATCH_MATMUL, matmul, BatchMatMul, BatchMatMulOptions, "float32 int8 int16 hybrid", kNoFacts) \
  X(FULLY_CONNECTED, matmul, FullyConnected, FullyConnectedOptions, "float32 int8 uint8 int16 hybrid", kRoundsOnce | kOptimizedGemm | SparseInput(1)) \
  /* pooling */ \
  X(AVERAGE_POOL_2D, pooling, AveragePool2D, Pool2DOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(L2_POOL_2D, pooling, L2Pool2D, Pool2DOptions, "float32", kNoFacts) \
  X(MAX_POOL_2D, pooling, MaxPool2D, Pool2DOptions, "float32 int8 uint8 int16", kNoFacts) \
  /* normalization */ \
  X(L2_NORMALIZATION, normalization, L2Normalization, L2NormOptions, "float32", kNoFacts) \
  X(LOCAL_RESPONSE_NORMALIZATION, normalization, LocalResponseNormalization, LocalResponseNormalizationOptions, "float32", kNoFacts) \
  /* reduce */ \
  X(ARG_MAX, reduce, ArgMax, ArgMaxOptions, "float32 int8 uint8 int32 bool", kNoFacts) \
  X(ARG_MIN, reduce, ArgMin, ArgMinOptions, "float32 int8 uint8 int32 bool", kNoFacts) \
  X(CUMSUM, reduce, CumSum, CumsumOptions, "float32 int32 int64", kNoFacts) \
  X(MEAN, reduce, Mean, ReducerOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(REDUCE_ALL, reduce, ReduceAll, ReducerOptions, "bool", kNoFacts) \
  X(REDUCE_ANY, reduce, ReduceAny, ReducerOptions, "bool", kNoFacts) \
  X(REDUCE_MAX, reduce, ReduceMax, ReducerOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(REDUCE_MIN, reduce, ReduceMin, ReducerOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(REDUCE_PROD, reduce, ReduceProd, ReducerOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(SUM, reduce, Sum, ReducerOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  /* convert */ \
  X(BITCAST, convert, Bitcast, BitcastOptions, "float32 float16 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool complex64 complex128", kNoFacts) \
  X(CAST, convert, Cast, CastOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(DENSIFY, convert, Densify, DensifyOptions, "float32 float16 int8", SparseInput(0)) \
  X(DEQUANTIZE, convert, Dequantize, DequantizeOptions, "int8 uint8 int16 float16", kShadowIdentity) \
  X(FAKE_QUANT, convert, FakeQuant, FakeQuantOptions, "float32", kNoFacts) \
  X(QUANTIZE, convert, Quantize, QuantizeOptions, "float32 int8 uint8 int16", kShadowIdentity) \
  /* shape */ \
  X(BROADCAST_ARGS, shape, BroadcastArgs, None, "int32 int64", kNoFacts) \
  X(EXPAND_DIMS, shape, ExpandDims, ExpandDimsOptions, "any", kNoFacts) \
  X(FILL, shape, Fill, FillOptions, "int32 int64 string", kNoFacts) \
  X(RANGE, shape, Range, RangeOptions, "float32 int32 int64", kNoFacts) \
  X(RANK, shape, Rank, RankOptions, "any", kNoFacts) \
  X(RESHAPE, shape, Reshape, ReshapeOptions, "any", kNoFacts) \
  X(SHAPE, shape, Shape, ShapeOptions, "any", kNoFacts) \
  X(SQUEEZE, shape, Squeeze, SqueezeOptions, "any", kNoFacts) \
  X(ZEROS_LIKE, shape, ZerosLike, ZerosLikeOptions, "float32 int32 int64", kNoFacts) \
  /* layout */ \
  X(BATCH_TO_SPACE_ND, layout, BatchToSpaceNd, BatchToSpaceNDOptions, "float32 float16 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool", kNoFacts) \
  X(BROADCAST_TO, layout, BroadcastTo, BroadcastToOptions, "float32 float16 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool complex64", kNoFacts) \
  X(CONCATENATION, layout, Concatenation, ConcatenationOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(DEPTH_TO_SPACE, layout, DepthToSpace, DepthToSpaceOptions, "float32 int8 uint8 int32 int64", kNoFacts) \
  X(DILATE, layout, Dilate, DilateOptions, "float32 float16 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool complex64", kNoFacts) \
  X(MIRROR_PAD, layout, MirrorPad, MirrorPadOptions, "float32 float16 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool", kNoFacts) \
  X(PACK, layout, Pack, PackOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(PAD, layout, Pad, PadOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(PADV2, layout, PadV2, PadV2Options, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(REVERSE_SEQUENCE, layout, ReverseSequence, ReverseSequenceOptions, "float32 uint8 int16 int32 int64", kNoFacts) \
  X(REVERSE_V2, layout, ReverseV2, ReverseV2Options, "float32 float16 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(SPACE_TO_BATCH_ND, layout, SpaceToBatchNd, SpaceToBatchNDOptions, "float32 float16 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool", kNoFacts) \
  X(SPACE_TO_DEPTH, layout, SpaceToDepth, SpaceToDepthOptions, "float32 int8 uint8 int32 int64", kNoFacts) \
  X(SPLIT, layout, Split, SplitOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(SPLIT_V, layout, SplitV, SplitVOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(TILE, layout, Tile, TileOptions, "float32 int8 uint8 int16 int32 int64 bool string", kNoFacts) \
  X(TRANSPOSE, layout, Transpose, TransposeOptions, "float32 int8 uint8 int16 int32 int64 bool", kNoFacts) \
  X(UNPACK, layout, Unpack, UnpackOptions, "float32 int8 uint8 int16 int32", kNoFacts) \
  /* index */ \
  X(BUCKETIZE, index, Bucketize, BucketizeOptions, "float32 float64 int32 int64", kNoFacts) \
  X(DYNAMIC_UPDATE_SLICE, index, DynamicUpdateSlice, DynamicUpdateSliceOptions, "float32 float16 float64 int8 uint8 int16 int32 int64 uint32 bool", kNoFacts) \
  X(EMBEDDING_LOOKUP, index, EmbeddingLookup, None, "float32 float16 int8 uint8 int16 int32 int64 bool hybrid", kNoFacts) \
  X(GATHER, index, Gather, GatherOptions, "float32 int8 uint8 int16 int32 int64 bool string", kNoFacts) \
  X(GATHER_ND, index, GatherNd, GatherNdOptions, "float32 float16 int8 uint8 int16 int32 int64 bool string", kNoFacts) \
  X(MATRIX_DIAG, index, MatrixDiag, MatrixDiagOptions, "float32 int8 uint8 int16 int32 int64 uint32", kNoFacts) \
  X(MATRIX_SET_DIAG, index, MatrixSetDiag, MatrixSetDiagOptions, "float32 int8 uint8 int16 int32 int64 uint32", kNoFacts) \
  X(ONE_HOT, index, OneHot, OneHotOptions, "float32 int8 uint8 int32 int64 bool", kNoFacts) \
  X(SCATTER_ND, index, ScatterNd, ScatterNdOptions, "float32 int8 uint8 int32 int64 bool", kNoFacts) \
  X(SEGMENT_SUM, index, SegmentSum, SegmentSumOptions, "float32 int32", kNoFacts) \
  X(SLICE, index, Slice, SliceOptions, "float32 int8 uint8 int16 int32 int64 bool string", kNoFacts) \
  X(SPARSE_TO_DENSE, index, SparseToDense, SparseToDenseOptions, "float32 int8 uint8 int32 int64", kNoFacts) \
  X(STRIDED_SLICE, index, StridedSlice, StridedSliceOptions, "float32 int8 uint8 int16 int32 int64 bool string", kNoFacts) \
  X(TOPK_V2, index, TopKV2, TopKV2Options, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(UNIQUE, index, Unique, UniqueOptions, "float32 int8 uint8 int16 int32 int64", kNoFacts) \
  X(UNSORTED_SEGMENT_MAX, index, UnsortedSegmentMax, UnsortedSegmentMaxOptions, "float32 int32", kNoFacts) \
  X(UNSORTED_SEGMENT_MIN, index, UnsortedSegmentMin, UnsortedSegmentMinOptions, "float32 int32", kNoFacts) \
  X(UNSORTED_SEGMENT_PROD, index, UnsortedSegmentProd, UnsortedSegmentProdOptions, "float32 int32", kNoFacts) \
  X(UNSORTED_SEGMENT_SUM, index, UnsortedSegmentSum, UnsortedSegmentSumOptions, "float32 int32", kNoFacts) \
  X(WHERE, index, Where, WhereOptions, "bool float32 int8 uint8 int32 int64 uint32", kNoFacts) \
  /* resize */ \
  X(RESIZE_BILINEAR, resize, ResizeBilinear, ResizeBilinearOptions, "float32 int8 uint8 int16", kNoFacts) \
  X(RESIZE_NEAREST_NEIGHBOR, resize, ResizeNearestNeighbor, ResizeNearestNeighborOptions, "float32 int8 uint8 int16 int32", kNoFacts) \
  /* recurrent */ \
  X(BIDIRECTIONAL_SEQUENCE_LSTM, recurrent, BidirectionalSequenceLstm, BidirectionalSequenceLSTMOptions, "float32 hybrid", kNoFacts) \
  X(BIDIRECTIONAL_SEQUENCE_RNN, recurrent, BidirectionalSequenceRnn, BidirectionalSequenceRNNOptions, "float32 hybrid", kNoFacts) \
  X(LSTM, recurrent, Lstm, LSTMOptions, "float32 int8 hybrid", kNoFacts) \
  X(RNN, recurrent, Rnn, RNNOptions, "float32 hybrid", kNoFacts) \
  X(SVDF, recurrent, Svdf, SVDFOptions, "float32 int8 hybrid", kNoFacts) \
  X(UNIDIRECTIONAL_SEQUENCE_LSTM, recurrent, UnidirectionalSequenceLstm, UnidirectionalSequenceLSTMOptions, "float32 int8 hybrid", kNoFacts) \
  X(UNIDIRECTIONAL_SEQUENCE_RNN, recurrent, UnidirectionalSequenceRnn, SequenceRNNOptions, "float32 hybrid", kNoFacts) \
  /* control_flow */ \
  X(ASSIGN_VARIABLE, control_flow, AssignVariable, AssignVariableOptions, "any", kNoFacts) \
  N(CALL, control_flow, CallOptions, "LiteRT itself cannot run it") \
  X(CALL_ONCE, control_flow, CallOnce, CallOnceOptions, "any", kNoFacts) \
  X(IF, control_flow, If, IfOptions, "any", kNoFacts) \
  X(READ_VARIABLE, control_flow, ReadVariable, ReadVariableOptions, "any", kNoFacts) \
  X(STABLEHLO_CASE, control_flow, StablehloCase, StablehloCaseOptions, "any", kNoFacts) \
  X(STABLEHLO_COMPOSITE, control_flow, StablehloComposite, StableHLOCompositeOptions, "any", kNoFacts) \
  X(VAR_HANDLE, control_flow, VarHandle, VarHandleOptions, "resource", kNoFacts) \
  X(WHILE, control_flow, While, WhileOptions, "any", kNoFacts) \
  /* detection */ \
  X(NON_MAX_SUPPRESSION_V4, detection, NonMaxSuppression, NonMaxSuppressionV4Options, "float32", kNoFacts) \
  X(NON_MAX_SUPPRESSION_V5, detection, NonMaxSuppression, NonMaxSuppressionV5Options, "float32", kNoFacts) \
  /* signal */ \
  X(COMPLEX_ABS, signal, ComplexAbs, None, "complex64 complex128", kNoFacts) \
  X(IMAG, signal, Imag, None, "complex64 complex128", kNoFacts) \
  X(REAL, signal, Real, None, "complex64 complex128", kNoFacts) \
  X(RFFT2D, signal, Rfft2d, Rfft2dOptions, "float32", kNoFacts) \
  /* random */ \
  X(MULTINOMIAL, random, Multinomial, RandomOptions, "float32", kNoFacts) \
  X(RANDOM_STANDARD_NORMAL, random, RandomStandardNormal, RandomOptions, "int32", kNoFacts) \
  X(RANDOM_UNIFORM, random, RandomUniform, RandomOptions, "int32", kNoFacts) \
  /* text */ \
  N(CONCAT_EMBEDDINGS, text, ConcatEmbeddingsOptions, "LiteRT itself cannot run it") \
  X(EMBEDDING_LOOKUP_SPARSE, text, EmbeddingLookupSparse, EmbeddingLookupSparseOptions, "float32", MainInput(4)) \
  X(HASHTABLE, text, Hashtable, HashtableOptions, "resource", kNoFacts) \
  X(HASHTABLE_FIND, text, HashtableFind, HashtableFindOptions, "int64 string", MainInput(1)) \
  X(HASHTABLE_IMPORT, text, HashtableImport, HashtableImportOptions, "int64 string", MainInput(1)) \
  X(HASHTABLE_LOOKUP, text, HashtableLookup, None, "float32 int8 uint8 int16 int32 int64 bool string", MainInput(2)) \
  X(HASHTABLE_SIZE, text, HashtableSize, HashtableSizeOptions, "resource", kNoFacts) \
  X(LSH_PROJECTION, text, LshProjection, LSHProjectionOptions, "float32 int8 uint8 int16 int32 int64", MainInput(1)) \
  X(SKIP_GRAM, text, SkipGram, SkipGramOptions, "string", kNoFacts) \
  /* stablehlo */ \
  X(REDUCE_WINDOW, stablehlo, ReduceWindow, ReduceWindowOptions, "float32 float64 int8 int16 int32 int64 uint8 bool", kNoFacts) \
  N(STABLEHLO_ABS, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  X(STABLEHLO_ADD, stablehlo, StablehloAdd, None, "float32 float16 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool", kNoFacts) \
  X(STABLEHLO_AND, stablehlo, StablehloAnd, None, "int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool", kNoFacts) \
  N(STABLEHLO_BROADCAST_IN_DIM, stablehlo, StablehloBroadcastInDimOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_CBRT, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_CLAMP, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_COMPARE, stablehlo, StablehloCompareOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_CONCATENATE, stablehlo, StablehloConcatenateOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_CONVERT, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_CONVOLUTION, stablehlo, StablehloConvolutionOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_COSINE, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_CUSTOM_CALL, stablehlo, StablehloCustomCallOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_DIVIDE, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_DOT_GENERAL, stablehlo, StablehloDotGeneralOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_DYNAMIC_SLICE, stablehlo, StablehloDynamicSliceOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_DYNAMIC_UPDATE_SLICE, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_EXPONENTIAL, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_FLOOR, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  X(STABLEHLO_GATHER, stablehlo, StablehloGather, StablehloGatherOptions, "float32 float16 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool", kNoFacts) \
  N(STABLEHLO_IOTA, stablehlo, StablehloIotaOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_LOG, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_LOGISTIC, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  X(STABLEHLO_MAXIMUM, stablehlo, StablehloMaximum, None, "float32 float16 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool", kNoFacts) \
  X(STABLEHLO_MINIMUM, stablehlo, StablehloMinimum, None, "float32 float16 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool", kNoFacts) \
  X(STABLEHLO_MULTIPLY, stablehlo, StablehloMultiply, None, "float32 float16 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool", kNoFacts) \
  N(STABLEHLO_NEGATE, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_OR, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  X(STABLEHLO_PAD, stablehlo, StablehloPad, StablehloPadOptions, "float32 float16 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool", kNoFacts) \
  N(STABLEHLO_POWER, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_REDUCE, stablehlo, StablehloReduceOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  X(STABLEHLO_REDUCE_WINDOW, stablehlo, StablehloReduceWindow, StablehloReduceWindowOptions, "float32 float64 int8 int16 int32 int64 uint8 bool", kNoFacts) \
  N(STABLEHLO_REMAINDER, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_RESHAPE, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  X(STABLEHLO_RNG_BIT_GENERATOR, stablehlo, StablehloRngBitGenerator, StablehloRngBitGeneratorOptions, "uint64", kNoFacts) \
  N(STABLEHLO_RSQRT, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  X(STABLEHLO_SCATTER, stablehlo, StablehloScatter, StablehloScatterOptions, "float32 float16 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool", kNoFacts) \
  N(STABLEHLO_SELECT, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  X(STABLEHLO_SHIFT_LEFT, stablehlo, StablehloShiftLeft, StablehloShiftLeftOptions, "int8 int16 int32", kNoFacts) \
  N(STABLEHLO_SLICE, stablehlo, StablehloSliceOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_SORT, stablehlo, StablehloSortOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_SUBTRACT, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_TANH, stablehlo, None, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_TRANSPOSE, stablehlo, StablehloTransposeOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)") \
  N(STABLEHLO_WHILE, stablehlo, StablehloWhileOptions, "LiteRT itself cannot run it (neither CPU resolver has a kernel)")

// Custom operators, by their custom_code: C("NAME", family, Kernel, "dtypes", facts).
#define TFLDBG_CUSTOM_OPS(C) \
  C("Convolution2DTransposeBias", conv, Convolution2DTransposeBias, "float32", kNoFacts) \
  C("TFLite_Detection_PostProcess", detection, DetectionPostProcess, "float32 uint8", kNoFacts)
