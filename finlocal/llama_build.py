"""Which llama-cpp-python build is installed, and the one kind known to crash: AMX kernels.

llama-cpp-python compiles llama.cpp on install for the CPU it is built on. On CPUs with Intel AMX
(Xeon Sapphire Rapids and later) that build repacks quantized weights for AMX, and on some
machines its AMX matrix multiply crashes the whole process with a segmentation fault at the first
decode (seen on a two-core Xeon VM: every quantized GGUF, SmolLM2's included; upstream
ggml-org/llama.cpp#20824). A build for AVX2 without AMX runs everywhere the teachers and the
explainer are used, so the project installs that one (`PORTABLE_BUILD`, `.ci/run`), and loading a
GGUF with an AMX build logs a warning that says how to reinstall: a crash cannot be caught.
"""

from __future__ import annotations

import logging
from functools import cache
from types import ModuleType

log = logging.getLogger(__name__)

#: The environment for a portable (AVX2, no AMX) build of llama.cpp.
PORTABLE_BUILD = 'CMAKE_ARGS="-DGGML_NATIVE=OFF"'
REINSTALL = f"{PORTABLE_BUILD} pip install --force-reinstall --no-cache-dir --no-deps llama-cpp-python==0.3.36"
#: What is wrong with an AMX build and what to do, for the warning and for tests that skip.
AMX_CRASH = (
    "this llama-cpp-python build runs llama.cpp's AMX kernels, which crash with a segmentation "
    f"fault on some CPUs (ggml-org/llama.cpp#20824); if it does, reinstall it for AVX2: {REINSTALL}"
)


def has_amx_kernels(system_info: str) -> bool:
    """Whether llama.cpp's system line (``llama_print_system_info``) says it runs AMX kernels."""
    return "AMX_INT8 = 1" in system_info


def system_info(llama_cpp: ModuleType) -> str:
    return bytes(llama_cpp.llama_print_system_info()).decode("utf-8", "replace")


@cache
def installed_build_has_amx() -> bool:
    """Whether the installed llama-cpp-python runs AMX kernels (False when it is not installed)."""
    try:
        import llama_cpp
    except ImportError:
        return False
    return has_amx_kernels(system_info(llama_cpp))


def warn_if_amx(llama_cpp: ModuleType) -> bool:
    """Log, before a GGUF is loaded, that this build may crash and how to replace it; whether it
    runs AMX kernels."""
    amx = has_amx_kernels(system_info(llama_cpp))
    if amx:
        log.warning(AMX_CRASH)
    return amx
