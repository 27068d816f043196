// TFLDBG_EXPORT marks what the tfldbg shared library exports; everything else
// in it is hidden (built with -fvisibility=hidden).
#pragma once

#if defined(_WIN32)
#define TFLDBG_EXPORT
#else
#define TFLDBG_EXPORT __attribute__((visibility("default")))
#endif
