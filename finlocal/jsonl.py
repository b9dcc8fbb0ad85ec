"""JSON Lines: one strict reader and one atomic writer for every file finlocal passes around.

Every JSONL file finlocal reads goes through `read_jsonl` (a line that is not a JSON object, or
that lacks a required field, is an `InputError` naming the file and line) and every one it writes
goes through `write_jsonl` (a temporary file renamed into place). `jsonl_line` is the one encoding
of a row, for JSONL written to a stream.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from finlocal.errors import InputError


def read_jsonl(path: Path, *, required: Sequence[str] = ()) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line, read as it goes. A missing file, a line that
    is not UTF-8 or not JSON, a line that is not an object or an object without one of the
    ``required`` fields is an `InputError` naming the file and line. A byte order mark is allowed.

    Lines end at ``\\n`` (a ``\\r`` before it is JSON whitespace) only, never at the U+2028 or
    U+0085 a JSON string may hold unescaped."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
            if line.strip():
                yield lineno, _parse(line, where, required)


def _parse(line: str, where: str, required: Sequence[str]) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise InputError(f"{where}: expected a JSON object, found {type(row).__name__}")
    missing = [name for name in required if name not in row]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise InputError(f"{where}: the object has no {names} field (each row needs {', '.join(required)})")
    return row


def jsonl_line(row: dict[str, Any]) -> str:
    """One row as a JSON Lines line (UTF-8 text, not ASCII escapes), newline included."""
    return json.dumps(row, ensure_ascii=False) + "\n"


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` to ``path`` through a temporary file renamed into place, so a reader never
    sees half a file; returns the number of rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(jsonl_line(row))
            n += 1
    os.replace(tmp, path)
    return n
