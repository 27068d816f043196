"""tfldbg's Python package: read dumps, run the engine and the LiteRT oracle,
compare, report and explain. `tfldbg --help` (or `python -m tfldbg --help`)
lists every command.

Layers, each importing only those before it:
  tfldbg.formats   reading dumps and formats; quantization facts
  tfldbg.backends  what produces dumps: the C++ engine and LiteRT
  tfldbg.analysis  compare, metrics, align, quant report, explain, stats
  tfldbg.render    tables, CSV, Markdown, HTML/SVG, overlays
  tfldbg.cli       the one entry point of every command
  tfldbg.testing   single-op models and conformance (tests only)
"""

from tfldbg.backends.engine import find_binary, model_info, run_tool
from tfldbg.formats.dump import Dump, DumpError, load_dump

__all__ = ["Dump", "DumpError", "load_dump", "find_binary", "model_info", "run_tool"]
__version__ = "0.1.0"
