"""Opening and reading a file, with errors that name it and say what went wrong."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from finlocal.errors import InputError


def read_file_bytes(path: Path) -> bytes:
    """The bytes of a file; `InputError` for a directory, a missing or unreadable file."""
    try:
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory (pass it as a PATH to scan it)") from exc
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def open_file(path: Path) -> BinaryIO:
    """A file opened for binary reading; `InputError` as for `read_file_bytes`."""
    try:
        return path.open("rb")
    except OSError:
        read_file_bytes(path)  # raises the right InputError
        raise
