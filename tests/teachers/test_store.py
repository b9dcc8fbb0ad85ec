"""The judgement store: resumable, crash-safe, readable while a labeller writes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from finlocal.train.judgement import Judgement, Label, RejectReason
from finlocal.train.labelling import STORE_NAME, InputRow, LabelConfig, run_labelling
from finlocal.train.store import BatchState, JudgementStore
from finlocal.train.teachers.fake import FakeTeacher


def _ok(sentence: str, teacher: str = "t") -> Judgement:
    return Judgement.accepted(sentence, teacher_id=teacher, prompt_version="v", label=Label.NEUTRAL)


def test_keys_skip_and_count(tmp_path: Path) -> None:
    with JudgementStore(tmp_path / "s.db") as store:
        assert store.put([_ok("a"), _ok("b")]) == 2
        assert store.put([_ok("a")]) == 0  # the key exists: kept, not duplicated
        store.put([Judgement.rejected("c", teacher_id="t", prompt_version="v", reason=RejectReason.INVALID_JSON)])
        assert store.pending("t", "v", ["a", "b", "c", "d", "d"]) == ["d"]
        assert store.pending("t", "v", ["a", "c", "d"], retry_rejected=True) == ["c", "d"]
        assert store.pending("t", "v2", ["a"]) == ["a"]  # another prompt version
        assert store.pending("u", "v", ["a"]) == ["a"]  # another teacher
        counts = store.count("t")
        assert counts["ok"] == 2 and counts["rejected"] == 1
        assert counts["rejected:invalid_json"] == 1
        n = store.export_jsonl(tmp_path / "all.jsonl")
    lines = (tmp_path / "all.jsonl").read_text().splitlines()
    assert n == 3 and [json.loads(x)["sentence"] for x in lines] == ["a", "b", "c"]


def test_a_retry_replaces_a_rejection_and_keeps_what_it_cost(tmp_path: Path) -> None:
    first = Judgement.from_dict(
        {
            **Judgement.rejected("a", teacher_id="t", prompt_version="v", reason=RejectReason.INVALID_JSON).to_dict(),
            "input_tokens": 100,
            "output_tokens": 10,
            "cost_usd": 0.25,
        }
    )
    retry = Judgement.from_dict({**_ok("a").to_dict(), "input_tokens": 100, "cost_usd": 0.5})
    with JudgementStore(tmp_path / "s.db") as store:
        store.put([first])
        assert store.put([retry]) == 1
        (kept,) = store.judgements()
        assert kept.ok and kept.cost_usd == 0.75 and kept.input_tokens == 200
        assert kept.output_tokens == 10 and kept.extra["attempts"] == 2
        # An ok judgement is never overwritten, by a direct put or by a batch.
        later = Judgement.rejected("a", teacher_id="t", prompt_version="v", reason=RejectReason.TRUNCATED)
        assert store.put([later]) == 0
        store.add_batch("b", "t", "v", {"x": "a"})
        assert store.finish_batch("b", [later]) == 0
        (kept,) = store.judgements()
        assert kept.ok and kept.cost_usd == 0.75


def test_batches_are_persisted(tmp_path: Path) -> None:
    with JudgementStore(tmp_path / "s.db") as store:
        store.add_batch("msgbatch_1", "t", "v", {"s0": "a"})
    with JudgementStore(tmp_path / "s.db") as store:
        (pending,) = store.pending_batches("t", "v")
        assert pending.batch_id == "msgbatch_1" and pending.custom_ids == {"s0": "a"}
        store.finish_batch("msgbatch_1", [_ok("a")])
        assert store.pending_batches("t", "v") == []
        assert store.pending("t", "v", ["a"]) == []
        assert store.batch_states() == {"msgbatch_1": BatchState.COLLECTED}


def test_submission_markers_survive_a_crash_and_resolve_atomically(tmp_path: Path) -> None:
    with JudgementStore(tmp_path / "s.db") as store:
        store.begin_submission("tok", "t", "v", {"tok-0": "a", "tok-1": "b"})
    with JudgementStore(tmp_path / "s.db") as store:  # a new process after a crash
        (marker,) = store.submissions("t", "v")
        assert marker.custom_ids == {"tok-0": "a", "tok-1": "b"}
        assert store.submissions("t", "other") == []
        store.confirm_submission(marker, ["msgbatch_9"])
        assert store.submissions("t", "v") == []
        (pending,) = store.pending_batches("t", "v")
        assert pending.batch_id == "msgbatch_9" and pending.custom_ids == marker.custom_ids
        assert store.known_batch_ids() == {"msgbatch_9"}


def test_a_lost_batch_stops_holding_its_sentences(tmp_path: Path) -> None:
    with JudgementStore(tmp_path / "s.db") as store:
        store.add_batch("gone", "t", "v", {"x": "a"})
        store.mark_lost("gone")
        assert store.pending_batches("t", "v") == []
        assert store.batch_states() == {"gone": BatchState.LOST}
        assert store.pending("t", "v", ["a"]) == ["a"]


def test_pipeline_resumes_and_counts_rejections(tmp_path: Path) -> None:
    rows = [InputRow(f"Sales rose {i} %.", "positive") for i in range(12)]
    teacher = FakeTeacher(reject_every=5)
    config = LabelConfig(out_dir=tmp_path, progress=False)
    report = run_labelling(rows, [teacher], config)
    t = report["teachers"][teacher.teacher_id]
    assert t["judged"] == 12 and t["ok"] + t["rejected"] == 12 and t["rejected"] > 0
    assert sum(t["rejection_reasons"].values()) == t["rejected"]
    assert report["combined"] == t["ok"]
    calls = []
    counting = FakeTeacher(reject_every=5)
    counting.judge = lambda s: calls.append(s) or []  # type: ignore[method-assign]
    run_labelling(rows, [counting], config)
    assert calls == []  # everything was done: nothing judged again


_LABELLER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from finlocal.train.labelling import InputRow, LabelConfig, run_labelling
    from finlocal.train.teachers.fake import FakeTeacher

    out, n, delay = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    rows = [InputRow(f"Sentence number {i} says profit rose.") for i in range(n)]
    teacher = FakeTeacher(delay_s=delay, chunk_size=1)
    run_labelling(rows, [teacher], LabelConfig(out_dir=out, progress=False))
    """
)


def test_killed_labeller_loses_nothing_committed(tmp_path: Path) -> None:
    n = 80
    script = tmp_path / "labeller.py"
    script.write_text(_LABELLER)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(script), str(out), str(n), "0.05"])
    db = out / STORE_NAME
    seen: list[int] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if db.exists():
                # A reader while it writes (the tables may not exist for the first moment).
                with contextlib.suppress(sqlite3.OperationalError), JudgementStore(db, readonly=True) as reader:
                    seen.append(reader.count()["ok"])
            if seen and seen[-1] >= 10:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert seen == sorted(seen)
    with JudgementStore(db) as store:
        stored_before = store.count()["ok"]
    assert 10 <= stored_before < n

    subprocess.run([sys.executable, str(script), str(out), str(n), "0"], check=True, timeout=120)
    records = [json.loads(x) for x in (out / "judgements.jsonl").read_text().splitlines()]
    keys = [(r["teacher_id"], r["prompt_version"], r["sentence_sha256"]) for r in records]
    assert len(keys) == len(set(keys)) == n
    combined = [json.loads(x) for x in (out / "combined.jsonl").read_text().splitlines()]
    assert sorted(r["text"] for r in combined) == sorted(f"Sentence number {i} says profit rose." for i in range(n))
