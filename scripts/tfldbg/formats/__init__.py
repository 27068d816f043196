"""Layer 1, formats: reading what tfldbg and LiteRT write (dumps, manifests,
sparse tensors) and the quantization facts every tool shares. Depends on numpy
only; nothing here runs a model."""
