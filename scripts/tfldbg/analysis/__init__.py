"""Layer 3, analysis: comparisons, error metrics, float/quantized alignment,
quantization reports, integer walk-throughs of one node, dataset statistics.
Returns data (objects and dicts); rendering them is tfldbg.render's job.
Depends on formats and backends."""
