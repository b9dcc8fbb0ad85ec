"""The check for llama-cpp-python builds that run llama.cpp's AMX kernels (finlocal.llama_build)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from finlocal.llama_build import PORTABLE_BUILD, REINSTALL, has_amx_kernels, warn_if_amx

NATIVE_ON_XEON = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX_VNNI = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
    "AVX512 = 1 | AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 1 | AMX_INT8 = 1 | LLAMAFILE = 1 | "
    "OPENMP = 1 | REPACK = 1 | "
)
PORTABLE = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | OPENMP = 1 | REPACK = 1 | "
)


@pytest.mark.parametrize(
    ("info", "amx"),
    [(NATIVE_ON_XEON, True), (PORTABLE, False), ("CPU : AMX_INT8 = 0 | ", False), ("", False)],
)
def test_has_amx_kernels(info: str, amx: bool) -> None:
    assert has_amx_kernels(info) is amx


def _llama_cpp(info: str) -> SimpleNamespace:
    return SimpleNamespace(llama_print_system_info=lambda: info.encode())


def test_an_amx_build_is_warned_about_with_the_reinstall_command(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="finlocal.llama_build"):
        assert warn_if_amx(_llama_cpp(NATIVE_ON_XEON)) is True  # type: ignore[arg-type]
    (record,) = caplog.records
    assert "segmentation fault" in record.getMessage()
    assert PORTABLE_BUILD in record.getMessage() and "--force-reinstall" in record.getMessage()


def test_a_portable_build_loads_without_a_word(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="finlocal.llama_build"):
        assert warn_if_amx(_llama_cpp(PORTABLE)) is False  # type: ignore[arg-type]
    assert caplog.records == []


def test_the_reinstall_command_names_the_pinned_version() -> None:
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    (pin,) = set(re.findall(r'"(llama-cpp-python==[^"]+)"', pyproject))
    assert pin in REINSTALL
