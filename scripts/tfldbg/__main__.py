"""`python -m tfldbg COMMAND ...`: the same program as the `tfldbg` console script (tfldbg.cli)."""

import sys

from tfldbg.cli import main

if __name__ == "__main__":
    sys.exit(main())
