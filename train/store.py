"""The judgement store: one SQLite file in WAL mode, keyed by (teacher id, prompt version,
sentence sha256).

- A re-run skips every key already stored, ok or rejected (``retry_rejected`` redoes rejections).
- A new judgement of a stored key replaces it only when the stored one is a rejection (a retry),
  and then keeps the earlier attempt's tokens and cost (`Judgement.after`); an ok judgement is
  never overwritten. This holds for direct and batch results alike.
- Each chunk of judgements is committed in one transaction as soon as it is made, so killing the
  labeller at any moment loses at most the chunk in flight; WAL with ``synchronous=NORMAL`` keeps
  every committed transaction across a process crash.
- Readers (another process exporting, a notebook) never block the writer and see only
  committed rows.
- The ids of in-flight Claude message batches are kept here too, so a crashed batch run resumes
  by polling the same batch instead of paying for a new one. Before a batch is created, a
  *submission* marker with its custom ids is committed; the batch id replaces it in one
  transaction once the API answers. A marker left by a crash is reconciled against the API's
  list of batches (`finlocal.train.teachers.claude_batches`). A batch whose results are gone is marked
  ``lost`` and its sentences become pending again; a batch found in that list whose results name
  none of our custom ids (another run's) is recorded as ``foreign``, never adopted again, and the
  sentences it was taken for become pending again.
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
from enum import Enum
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
CREATE TABLE IF NOT EXISTS submissions (
    token           TEXT PRIMARY KEY,
    teacher_id      TEXT NOT NULL,
    prompt_version  TEXT NOT NULL,
    custom_ids      TEXT NOT NULL,
    created_at      REAL NOT NULL
);
"""


class BatchState(str, Enum):
    IN_FLIGHT = "in_flight"
    COLLECTED = "collected"
    LOST = "lost"  # results expired (29 days) or the batch was deleted: its sentences re-queue
    FOREIGN = "foreign"  # found in the API's list but holds none of our custom ids: not ours


@dataclass(frozen=True)
class PendingBatch:
    """A message batch submitted but not yet collected. ``custom_ids`` maps id -> sentence."""

    batch_id: str
    teacher_id: str
    prompt_version: str
    custom_ids: dict[str, str]


@dataclass(frozen=True)
class Submission:
    """A batch about to be created (or created by a run that crashed before storing its id).
    ``created_at`` is the local time the marker was committed, before the create call."""

    token: str
    teacher_id: str
    prompt_version: str
    custom_ids: dict[str, str]
    created_at: float


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

    def put(self, judgements: Iterable[Judgement]) -> int:
        """Store judgements in one transaction. A new key is inserted; a stored rejection of the
        same key is replaced (the retry keeps its usage, see `Judgement.after`); a stored ok
        judgement is kept. Returns how many rows were written."""
        with self._transaction() as db:
            return self._upsert(db, list(judgements))

    @staticmethod
    def _upsert(db: sqlite3.Connection, judgements: list[Judgement]) -> int:
        written = 0
        for j in judgements:
            key = (j.teacher_id, j.prompt_version, j.sentence_sha256)
            row = db.execute(
                "SELECT status, data FROM judgements WHERE teacher_id = ? AND prompt_version = ?"
                " AND sentence_sha256 = ?",
                key,
            ).fetchone()
            if row is None:
                db.execute("INSERT INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _row(j))
            elif row[0] == "rejected":
                earlier = Judgement.from_dict(json.loads(row[1]))
                db.execute(
                    "DELETE FROM judgements WHERE teacher_id = ? AND prompt_version = ? AND sentence_sha256 = ?",
                    key,
                )
                db.execute(
                    "INSERT INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    _row(j.after(earlier)),
                )
            else:
                continue
            written += 1
        return written

    def done_hashes(self, teacher_id: str, prompt_version: str, *, include_rejected: bool = True) -> set[str]:
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

    def judgements(self, teacher_id: str | None = None, prompt_version: str | None = None) -> Iterator[Judgement]:
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

    def count(self, teacher_id: str | None = None, prompt_version: str | None = None) -> Counter[str]:
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

    def begin_submission(
        self, token: str, teacher_id: str, prompt_version: str, custom_ids: dict[str, str]
    ) -> Submission:
        """Commit the marker of a batch about to be created (before the create call)."""
        created = time.time()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO submissions VALUES (?, ?, ?, ?, ?)",
                (token, teacher_id, prompt_version, json.dumps(custom_ids), created),
            )
        return Submission(token, teacher_id, prompt_version, dict(custom_ids), created)

    def submissions(self, teacher_id: str, prompt_version: str) -> list[Submission]:
        rows = self._db.execute(
            "SELECT token, custom_ids, created_at FROM submissions WHERE teacher_id = ?"
            " AND prompt_version = ? ORDER BY created_at",
            (teacher_id, prompt_version),
        )
        return [Submission(token, teacher_id, prompt_version, json.loads(ids), created) for token, ids, created in rows]

    def confirm_submission(self, submission: Submission, batch_ids: Sequence[str]) -> None:
        """Record the batch(es) created for ``submission`` and drop its marker, atomically.
        With no batch ids, only the marker goes (the create never reached the API)."""
        with self._transaction() as db:
            for batch_id in batch_ids:
                db.execute(
                    "INSERT OR IGNORE INTO batches VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        batch_id,
                        submission.teacher_id,
                        submission.prompt_version,
                        json.dumps(submission.custom_ids),
                        BatchState.IN_FLIGHT.value,
                        time.time(),
                    ),
                )
            db.execute("DELETE FROM submissions WHERE token = ?", (submission.token,))

    def record_foreign(self, batch_ids: Iterable[str], teacher_id: str, prompt_version: str) -> None:
        """Remember batches of the API's list that are not ours (another run's), so that no
        later lookup considers them again."""
        with self._transaction() as db:
            for batch_id in batch_ids:
                db.execute(
                    "INSERT OR IGNORE INTO batches VALUES (?, ?, ?, ?, ?, ?)",
                    (batch_id, teacher_id, prompt_version, "{}", BatchState.FOREIGN.value, time.time()),
                )

    def mark_foreign(self, batch_id: str) -> None:
        """A batch taken for one of our submissions turned out to hold none of its custom ids:
        it is not ours, and its sentences become pending again."""
        with self._transaction() as db:
            db.execute("UPDATE batches SET state = ? WHERE batch_id = ?", (BatchState.FOREIGN.value, batch_id))

    def add_batch(self, batch_id: str, teacher_id: str, prompt_version: str, custom_ids: dict[str, str]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?)",
                (batch_id, teacher_id, prompt_version, json.dumps(custom_ids), BatchState.IN_FLIGHT.value, time.time()),
            )

    def known_batch_ids(self) -> set[str]:
        """Every batch id this store has recorded, whatever its state."""
        return {row[0] for row in self._db.execute("SELECT batch_id FROM batches")}

    def batch_states(self) -> dict[str, BatchState]:
        rows = self._db.execute("SELECT batch_id, state FROM batches")
        return {batch_id: BatchState(state) for batch_id, state in rows}

    def pending_batches(self, teacher_id: str, prompt_version: str) -> list[PendingBatch]:
        rows = self._db.execute(
            "SELECT batch_id, custom_ids FROM batches WHERE teacher_id = ? AND prompt_version = ?"
            " AND state = ? ORDER BY created_at",
            (teacher_id, prompt_version, BatchState.IN_FLIGHT.value),
        )
        return [PendingBatch(batch_id, teacher_id, prompt_version, json.loads(ids)) for batch_id, ids in rows]

    def finish_batch(self, batch_id: str, judgements: Iterable[Judgement]) -> int:
        """Store a batch's judgements (as `put` does) and mark it collected, in one
        transaction."""
        with self._transaction() as db:
            written = self._upsert(db, list(judgements))
            db.execute(
                "UPDATE batches SET state = ? WHERE batch_id = ?",
                (BatchState.COLLECTED.value, batch_id),
            )
        return written

    def mark_lost(self, batch_id: str) -> None:
        """The batch's results cannot be fetched any more; its sentences become pending."""
        with self._transaction() as db:
            db.execute(
                "UPDATE batches SET state = ? WHERE batch_id = ?",
                (BatchState.LOST.value, batch_id),
            )
