"""What a file name's suffix says the file holds: the one table that reading (input formats),
output (`finlocal score --output`, the app's export), `finlocal compare --output` and
`finlocal train label` consult, each taking the types it can read or write."""

from __future__ import annotations

import enum
from pathlib import PurePath


class FileType(str, enum.Enum):
    JSONL = "jsonl"
    CSV = "csv"
    MARKDOWN = "markdown"
    TEXT = "text"
    HTML = "html"
    PDF = "pdf"


#: Suffix (lower case) → what the file holds.
SUFFIX_TYPES: dict[str, FileType] = {
    ".jsonl": FileType.JSONL,
    ".json": FileType.JSONL,
    ".ndjson": FileType.JSONL,
    ".csv": FileType.CSV,
    ".md": FileType.MARKDOWN,
    ".markdown": FileType.MARKDOWN,
    ".txt": FileType.TEXT,
    ".text": FileType.TEXT,
    ".html": FileType.HTML,
    ".htm": FileType.HTML,
    ".xhtml": FileType.HTML,
    ".pdf": FileType.PDF,
}


def file_type(name: str | PurePath) -> FileType | None:
    """The type a file name (or a bare suffix such as ``.CSV``) stands for, or None."""
    text = str(name)
    suffix = text if text.startswith(".") and "/" not in text else PurePath(text).suffix
    return SUFFIX_TYPES.get(suffix.lower())
