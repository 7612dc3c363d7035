"""Run a command, print its peak resident memory in bytes, and exit with its exit code.

    python benchmarks/_measure.py COMMAND [ARG...]

The command's standard output is discarded; its standard error is passed through.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Sequence

# ru_maxrss is in kibibytes on Linux and in bytes on macOS.
RSS_UNIT = 1 if sys.platform == "darwin" else 1024


def main(argv: Sequence[str]) -> int:
    """Run `argv` as this process's only child, so the children's peak memory is its own."""
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    code = subprocess.run(argv, stdout=subprocess.DEVNULL, check=False).returncode
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * RSS_UNIT)
    return code if code >= 0 else 128 - code  # killed by a signal: the shell's convention


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
