"""The judgement store: one SQLite file in WAL mode, keyed by (teacher id, prompt version,
sentence sha256).

- A re-run skips every key already stored, ok or rejected (``retry_rejected`` redoes rejections).
- Each chunk of judgements is committed in one transaction as soon as it is made, so killing the
  labeller at any moment loses at most the chunk in flight; WAL with ``synchronous=NORMAL`` keeps
  every committed transaction across a process crash.
- Readers (another process exporting, a notebook) never block the writer and see only
  committed rows.
- The ids of in-flight Claude message batches are kept here too, so a crashed batch run resumes
  by polling the same batch instead of paying for a new one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from finlocal.train.judgement import Judgement, sentence_hash

if TYPE_CHECKING:
    from typing_extensions import Self

_SCHEMA = """
CREATE TABLE IF NOT EXISTS judgements (
    teacher_id      TEXT NOT NULL,
    prompt_version  TEXT NOT NULL,
    sentence_sha256 TEXT NOT NULL,
    sentence        TEXT NOT NULL,
    status          TEXT NOT NULL,
    label           TEXT,
    reject_reason   TEXT,
    data            TEXT NOT NULL,
    created_at      REAL NOT NULL,
    PRIMARY KEY (teacher_id, prompt_version, sentence_sha256)
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id        TEXT PRIMARY KEY,
    teacher_id      TEXT NOT NULL,
    prompt_version  TEXT NOT NULL,
    custom_ids      TEXT NOT NULL,
    state           TEXT NOT NULL,
    created_at      REAL NOT NULL
);
"""


@dataclass(frozen=True)
class PendingBatch:
    """A message batch submitted but not yet collected. ``custom_ids`` maps id -> sentence."""

    batch_id: str
    teacher_id: str
    prompt_version: str
    custom_ids: dict[str, str]


def _row(j: Judgement) -> tuple[object, ...]:
    return (
        j.teacher_id,
        j.prompt_version,
        j.sentence_sha256,
        j.sentence,
        j.status.value,
        j.label.value if j.label else None,
        j.reject_reason.value if j.reject_reason else None,
        json.dumps(j.to_dict(), ensure_ascii=False),
        time.time(),
    )


class JudgementStore:
    """Open (or create) the store at ``path``. Use as a context manager or call `close`."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly:
            uri = f"file:{self.path}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- judgements ---------------------------------------------------------------------------

    def put(self, judgements: Iterable[Judgement], *, replace: bool = False) -> int:
        """Store judgements in one transaction; an existing key is kept unless ``replace``.

        Returns how many rows were written.
        """
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        rows = [_row(j) for j in judgements]
        if not rows:
            return 0
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(f"{verb} INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            return db.total_changes - before

    def done_hashes(
        self, teacher_id: str, prompt_version: str, *, include_rejected: bool = True
    ) -> set[str]:
        query = "SELECT sentence_sha256 FROM judgements WHERE teacher_id = ? AND prompt_version = ?"
        if not include_rejected:
            query += " AND status = 'ok'"
        return {row[0] for row in self._db.execute(query, (teacher_id, prompt_version))}

    def pending(
        self,
        teacher_id: str,
        prompt_version: str,
        sentences: Sequence[str],
        *,
        retry_rejected: bool = False,
    ) -> list[str]:
        """The sentences (unique, in input order) this teacher has not judged yet."""
        done = self.done_hashes(teacher_id, prompt_version, include_rejected=not retry_rejected)
        seen: set[str] = set()
        out = []
        for s in sentences:
            h = sentence_hash(s)
            if h not in done and h not in seen:
                seen.add(h)
                out.append(s)
        return out

    def judgements(
        self, teacher_id: str | None = None, prompt_version: str | None = None
    ) -> Iterator[Judgement]:
        """Every stored judgement (optionally of one teacher/prompt), in insertion order."""
        query = "SELECT data FROM judgements"
        clauses, params = [], []
        if teacher_id is not None:
            clauses.append("teacher_id = ?")
            params.append(teacher_id)
        if prompt_version is not None:
            clauses.append("prompt_version = ?")
            params.append(prompt_version)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        for (data,) in self._db.execute(query + " ORDER BY rowid", params):
            yield Judgement.from_dict(json.loads(data))

    def count(
        self, teacher_id: str | None = None, prompt_version: str | None = None
    ) -> Counter[str]:
        """Counts by status, plus ``rejected:<reason>`` per rejection reason."""
        filters = {"teacher_id": teacher_id, "prompt_version": prompt_version}
        clauses = {column: value for column, value in filters.items() if value is not None}
        where = ("WHERE " + " AND ".join(f"{c} = ?" for c in clauses)) if clauses else ""
        params = tuple(clauses.values())
        counts: Counter[str] = Counter()
        query = f"SELECT status, reject_reason, COUNT(*) FROM judgements {where} GROUP BY 1, 2"
        for status, reason, n in self._db.execute(query, params):
            counts[status] += n
            if reason:
                counts[f"rejected:{reason}"] += n
        return counts

    def export_jsonl(self, path: Path, *, teacher_ids: Sequence[str] | None = None) -> int:
        """Write every judgement (ok and rejected) as one JSON object a line; atomic rename."""
        path = Path(path)
        tmp = path.with_suffix(path.suffix + ".tmp")
        n = 0
        with tmp.open("w", encoding="utf-8") as fh:
            for j in self.judgements():
                if teacher_ids is not None and j.teacher_id not in teacher_ids:
                    continue
                fh.write(json.dumps(j.to_dict(), ensure_ascii=False) + "\n")
                n += 1
        os.replace(tmp, path)
        return n

    # -- message batches ----------------------------------------------------------------------

    def add_batch(
        self, batch_id: str, teacher_id: str, prompt_version: str, custom_ids: dict[str, str]
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO batches VALUES (?, ?, ?, ?, 'in_flight', ?)",
                (batch_id, teacher_id, prompt_version, json.dumps(custom_ids), time.time()),
            )

    def pending_batches(self, teacher_id: str, prompt_version: str) -> list[PendingBatch]:
        rows = self._db.execute(
            "SELECT batch_id, custom_ids FROM batches WHERE teacher_id = ? AND prompt_version = ?"
            " AND state = 'in_flight' ORDER BY created_at",
            (teacher_id, prompt_version),
        )
        return [
            PendingBatch(batch_id, teacher_id, prompt_version, json.loads(ids))
            for batch_id, ids in rows
        ]

    def finish_batch(self, batch_id: str, judgements: Iterable[Judgement]) -> int:
        """Store a batch's judgements and mark it collected, in one transaction."""
        rows = list(judgements)
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_row(j) for j in rows],
            )
            written = db.total_changes - before
            db.execute("UPDATE batches SET state = 'collected' WHERE batch_id = ?", (batch_id,))
        return written
