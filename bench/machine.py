"""The machine record every benchmark writes into its results: the CPU's model name as the
kernel reports it (``lscpu``'s "Model name"), the instruction sets that change int8 speed, cores,
threads, platform, Python, package versions, how busy the machine was and the date.

A cloud VM may report only a family ("Intel(R) Xeon(R) Processor"): the flags and the date are
what tell two such machines apart, so quote them with the name.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

#: Packages whose versions a runtime benchmark records.
RUNTIME_PACKAGES = ("finlocal", "onnxruntime", "tokenizers", "numpy")
#: CPU flags that change how fast int8 inference runs (VNNI: 8-bit dot products; AMX: tiles).
SPEED_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def _cpuinfo() -> tuple[str | None, set[str]]:
    name, flags = None, set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and name is None:
                name = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    return name, flags


def cpu_model() -> str:
    """The CPU's model name, as ``lscpu`` gives it."""
    name, _ = _cpuinfo()
    return name or platform.processor() or platform.machine()


def machine(
    threads: int | None = None, load: float | None = None, *, packages: Sequence[str] = RUNTIME_PACKAGES
) -> dict[str, Any]:
    """The record of this machine, now: ``threads`` the benchmark ran with, ``load`` the 1-minute
    load average when it started (the current one when None)."""
    name, flags = _cpuinfo()
    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": name or platform.processor() or platform.machine(),
        "cpu_flags": [f for f in SPEED_FLAGS if f in flags],
        "cores": os.cpu_count(),
        "threads": threads,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        # other work on the machine skews every number; record how busy it was
        "load_average_1m_at_start": round(os.getloadavg()[0] if load is None else load, 2),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
    }
