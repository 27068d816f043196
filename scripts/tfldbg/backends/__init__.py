"""Layer 2, backends: what produces dumps. `engine` runs the C++ interpreter
(the `tfldbg` binary, through its documented CLI: docs/cli.md); `litert` runs
the oracle, LiteRT's reference kernels with every tensor kept. Depends on
formats."""
