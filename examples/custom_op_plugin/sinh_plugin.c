/* An example custom-operator plugin: Sinh, the custom op of LiteRT's test model
 * custom_sinh.bin: float32 in, float32 out, any shape.
 *
 *   cmake --build build/release --target sinh_plugin
 *   build/release/bin/tfldbg run custom_sinh.bin --custom-op-lib build/release/lib/libsinh_plugin.so
 *
 * Built with nothing but include/tfldbg/custom_op.h: a plugin needs no other
 * tfldbg header and no tfldbg library. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tfldbg/custom_op.h"

static int Fail(TfldbgCustomOpContext* ctx, const char* message) {
  snprintf(ctx->error, ctx->error_capacity, "%s", message);
  return 1;
}

/* One float32 input, one float32 output of the same shape. */
static int PrepareUnaryFloat(TfldbgCustomOpContext* ctx) {
  if (ctx->input_count != 1 || ctx->output_count != 1) return Fail(ctx, "expected 1 input and 1 output");
  const TfldbgTensor* x = &ctx->inputs[0];
  TfldbgTensor* y = &ctx->outputs[0];
  if (x->type != 0) return Fail(ctx, "input must be float32");
  y->type = 0;
  y->rank = x->rank;
  for (int32_t i = 0; i < x->rank; ++i) y->shape[i] = x->shape[i];
  return 0;
}

static int EvalSinh(TfldbgCustomOpContext* ctx) {
  const float* x = (const float*)ctx->inputs[0].data;
  float* y = (float*)ctx->outputs[0].data;
  const uint64_t n = ctx->outputs[0].bytes / sizeof(float);
  if (ctx->inputs[0].bytes != ctx->outputs[0].bytes) return Fail(ctx, "input and output sizes differ");
  for (uint64_t i = 0; i < n; ++i) y[i] = sinhf(x[i]);
  return 0;
}

static const TfldbgCustomOp kOps[] = {
    {TFLDBG_CUSTOM_OP_ABI_VERSION, "Sinh", PrepareUnaryFloat, EvalSinh, NULL},
};

TFLDBG_PLUGIN_EXPORT const TfldbgCustomOp* tfldbg_custom_ops(uint32_t* count) {
  *count = (uint32_t)(sizeof(kOps) / sizeof(kOps[0]));
  return kOps;
}
