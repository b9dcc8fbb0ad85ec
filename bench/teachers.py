"""Measure the local teachers on a stratified sample of the validation portion of FPB.

For each model (SmolLM2-135M-Instruct, Gemma 3 270M) and each prompt (few-shot, zero-shot):

- log-prob mode on ``--n`` sentences: accuracy and weighted F1, raw, with contextual
  calibration (dividing by the prior for content-free inputs) and with batch calibration
  (dividing by the mean distribution over the sample's sentences); neither uses labels;
  seconds per sentence;
- generation mode on ``--gen-n`` sentences: valid-JSON rate, verbatim-evidence rate, rejection
  reasons, accuracy, seconds and output tokens per sentence;
- unconstrained generation (same prompt, no grammar) on ``--free-n`` sentences: valid-JSON rate
  and validation failures, the baseline the grammar removes;
- prefix reuse: seconds per sentence in log-prob mode with and without the KV-cache reuse of
  the fixed prefix, on ``--reuse-n`` sentences.

Results go to ``bench/results/teachers.json`` (rewritten after every measurement, so a partial
run still leaves numbers). Run with ``OMP_WAIT_POLICY=PASSIVE``; threads via ``--threads``.

    python -m bench.teachers --n 300 --gen-n 30 --free-n 15 --reuse-n 10

``--mixture`` runs the whole labelling pipeline instead, on ``--n`` sentences of the FPB training
portion, with three teachers: SmolLM2 and Gemma 3 (log-prob mode, batch-calibrated) and Claude
through the real SDK over a mocked HTTP transport (keyword answers, weight 2). It checks that
every teacher's weight is visible in the soft targets (each row's ``probs`` is recomputed from
the teachers' own distributions and shares) and writes ``bench/results/teachers-mixture.json``.
FPB rows are named by id only; the labelling outputs stay in ``--mixture-out`` (outside the
repository).

    python -m bench.teachers --mixture --n 300 --mixture-out /tmp/finlocal-mixture
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.machine import machine
from finlocal.jsonl import read_jsonl
from finlocal.predictions import LABELS
from finlocal.train.combine import gold_scores
from finlocal.train.data import default_fpb_path, load_fpb, split_train_val, stratified_sample
from finlocal.train.teachers.llama import (
    LlamaConfig,
    LlamaCppTeacher,
    LlamaMode,
    PromptFormat,
    _Timing,
    calibrate,
)
from finlocal.train.teachers.spec import KnownGGUF
from finlocal.train.validation import Invalid, locate, validate_raw

log = logging.getLogger("bench.teachers")


def _argmax(p: dict[str, float]) -> str:
    return max(LABELS, key=lambda lab: p[lab])


def _teacher(
    model: KnownGGUF,
    fmt: PromptFormat,
    *,
    few_shot: bool,
    mode: LlamaMode,
    threads: int,
    reuse: bool = True,
    max_new_tokens: int = 768,
) -> LlamaCppTeacher:
    return LlamaCppTeacher(
        LlamaConfig(
            model_path=model.path(),
            mode=mode,
            few_shot=few_shot,
            n_threads=threads,
            reuse_prefix=reuse,
            prompt_format=fmt,
            name=model.value,
            max_new_tokens=max_new_tokens,
        )
    )


def logprob_run(model: KnownGGUF, fmt: PromptFormat, few_shot: bool, sample: list, threads: int) -> dict[str, Any]:
    teacher = _teacher(model, fmt, few_shot=few_shot, mode=LlamaMode.LOGPROB, threads=threads)
    try:
        start = time.perf_counter()
        teacher.label_probs(sample[0].text)  # evaluates the fixed prefix once (not timed below)
        warm = time.perf_counter() - start
        start = time.perf_counter()
        probs = [teacher.raw_label_probs(ex.text) for ex in sample]
        seconds = (time.perf_counter() - start) / len(sample)
        prior = teacher.content_free_probs()
        gold = [ex.label for ex in sample]
        raw = gold_scores(gold, [_argmax(p) for p in probs])
        cal = gold_scores(gold, [_argmax(calibrate(p, prior)) for p in probs])
        mean = {lab: sum(p[lab] for p in probs) / len(probs) for lab in LABELS}
        batch_cal = gold_scores(gold, [_argmax(calibrate(p, mean)) for p in probs])
        predicted = {lab: sum(_argmax(p) == lab for p in probs) for lab in LABELS}
        return {
            "teacher_id": teacher.teacher_id,
            "prompt_format": teacher.prompt_format.value,
            "prompt_version": teacher.prompt_version,
            "prefix_tokens": len(teacher._prefix_tokens),
            "prefix_eval_s": round(warm, 3),
            "n": len(sample),
            "raw": raw,
            "calibrated": cal,
            "batch_calibrated": batch_cal,
            "content_free_prior": prior,
            "predicted_label_counts": predicted,
            "seconds_per_sentence": round(seconds, 4),
        }
    finally:
        teacher.close()


def generate_run(model: KnownGGUF, fmt: PromptFormat, few_shot: bool, sample: list, threads: int) -> dict[str, Any]:
    teacher = _teacher(model, fmt, few_shot=few_shot, mode=LlamaMode.GENERATE, threads=threads)
    try:
        teacher.label_probs(sample[0].text)
        start = time.perf_counter()
        judgements = [teacher.judge([ex.text])[0] for ex in sample]
        seconds = (time.perf_counter() - start) / len(sample)
    finally:
        teacher.close()
    parsed = 0
    for j in judgements:
        with contextlib.suppress(json.JSONDecodeError):
            parsed += isinstance(json.loads(j.raw or ""), dict)
    ok = [j for j in judgements if j.ok]
    with_evidence = [j for j in ok if j.evidence]
    verbatim = [j for j in with_evidence if all(locate(j.sentence, e) for e in j.evidence)]
    reasons: dict[str, int] = {}
    for j in judgements:
        if not j.ok and j.reject_reason is not None:
            reasons[j.reject_reason.value] = reasons.get(j.reject_reason.value, 0) + 1
    gold = {ex.text: ex.label for ex in sample}
    ids = {ex.text: ex.id for ex in sample}
    return {
        "teacher_id": teacher.teacher_id,
        "n": len(sample),
        "valid_json_rate": parsed / len(judgements),
        "ok_rate": len(ok) / len(judgements),
        "rejection_reasons": reasons,
        "with_evidence_rate": len(with_evidence) / max(1, len(ok)),
        "verbatim_evidence_rate": len(verbatim) / max(1, len(with_evidence)),
        "mean_rationale_chars": sum(len(j.rationale or "") for j in ok) / max(1, len(ok)),
        "mean_output_tokens": sum(j.output_tokens for j in judgements) / len(judgements),
        "scores": gold_scores([gold[j.sentence] for j in ok], [j.label.value for j in ok]),
        "seconds_per_sentence": round(seconds, 3),
        "examples": [
            # FPB is CC BY-NC-SA: results name the row by id and never copy the sentence.
            {
                "id": ids[j.sentence],
                "gold": gold[j.sentence],
                "label": j.label.value,
                "rationale": j.rationale,
                "evidence": list(j.evidence),
            }
            for j in ok[:3]
        ],
    }


def unconstrained_run(
    model: KnownGGUF, fmt: PromptFormat, sample: list, threads: int, max_tokens: int = 200
) -> dict[str, Any]:
    """The same few-shot prompt without the grammar: how often a free reply is valid JSON,
    passes validation, and quotes its evidence verbatim (what the constrained path fixes)."""
    teacher = _teacher(model, fmt, few_shot=True, mode=LlamaMode.GENERATE, threads=threads, max_new_tokens=max_tokens)
    parsed = ok = with_evidence = verbatim = 0
    reasons: dict[str, int] = {}
    start = time.perf_counter()
    try:
        for ex in sample:
            reply, _ = teacher._generate(teacher.prompt_tokens(ex.text), None, 0.0, _Timing())
            text = reply.decode("utf-8", errors="replace").strip()
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                data = None
            if isinstance(data, dict):
                parsed += 1
                evidence = data.get("evidence")
                if isinstance(evidence, list) and evidence:
                    with_evidence += 1
                    verbatim += all(isinstance(e, str) and locate(ex.text, e) for e in evidence)
            verdict = validate_raw(ex.text, text)
            if isinstance(verdict, Invalid):
                reasons[verdict.reason.value] = reasons.get(verdict.reason.value, 0) + 1
            else:
                ok += 1
    finally:
        teacher.close()
    n = len(sample)
    return {
        "n": n,
        "valid_json_rate": parsed / n,
        "ok_rate": ok / n,
        "rejection_reasons": reasons,
        "verbatim_evidence_rate": verbatim / max(1, with_evidence),
        "seconds_per_sentence": round((time.perf_counter() - start) / n, 3),
    }


def reuse_run(model: KnownGGUF, fmt: PromptFormat, sample: list, threads: int) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(sample)}
    for reuse in (True, False):
        teacher = _teacher(model, fmt, few_shot=True, mode=LlamaMode.LOGPROB, threads=threads, reuse=reuse)
        try:
            teacher.label_probs(sample[0].text)
            start = time.perf_counter()
            for ex in sample:
                teacher.label_probs(ex.text)
            out["with_reuse_s" if reuse else "without_reuse_s"] = round((time.perf_counter() - start) / len(sample), 4)
        finally:
            teacher.close()
    out["speedup"] = round(out["without_reuse_s"] / out["with_reuse_s"], 2)
    return out


def _mock_claude(threads: int) -> Any:
    """A ClaudeTeacher whose HTTP transport answers like a keyword labeller (FakeTeacher's
    rules), through the fake Anthropic API the tests use (finlocal.train.teachers.fake_anthropic)."""
    import httpx2

    from finlocal.train.teachers.claude import ClaudeConfig, ClaudeTeacher
    from finlocal.train.teachers.fake import FakeTeacher
    from finlocal.train.teachers.fake_anthropic import FakeAnthropicAPI, message, sentence_of

    rules = FakeTeacher()
    usage = {"input_tokens": 40, "output_tokens": 60, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1400}
    api = FakeAnthropicAPI(lambda body: message(body, rules._reply(sentence_of(body)), usage=usage), api_key="")
    os.environ.setdefault("ANTHROPIC_API_KEY", "sk-mock-not-a-key")
    client = httpx2.Client(transport=httpx2.MockTransport(api))
    return ClaudeTeacher(ClaudeConfig(concurrency=1), http_client=client)


def _whole_prompt_tokens(teacher: LlamaCppTeacher, sentence: str) -> list[int]:
    text = teacher.prompt_text(sentence)
    bos = teacher.model.bos_text
    return teacher.model.tokenize(text, add_bos=not (bos and text.startswith(bos)), special=True)


def mixture_run(sample: list, threads: int, out_dir: Path) -> dict[str, Any]:
    """SmolLM2 + Gemma 3 (log-prob) + a mocked Claude (weight 2) through `run_labelling`."""
    from finlocal.train.combine import Vote, teacher_distribution
    from finlocal.train.labelling import InputRow, LabelConfig, run_labelling
    from finlocal.train.store import JudgementStore

    teachers = [
        _teacher(KnownGGUF.SMOLLM2, PromptFormat.AUTO, few_shot=True, mode=LlamaMode.LOGPROB, threads=threads),
        _teacher(KnownGGUF.GEMMA3, PromptFormat.PLAIN, few_shot=True, mode=LlamaMode.LOGPROB, threads=threads),
        _mock_claude(threads),
    ]
    weights = {teachers[2].teacher_id: 2.0}
    # The llama teachers' spliced prompts against the whole prompt tokenized at once (issue 20).
    spliced_equal = {
        t.teacher_id: sum(t.prompt_tokens(ex.text) == _whole_prompt_tokens(t, ex.text) for ex in sample) / len(sample)
        for t in teachers[:2]
    }
    config = LabelConfig(out_dir=out_dir, vote=Vote.MEAN, weights=weights, batch_calibrate=True, progress=False)
    rows = [InputRow(ex.text, ex.label) for ex in sample]
    start = time.perf_counter()
    try:
        report = run_labelling(rows, teachers, config)
    finally:
        for t in teachers:
            t.close()
    seconds = time.perf_counter() - start
    ids = {ex.text: ex.id for ex in sample}
    combined = [row for _, row in read_jsonl(out_dir / "combined.jsonl")]

    # Recompute every soft target from the (batch-calibrated) judgements and the shares.
    from finlocal.train.combine import batch_calibrate

    with JudgementStore(out_dir / "judgements.db", readonly=True) as store:
        judged = [j for t in teachers for j in store.judgements(t.teacher_id, t.prompt_version)]
    judged, _ = batch_calibrate(judged)
    by_text: dict[str, dict[str, Any]] = {}
    for j in judged:
        if j.ok:
            by_text.setdefault(j.sentence, {})[j.teacher_id] = j
    worst = 0.0
    follows = {t.teacher_id: 0 for t in teachers}
    moved = 0  # rows whose label differs from the probability teachers' own mean
    for row in combined:
        own = by_text[row["text"]]
        recomputed = {
            lab: sum(row["weights"][t] * teacher_distribution(own[t], Vote.MEAN)[lab] for t in row["weights"])
            for lab in LABELS
        }
        worst = max(worst, max(abs(recomputed[lab] - row["probs"][lab]) for lab in LABELS))
        for t, j in own.items():
            follows[t] += j.label.value == row["label"]
        local = [t for t in row["weights"] if own[t].probs]
        if local:
            local_mean = {lab: sum(own[t].probs[lab] for t in local) / len(local) for lab in LABELS}
            moved += _argmax(local_mean) != row["label"]
    example = combined[0]
    return {
        "n": len(sample),
        "data": "FPB training portion (split_train_val train part), stratified sample",
        "teachers": {t.teacher_id: weights.get(t.teacher_id, 1.0) for t in teachers},
        "prompt_versions": {t.teacher_id: t.prompt_version for t in teachers},
        "claude": "claude-haiku-5-5 through the real anthropic SDK over a mocked HTTP transport that "
        "answers with FakeTeacher's keyword rules; no request left the machine",
        "spliced_tokens_equal_whole_prompt": spliced_equal,
        "vote": "mean",
        "batch_calibration": True,
        "seconds": round(seconds, 1),
        "combined": report["combined"],
        "soft_target": {t: report["teachers"][t]["soft_target"] for t in report["teachers"]},
        "rows_label_follows_teacher": {t: n / len(combined) for t, n in follows.items()},
        "rows_where_claude_moved_the_label_off_the_local_mean": moved,
        "max_abs_error_recomputing_probs_from_teachers": worst,
        "vs_gold": report["agreement"]["vs_gold"],
        "rejections": {t: v["rejection_reasons"] for t, v in report["teachers"].items()},
        "example_row": {  # by FPB id only: FPB is CC BY-NC-SA, the text is not copied
            "id": ids[example["text"]],
            "label": example["label"],
            "probs": example["probs"],
            "weights": example["weights"],
            "teacher_distributions": {
                t: teacher_distribution(by_text[example["text"]][t], Vote.MEAN) for t in example["weights"]
            },
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_fpb_path())
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--gen-n", type=int, default=40)
    parser.add_argument("--free-n", type=int, default=15)
    parser.add_argument("--reuse-n", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--configs",
        default="smollm2:auto,gemma3:auto,gemma3:plain",
        help="MODEL:FORMAT pairs measured in log-prob mode",
    )
    parser.add_argument(
        "--gen-configs",
        default="smollm2:auto,gemma3:plain",
        help="MODEL:FORMAT pairs measured in generation mode and for prefix reuse",
    )
    parser.add_argument("--shots", default="few,zero")
    parser.add_argument("--skip", default="", help="comma list among logprob,generate,unconstrained,reuse")
    parser.add_argument("--out", type=Path, default=Path("bench/results/teachers.json"))
    parser.add_argument(
        "--mixture", action="store_true", help="run the three-teacher labelling pipeline instead (see above)"
    )
    parser.add_argument(
        "--mixture-out",
        type=Path,
        default=Path("/tmp/finlocal-mixture"),
        help="labelling output directory for --mixture (outside the repo)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per mocked request

    if args.mixture:
        train, _ = split_train_val(load_fpb(args.data))
        result = mixture_run(stratified_sample(train, args.n), args.threads, args.mixture_out)
        result["threads"] = args.threads
        result["machine"] = machine(args.threads)
        result["command"] = f"python -m bench.teachers --mixture --n {args.n} --threads {args.threads}"
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            git = ["git", "rev-parse", "--short", "HEAD"]
            result["commit"] = subprocess.run(git, capture_output=True, text=True, check=True).stdout.strip()
        out = args.out.with_name("teachers-mixture.json")
        out.write_text(json.dumps(result, indent=2) + "\n")
        log.info("wrote %s", out)
        return

    _, val = split_train_val(load_fpb(args.data))
    sample = stratified_sample(val, args.n)
    gen_sample = stratified_sample(sample, args.gen_n)
    reuse_sample = sample[: args.reuse_n]
    results: dict[str, Any] = {
        "data": "FPB training portion, validation split (finlocal.train.data.split_train_val), stratified sample",
        "n": len(sample),
        "gen_n": len(gen_sample),
        "threads": args.threads,
        "machine": machine(args.threads),
        "logprob": {},
        "generate": {},
        "prefix_reuse": {},
        "unconstrained": {},
    }
    if args.out.exists():  # keep what an earlier (partial) run measured
        old = json.loads(args.out.read_text())
        for key in ("logprob", "generate", "prefix_reuse", "unconstrained"):
            results[key].update(old.get(key, {}))

    def save() -> None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")

    skip = set(filter(None, args.skip.split(",")))

    def configs(text: str) -> list[tuple[KnownGGUF, PromptFormat]]:
        pairs = [item.split(":") for item in text.split(",") if item]
        return [(KnownGGUF(m), PromptFormat(f)) for m, f in pairs]

    shots = [s == "few" for s in args.shots.split(",")]
    if "logprob" not in skip:
        for model, fmt in configs(args.configs):
            for few in shots:
                key = f"{model.value}/{fmt.value}/{'few' if few else 'zero'}-shot"
                log.info("logprob %s", key)
                results["logprob"][key] = logprob_run(model, fmt, few, sample, args.threads)
                save()
    for model, fmt in configs(args.gen_configs):
        if "generate" not in skip:
            for few in shots:
                key = f"{model.value}/{fmt.value}/{'few' if few else 'zero'}-shot"
                log.info("generate %s", key)
                results["generate"][key] = generate_run(model, fmt, few, gen_sample, args.threads)
                save()
        if "unconstrained" not in skip:
            key = f"{model.value}/{fmt.value}/few-shot"
            log.info("unconstrained generation %s", key)
            results["unconstrained"][key] = unconstrained_run(model, fmt, gen_sample[: args.free_n], args.threads)
            save()
        if "reuse" not in skip:
            key = f"{model.value}/{fmt.value}"
            log.info("prefix reuse %s", key)
            results["prefix_reuse"][key] = reuse_run(model, fmt, reuse_sample, args.threads)
            save()


if __name__ == "__main__":
    main()
