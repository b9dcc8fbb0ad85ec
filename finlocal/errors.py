"""Errors a user can act on. The CLI turns these into one-line messages, never a traceback."""

from __future__ import annotations


class FinlocalError(Exception):
    """Base class: the message says what was expected, what was found and what to do."""


class ModelError(FinlocalError):
    """A model directory is missing, corrupt or does not match its manifest."""


class InputError(FinlocalError):
    """An input (file, directory, stdin, data set) cannot be read or is unusable."""


class MissingExtraError(FinlocalError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the '{package}' package, which is not installed. "
            f"Install it with: pip install 'finlocal[{extra}]'"
        )
        self.package = package
        self.extra = extra


def require(module: str, extra: str, purpose: str):  # noqa: ANN201 - returns a module
    """Import an optional dependency or raise a `MissingExtraError` naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(module.split(".")[0], extra, purpose) from exc
