/* Custom operators from outside tfldbg: one registration shape for every source
 * (a C++ program, a plugin shared library loaded with --custom-op-lib, a Python
 * callback). A plain C ABI, so a plugin built with another compiler loads.
 *
 * prepare: check the inputs and set every output's type and shape.
 * eval:    compute the outputs from the inputs (buffers sized by prepare).
 * Each returns 0 on success; on failure, non-zero with a one-line message
 * written into ctx->error (at most ctx->error_capacity bytes, NUL included).
 *
 *   static int Prepare(TfldbgCustomOpContext* ctx) {
 *     ctx->outputs[0].type = ctx->inputs[0].type;
 *     ctx->outputs[0].rank = ctx->inputs[0].rank;
 *     for (int i = 0; i < ctx->inputs[0].rank; ++i) ctx->outputs[0].shape[i] = ctx->inputs[0].shape[i];
 *     return 0;
 *   }
 *   static int Eval(TfldbgCustomOpContext* ctx) { ... ctx->inputs[0].data -> ctx->outputs[0].data ... }
 *   static const TfldbgCustomOp kOps[] = {{TFLDBG_CUSTOM_OP_ABI_VERSION, "MySinh", Prepare, Eval, NULL}};
 *   TFLDBG_PLUGIN_EXPORT const TfldbgCustomOp* tfldbg_custom_ops(uint32_t* count) { *count = 1; return kOps; }
 */
#ifndef TFLDBG_CUSTOM_OP_H_
#define TFLDBG_CUSTOM_OP_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a struct below changes; tfldbg refuses other versions with one line. */
#define TFLDBG_CUSTOM_OP_ABI_VERSION 1u
/* The most dimensions an output may have (the capacity of TfldbgTensor.shape). */
#define TFLDBG_MAX_RANK 16

/* Element types use the .tflite TensorType numbering (tfldbg/dtype.h):
 * 0 float32, 1 float16, 2 int32, 3 uint8, 4 int64, 6 bool, 7 int16, 9 int8, ... */
typedef struct TfldbgTensor {
  int32_t type;
  int32_t rank;
  int32_t* shape;             /* inputs: read-only; outputs: capacity TFLDBG_MAX_RANK, set by prepare */
  void* data;                 /* inputs: read-only; outputs: written by eval; NULL during prepare */
  uint64_t bytes;             /* the size of data (0 during prepare) */
  const float* scale;         /* quantization, quant_count entries (0 when none) */
  const int64_t* zero_point;
  int32_t quant_count;
  int32_t quantized_dimension;
  const char* name;
} TfldbgTensor;

typedef struct TfldbgCustomOpContext {
  const char* op_name;        /* the custom code, as in the model */
  int32_t subgraph;
  int32_t node;
  const uint8_t* options;     /* the operator's custom options bytes (a flexbuffer, usually); may be NULL */
  uint64_t options_size;
  int32_t input_count;
  const TfldbgTensor* inputs; /* absent optional inputs have type -1 and rank -1 */
  int32_t output_count;
  TfldbgTensor* outputs;
  char* error;                /* one line, NUL-terminated, on failure */
  uint64_t error_capacity;
  void* user_data;            /* TfldbgCustomOp.user_data */
} TfldbgCustomOpContext;

typedef struct TfldbgCustomOp {
  uint32_t abi_version;       /* TFLDBG_CUSTOM_OP_ABI_VERSION */
  const char* name;           /* the custom code it runs */
  int (*prepare)(TfldbgCustomOpContext* ctx);
  int (*eval)(TfldbgCustomOpContext* ctx);
  void* user_data;
} TfldbgCustomOp;

/* What a plugin library exports: its operators, valid while it stays loaded. */
typedef const TfldbgCustomOp* (*TfldbgCustomOpsFunction)(uint32_t* count);
#define TFLDBG_CUSTOM_OPS_SYMBOL "tfldbg_custom_ops"

#if defined(_WIN32)
#define TFLDBG_PLUGIN_EXPORT __declspec(dllexport)
#else
#define TFLDBG_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* TFLDBG_CUSTOM_OP_H_ */
