"""PDF read from its text layer with pypdf (imported on first use)."""

from __future__ import annotations

import io

from finlocal.errors import InputError
from finlocal.reading.document import Document


def read_pdf(data: bytes, source: str) -> Document:
    """The text layer of a PDF, pages separated by a blank line; `Document.page_starts` says
    where each page begins. `InputError` for an encrypted, malformed or scanned (text-less) PDF."""
    if not data.strip():
        raise InputError(f"{source}: empty (no text to score)")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{source}: the PDF is encrypted; decrypt it first (e.g. qpdf --decrypt)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except DependencyError as exc:  # AES-encrypted PDFs need the 'cryptography' package
        raise InputError(f"{source}: cannot decrypt this PDF ({exc})") from exc
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        ZeroDivisionError,
        AssertionError,
        NotImplementedError,
        OSError,
        RecursionError,
    ) as exc:
        # pypdf raises all of these on malformed files (found by fuzzing corrupted PDFs)
        raise InputError(f"{source}: not a readable PDF ({exc})") from exc
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    page_starts, offset = [], 0
    for page in pages:
        page_starts.append(offset)
        if page.strip():
            offset += len(page.strip()) + 2
    if not text.strip():
        raise InputError(
            f"{source}: the PDF has no text layer (a scanned document?); run OCR first "
            "(e.g. ocrmypdf in.pdf out.pdf) and score the result"
        )
    return Document(source, text, (), page_starts=tuple(page_starts))
