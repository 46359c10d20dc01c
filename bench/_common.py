"""What every benchmark says about the machine it ran on.

The scripts of bench/ import it as a top-level module (`from _common import machine`): run as
`python bench/x.py`, Python puts bench/ first on the path.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name (`/proc/cpuinfo`), else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, `0.42 0.40 0.31` (`?` where the system has none)."""
    try:
        return " ".join(f"{n:.2f}" for n in os.getloadavg())
    except OSError:
        return "?"


def machine() -> str:
    """`AMD EPYC, 2 cores, Python 3.11.7, load average 0.42 0.40 0.31`: the figures of a
    benchmark on a shared machine mean little without the load it ran under."""
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load_average()}"
    )
