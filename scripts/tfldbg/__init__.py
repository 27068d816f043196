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

The engine in-process (the C++ extension the wheel builds; docs/python.md):
  tfldbg.Interpreter, tfldbg.Error, tfldbg.register_custom_op, and
  tfldbg.lite.Interpreter (a drop-in for ai_edge_litert's).
"""

from tfldbg.backends.engine import find_binary, model_info, run_tool
from tfldbg.formats.dump import Dump, DumpError, load_dump
from tfldbg.interpreter import Interpreter, register_custom_op, unregister_custom_op


def compare(a, b, rtol: float = 1e-5, atol: float = 1e-6, lsb: int = 0):
    """Compares two dumps (Dump objects or their directories) tensor by tensor,
    as `tfldbg compare`: a Comparison, falsy when anything differs, with
    .records() / .to_dataframe() and a table in notebooks."""
    from tfldbg.analysis.compare import compare_dumps

    def dump(d):
        return d if isinstance(d, Dump) else load_dump(d)

    return compare_dumps(dump(a), dump(b), rtol=rtol, atol=atol, lsb=lsb)

__all__ = ["Dump", "DumpError", "load_dump", "find_binary", "model_info", "run_tool", "Interpreter", "Error",
           "register_custom_op", "unregister_custom_op", "compare"]


def __getattr__(name: str):
    if name == "Error":  # the extension's exception type, imported only when asked for
        from tfldbg.interpreter import _engine

        return _engine().Error
    raise AttributeError(f"module 'tfldbg' has no attribute {name!r}")
__version__ = "0.1.0"
