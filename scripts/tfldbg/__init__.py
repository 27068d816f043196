"""tfldbg's Python side: helpers to find the tfldbg binary and run it.

The analysis tools (load_dump, reference, compare, quant-report) build on this
package; `python -m tfldbg --help` lists the commands that exist today.
"""

from tfldbg.dump import Dump, DumpError, load_dump
from tfldbg.tool import find_binary, model_info, run_tool

__all__ = ["Dump", "DumpError", "load_dump", "find_binary", "model_info", "run_tool"]
__version__ = "0.1.0"
