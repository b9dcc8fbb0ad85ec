"""The figures README.md and docs/ quote from the bundled model's manifest and bench/results,
kept true the way simonw/llm keeps its docs true with cog.

* **Blocks**: a part of a Markdown file between ``<!-- facts:NAME -->`` and
  ``<!-- /facts:NAME -->`` is rendered here from the manifest and the results files
  (the README's model summary, its bundled-model and performance tables, docs/student.md's ladder).
* **Quotes**: a figure in prose is listed in `QUOTES` with the sentence fragment it stands in and
  where its value comes from; the check fails when the fragment, filled in from the files, is not
  in the document any more.

    python -m bench.facts            # rewrite the blocks from the files, then check the quotes
    python -m bench.facts --check    # exit 1 naming every stale block or quote (tests/test_facts.py)

After a new model or benchmark run: run it, read the diff, fix any quote it names, commit.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bench.ladder import markdown as ladder_markdown
from finlocal.manifest import Manifest, read_manifest
from finlocal.model_facts import fp32_groups

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MODEL_DIR = ROOT / "finlocal" / "models" / "default"
#: The ladder step whose recipe the bundled model is, and the one bundled before it.
BUNDLED_STEP = "student-hint-l4"
PREVIOUS_STEP = "student-hint-dropout"
#: Runtime results of the bundled model, of the model bundled before it, and of the test model.
RUNTIME_FILES = {
    "bundled": "runtime-finlocal-student-minilm-l6-4layer.json",
    "previous": "runtime-finlocal-student-minilm-l6-3layer.json",
    "tiny": "runtime-tiny-test-model.json",
}
#: The int8 figures of the model bundled before this one, from its manifest
#: (``git show a51738d^:finlocal/models/default/finlocal.json``): no results file holds them.
PREVIOUS_INT8 = {
    "comparison": 0.939,
    "challenge": 0.933,
    "holdout": 0.902,
    "parity": "99.1 %; ≤ 2e-07",
    "calibration": "temperature 2.28: ECE 0.110 → 0.021",
}


@cache
def result(name: str) -> Any:
    return json.loads((RESULTS / name).read_text(encoding="utf-8"))


@cache
def manifest() -> Manifest:
    return read_manifest(MODEL_DIR, verify=False)


def get(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data[key]
    return data


def f3(x: float) -> str:
    return f"{x:.3f}"


def ci(interval: list[float]) -> str:
    return f"{interval[0]:.3f}–{interval[1]:.3f}"


def cv_f1(cv: dict[str, Any]) -> dict[str, Any]:
    return dict(cv["overall"]["f1_weighted"])


def speed_cpu(machine: dict[str, Any]) -> str:
    flags = machine.get("cpu_flags")
    vnni = " (AVX-512 VNNI)" if flags and "avx512_vnni" in flags else ""
    return f'{machine["cores"]} cores of an "{machine["cpu"]}" (the model name lscpu gives){vnni}'


def whole_process() -> dict[str, Any]:
    """The whole ``finlocal score`` process for the bundled model and the one before it."""
    sp = result("score-process.json")
    models = sp["models"]
    bundled = models["finlocal/models/default"]
    previous = next(v for k, v in models.items() if k != "finlocal/models/default")
    runtime = result(RUNTIME_FILES["bundled"])
    return {
        "bundled": bundled["sentences_per_s_net_of_startup"],
        "previous": previous["sentences_per_s_net_of_startup"],
        "bundled_rss": bundled["peak_rss_mib"],
        "previous_rss": previous["peak_rss_mib"],
        "startup": bundled["startup_s"],
        "machine": sp["machine"],
        # score-process.json has no date; the runtime benchmark of the same session has
        "date": sp["machine"].get("date") or runtime["date"][:10],
    }


# ---------------------------------------------------------------------------------------------
# blocks


def model_summary() -> str:
    m = manifest()
    cv = m.metrics["cross-validation"]
    f1 = cv_f1(cv)
    direction = m.metrics["direction"]
    comparison = m.metrics["comparison"]
    onnx_mb = (MODEL_DIR / m.model_file).stat().st_size / 1e6
    params = m.base_model["parameters"] / 1e6
    speed = whole_process()
    fp32 = ", ".join(fp32_groups(m.quantization["keep_fp32"]))
    return "\n".join(
        [
            f"**The bundled model**: `{m.name}`, a {m.base_model['layers']}-layer MiniLM student "
            f"({params:.1f} M parameters) with a label head and an evidence head, int8 ONNX "
            f"({onnx_mb:.0f} MB), quantized per row (kept in fp32: {fp32}).",
            "",
            "| measured | |",
            "|---|---|",
            f"| FPB weighted F1, {cv['overall']['n']:,} training rows, 5-fold cross-validation of the recipe "
            f"| **{f3(f1['mean'])}** (95 % CI {ci(f1['ci95'])}) |",
            f"| comparison set: {comparison['n']} sentences that state one change in figures "
            f"| **{f3(comparison['accuracy'])}** |",
            f"| direction sets, challenge / hold-out ({direction['challenge']['n']} statements each) "
            f"| **{f3(direction['challenge']['accuracy'])}** / **{f3(direction['holdout']['accuracy'])}** |",
            f"| speed, the whole `finlocal score` process | **{speed['bundled']:.0f} sentences/s** on "
            f"{speed_cpu(speed['machine'])}, {speed['date']} |",
            "| licence | code and base weights Apache-2.0; trained on Financial PhraseBank (CC BY-NC-SA 3.0), "
            "so treat the model as non-commercial |",
        ]
    )


def bundled_table() -> str:
    m = manifest()
    steps = result("ladder.json")["steps"]
    now, before = steps[BUNDLED_STEP]["cv"], steps[PREVIOUS_STEP]["cv"]
    f1_now, f1_before = cv_f1(now), cv_f1(before)
    paired = ", ".join(
        f"{(a - b) * 100:+.1f}".replace("-", "−") for a, b in zip(f1_now["folds"], f1_before["folds"], strict=True)
    )
    ood = result("out-of-domain.json")
    d, c, p, cal = m.metrics["direction"], m.metrics["comparison"], m.metrics["parity"], m.calibration

    def agreement(cv: dict[str, Any]) -> str:
        return " / ".join(f"{cv['by_agreement'][k]['f1_weighted']['mean']:.2f}" for k in ("100", "75", "66", "50"))

    def acc_macro(cv: dict[str, Any]) -> str:
        return f"{cv['overall']['accuracy']['mean']:.3f} / {cv['overall']['f1_macro']['mean']:.3f}"

    rows = [
        ("measured", f"this model ({m.base_model['layers']} layers)", "previous bundled model (3 layers, same recipe)"),
        ("---", "---", "---"),
        (
            f"FPB weighted F1, 5-fold cross-validation over the {now['overall']['n']:,} training rows (fold mean, "
            "95 % corrected interval; the recipe, trained without each fold)",
            f"**{f3(f1_now['mean'])}** ({ci(f1_now['ci95'])})",
            f"{f3(f1_before['mean'])} ({ci(f1_before['ci95'])}); paired by fold the "
            f"{m.base_model['layers']}-layer recipe is ahead by {paired} points",
        ),
        ("accuracy / macro F1 (cross-validated)", acc_macro(now), acc_macro(before)),
        ("weighted F1 by annotator agreement 100 / 75 / 66 / 50 %", agreement(now), agreement(before)),
        (
            f'comparison set: {c["n"]} sentences that state one change in figures ("EPS was $1.21 compared to '
            '$0.46", "EBIT EUR 3.2 mn (2.9 mn)"), written apart from the reader and the training data',
            f"**{f3(c['accuracy'])}**",
            f3(PREVIOUS_INT8["comparison"]),
        ),
        (
            f"direction challenge set ({d['challenge']['n']} statements; the development set)",
            f"**{f3(d['challenge']['accuracy'])}**",
            f3(PREVIOUS_INT8["challenge"]),
        ),
        (
            f"direction hold-out set ({d['holdout']['n']} statements, never looked at)",
            f"**{f3(d['holdout']['accuracy'])}**",
            f3(PREVIOUS_INT8["holdout"]),
        ),
        (
            f"financial tweets, TFNS training split ({ood['tfns']['n']:,}; out of domain, never trained on)",
            f3(ood["tfns"]["bundled"]["f1_weighted"]),
            f3(ood["tfns"]["previous"]["f1_weighted"]),
        ),
        (
            f"headlines, SEntFiN ({ood['sentfin']['n']:,} with one label; out of domain, never trained on)",
            f3(ood["sentfin"]["bundled"]["f1_weighted"]),
            f3(ood["sentfin"]["previous"]["f1_weighted"]),
        ),
        (
            f"int8 vs PyTorch, {p['n']:,} unseen ECTSum sentences",
            f"{p['label_agreement'] * 100:.1f} % labels agree; "
            f"scores move ≤ {p['batch_dependence']:.0e} with the batch",
            PREVIOUS_INT8["parity"],
        ),
        (
            "calibration",
            f"temperature {cal['temperature']:.2f}: "
            f"ECE {cal['ece_before']:.3f} → {cal['ece_after_crossfitted']:.3f} (cross-fitted)",
            PREVIOUS_INT8["calibration"],
        ),
    ]
    return "\n".join(f"| {a} | {b} | {c_} |" for a, b, c_ in rows)


def performance_table() -> str:
    runs = {k: result(v) for k, v in RUNTIME_FILES.items()}
    described = {
        "bundled": f"bundled {manifest().base_model['layers']}-layer MiniLM with the reader's hint, per-row int8",
        "previous": "previous bundled model (3 layers, same recipe), per-row int8",
        "tiny": "tiny test model (2 layers, hidden 32)",
    }
    lines = [
        "| model | machine | threads | p50 latency, batch 1 | sentences/s, batch 32 "
        "| cold start to first row | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, r in runs.items():
        size = f" ({r['model_bytes'] / 1e6:.1f} MB)" if key != "tiny" else ""
        mach = r["machine"]
        lines.append(
            f'| {described[key]}{size} | "{mach["cpu"]}", {mach["cores"]} cores, {r["date"][:10]} | {mach["threads"]} '
            f"| {r['latency_ms_batch1']['p50']:.2f} ms | {r['sentences_per_s_batch32']:,.0f} "
            f"| {r['cold_start_first_row_s']:.2f} s | {r['peak_rss_mib']:.0f} MiB |"
        )
    return "\n".join(lines)


def corpus_table() -> str:
    summary, later = result("corpus-summary.json"), result("corpus-local.json")

    def row(name: str, r: dict[str, Any], per_cpu: float, rss: str) -> str:
        return (
            f"| {name} | {r['documents']:,} | {r['sentences']:,} | {r['wall_s'] / 60:.1f} min "
            f"| {r['sentences_per_s']:.0f} | {per_cpu:.0f} | {rss} | {r['load_average_1m']['mean']:.1f} |"
        )

    local, ray = summary["local"], summary["ray"]
    later_cpu = later["sentences"] / sum(later["cpu_s"].values())
    largest = f"{later['peak_rss_one_process_mib']:.0f} MiB the largest process"
    return "\n".join(
        [
            "| run (2 workers × 1 thread, 2 cores shared with model training) | documents | sentences | wall "
            "| sentences/s | sentences per CPU-second, all processes | peak RSS, all processes | load (1 min, mean) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            row(
                "local engine",
                local,
                local["sentences_per_cpu_s_all_processes"],
                f"{local['peak_rss_sum_mib']:,.0f} MiB",
            ),
            row(
                "Ray engine, same hour",
                ray,
                ray["sentences_per_cpu_s_all_processes"],
                f"{ray['peak_rss_sum_mib']:,.0f} MiB",
            ),
            row(
                "local engine, later run",
                later,
                later_cpu,
                f"{later['peak_rss_sum_mib']:,.0f} MiB ({largest})",
            ),
        ]
    )


#: How docs/student.md names each engine of bench/results/quantization-schemes.json.
QUANTIZATION_ENGINES = {
    "pytorch": "PyTorch fp32",
    "fp32 onnx": "ONNX fp32",
    "per-row-w7-fp32:classifier+evidence": "**per-row int8, 7-bit weights, heads fp32**",
    "per-row-w7": "per-row int8, 7-bit weights",
    "dynamic-w7": "dynamic int8 (one activation scale per batch; the previous export)",
    "static": "static int8 (QDQ, calibrated on ECTSum sentences)",
    "weight-only": "int8 weights, float activations",
}


def quantization_table() -> str:
    lines = [
        "| engine | CV weighted F1 | label agreement with PyTorch | largest batch dependence | size | p50, batch 1 "
        "| sentences/s, batch 32 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for e in result("quantization-schemes.json")["engines"]:
        size = f"{e['size_bytes'] / 1e6:.1f} MB" if e["size_bytes"] else "–"
        name, agreement = QUANTIZATION_ENGINES[e["engine"]], e["agreement_with_pytorch"] * 100
        lines.append(
            f"| {name} | {e['cv_f1_weighted']:.4f} | {agreement:.2f} % | {e['batch_dependence']:.1e} | {size} "
            f"| {e['p50_ms_batch1']:.2f} ms | {e['sentences_per_s_batch32']:.0f} |"
        )
    return "\n".join(lines)


def reader_rows() -> str:
    """The reader's rows of docs/changes.md's accuracy table that bench/results/reader.json holds."""
    a = result("reader.json")["accuracy"]

    def cells(r: dict[str, Any]) -> str:
        return (
            f"| {r['rows']} | {r['verdicts_stated']} | **{r['verdict_precision']:.3f}** | {r['verdict_recall']:.3f} "
            f"| {r['rows_read_exactly']} |"
        )

    return cells(a["table"]) + "\n" + cells(a["holdout"])


def _header(*columns: str) -> list[str]:
    return ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]


#: A column of a teachers table: its heading and its cell, from the row's name and record.
Column = tuple[str, Callable[[str, dict[str, Any]], str]]


def _acc_f1(scores: dict[str, Any]) -> str:
    return f"{scores['accuracy']:.3f} / {scores['weighted_f1']:.3f}"


LABEL_ORDER = ("negative", "neutral", "positive")


def _rate(key: str) -> Callable[[str, dict[str, Any]], str]:
    return lambda n, r: f"{r[key]:.0%}"


TEACHERS_LOGPROB: tuple[Column, ...] = (
    ("model / prompt format / shots", lambda n, r: n),
    ("accuracy", lambda n, r: f"{r['raw']['accuracy']:.3f}"),
    ("weighted F1", lambda n, r: f"{r['raw']['weighted_f1']:.3f}"),
    ("+ content-free calibration (acc / wF1)", lambda n, r: _acc_f1(r["calibrated"])),
    ("+ batch calibration (acc / wF1)", lambda n, r: _acc_f1(r["batch_calibrated"])),
    ("predicted neg/neu/pos (raw)", lambda n, r: "/".join(str(r["predicted_label_counts"][k]) for k in LABEL_ORDER)),
    ("s/sentence", lambda n, r: f"{r['seconds_per_sentence']:.2f}"),
)
TEACHERS_GENERATE: tuple[Column, ...] = (
    ("model / format / shots", lambda n, r: n),
    ("valid JSON", _rate("valid_json_rate")),
    ("ok (validated)", _rate("ok_rate")),
    ("rejections", lambda n, r: ", ".join(f"{k} {v}" for k, v in r["rejection_reasons"].items()) or "-"),
    ("with evidence", _rate("with_evidence_rate")),
    ("verbatim evidence", _rate("verbatim_evidence_rate")),
    ("accuracy", lambda n, r: f"{r['scores']['accuracy']:.3f}"),
    ("weighted F1", lambda n, r: f"{r['scores']['weighted_f1']:.3f}"),
    ("output tokens", lambda n, r: f"{r['mean_output_tokens']:.0f}"),
    ("s/sentence", lambda n, r: f"{r['seconds_per_sentence']:.1f}"),
)
TEACHERS_PREFIX_REUSE: tuple[Column, ...] = (
    ("model / format", lambda n, r: f"{n} (n={r['n']})"),
    ("with reuse s/sentence", lambda n, r: f"{r['with_reuse_s']:.2f}"),
    ("without", lambda n, r: f"{r['without_reuse_s']:.2f}"),
    ("speed-up", lambda n, r: f"{r['speedup']:.1f}x"),
)
TEACHERS_UNCONSTRAINED: tuple[Column, ...] = (
    ("model / format", lambda n, r: n),
    ("n", lambda n, r: str(r["n"])),
    ("valid JSON", _rate("valid_json_rate")),
    ("passes validation", _rate("ok_rate")),
    ("verbatim evidence (replies with evidence)", _rate("verbatim_evidence_rate")),
    ("failures", lambda n, r: str(r["rejection_reasons"])),
    ("s/sentence", lambda n, r: f"{r['seconds_per_sentence']:.1f}"),
)


def teachers_table(section: str, columns: tuple[Column, ...]) -> Callable[[], str]:
    """The renderer of one table of bench/results/teachers.json: a row per entry of ``section``."""

    def render() -> str:
        lines = _header(*(title for title, _ in columns))
        for name, record in result("teachers.json")[section].items():
            lines.append("| " + " | ".join(cell(name, record) for _, cell in columns) + " |")
        return "\n".join(lines)

    return render


def ladder_table() -> str:
    return ladder_markdown(result("ladder.json"))


@dataclass(frozen=True)
class Block:
    path: str
    name: str
    render: Callable[[], str]


BLOCKS = (
    Block("README.md", "model-summary", model_summary),
    Block("README.md", "bundled-model", bundled_table),
    Block("README.md", "performance", performance_table),
    Block("README.md", "corpus", corpus_table),
    Block("docs/student.md", "ladder", ladder_table),
    Block("docs/student.md", "quantization-schemes", quantization_table),
    Block("docs/teachers.md", "teachers-logprob", teachers_table("logprob", TEACHERS_LOGPROB)),
    Block("docs/teachers.md", "teachers-generate", teachers_table("generate", TEACHERS_GENERATE)),
    Block("docs/teachers.md", "teachers-prefix-reuse", teachers_table("prefix_reuse", TEACHERS_PREFIX_REUSE)),
    Block("docs/teachers.md", "teachers-unconstrained", teachers_table("unconstrained", TEACHERS_UNCONSTRAINED)),
)


# ---------------------------------------------------------------------------------------------
# quotes: figures in prose


@dataclass(frozen=True)
class Quote:
    """``text`` with each ``{}`` filled by a value from the files must stand in ``path``."""

    path: str
    text: str
    values: Callable[[], tuple[Any, ...]]

    def expected(self) -> str:
        return self.text.format(*self.values())


def _m(path: str) -> Callable[[], Any]:
    return lambda: get(manifest().metrics, path)


def _r(name: str, path: str) -> Callable[[], Any]:
    return lambda: get(result(name), path)


def _steps(path: str) -> Callable[[], Any]:
    return _r("ladder.json", f"steps.{path}")


def _q(path: str, text: str, *getters: Callable[[], Any], fmt: Callable[[Any], str] = f3) -> Quote:
    return Quote(path, text, lambda: tuple(fmt(g()) for g in getters))


_CHALLENGE = _m("direction.challenge.accuracy")
_HOLDOUT = _m("direction.holdout.accuracy")
_COMPARISON = _m("comparison.accuracy")
_CV = _m("cross-validation.overall.f1_weighted.mean")
_TWEETS = _r("out-of-domain.json", "tfns.bundled.f1_weighted")
_TWEETS_BEFORE = _r("out-of-domain.json", "tfns.previous.f1_weighted")
_HEADLINES = _r("out-of-domain.json", "sentfin.bundled.f1_weighted")
_HEADLINES_BEFORE = _r("out-of-domain.json", "sentfin.previous.f1_weighted")
_L6 = "student-hint-l6.direction"
_L4 = "student-hint-l4.direction"


def _whole(key: str) -> Callable[[], Any]:
    return lambda: whole_process()[key]


def _int(x: Any) -> str:
    return f"{x:.0f}"


def _f2(x: Any) -> str:
    return f"{x:.2f}"


def _pct(x: Any) -> str:
    return f"{x * 100:.0f}"


def _by_category(path: str, *names: str) -> tuple[Callable[[], Any], ...]:
    return tuple(_m(f"{path}.by_category.{n}") for n in names)


def _corpus(path: str) -> Callable[[], Any]:
    return _r("corpus-summary.json", path)


def _worker_rate() -> float:
    later = result("corpus-local.json")
    return float(later["sentences"] / later["cpu_s"]["workers"])


def _idle_minutes() -> float:
    later = result("corpus-local.json")
    return float(later["sentences"] / _worker_rate() / 2 / 60)


def _ray_cpu_overhead() -> float:
    summary = result("corpus-summary.json")
    ratio = summary["local"]["sentences_per_cpu_s_all_processes"] / summary["ray"]["sentences_per_cpu_s_all_processes"]
    return float(ratio - 1)


def _fold_f1(step: str, fold: int) -> Callable[[], Any]:
    """A committed fold run's held-out weighted F1 (bench/results/folds/STEP/r0-fK.fit.json)."""
    path = ROOT / "bench" / "results" / "folds" / step / f"r0-f{fold}.fit.json"
    return lambda: get(json.loads(path.read_text()), "heldout.f1_weighted")


def _half_up(x: Any) -> str:
    return str(int(float(x) + 0.5))


_TINY_TUI = "tui-tiny-test-model.json"
_L3_TUI = "tui-finlocal-student-minilm-l6-3layer.json"


def _f1(x: Any) -> str:
    return f"{x:.1f}"


QUOTES = (
    # docs/student.md: the blind sets (bench/results/blind.json) and the MPNet teacher's fold 0
    _q(
        "docs/student.md",
        "mixed clauses **{}** accuracy ({} sentences;",
        _r("blind.json", "sets.mixed.accuracy"),
        _r("blind.json", "sets.mixed.n"),
        fmt=lambda x: f"{x:.3f}" if isinstance(x, float) else str(x),
    ),
    _q("docs/student.md", "negation and hedges **{}**", _r("blind.json", "sets.negation.accuracy")),
    _q("docs/student.md", "neutral statements with figures **{}**", _r("blind.json", "sets.neutral_figures.accuracy")),
    _q(
        "docs/student.md",
        "weighted F1 **{}** on fold 0, **{}** on fold 1, **{}** on fold 2, **{}** on fold 3 and **{}** on fold 4",
        *(_fold_f1("teacher-mpnet", k) for k in range(5)),
    ),
    # docs/documents.md: the 20 shared filings before and after (bench/results/filings.json)
    _q(
        "docs/documents.md",
        "| rows | {} | {}: {} sentences, {} headings, {} table rows |",
        _r("filings.json", "before.totals.rows"),
        _r("filings.json", "after.totals.rows"),
        _r("filings.json", "after.totals.rows_by_kind.sentence"),
        _r("filings.json", "after.totals.rows_by_kind.heading"),
        _r("filings.json", "after.totals.rows_by_kind.table_row"),
        fmt=lambda x: f"{x:,}",
    ),
    _q("docs/documents.md", "| tables read as tables | 0 | {} |", _r("filings.json", "after.totals.tables"), fmt=str),
    _q(
        "docs/documents.md",
        "| {} % ({}) | **{} %** ({}) |",
        lambda: get(result("filings.json"), "before.totals.non_sentence_rate") * 100,
        _r("filings.json", "before.totals.non_sentences"),
        lambda: get(result("filings.json"), "after.totals.non_sentence_rate") * 100,
        _r("filings.json", "after.totals.non_sentences"),
        fmt=lambda x: f"{x:,.1f}" if isinstance(x, float) else f"{x:,}",
    ),
    _q(
        "docs/documents.md",
        "**{} %** (7); 7.5 % if list items",
        lambda: get(result("filings.json"), "hand_check.rate_not_sentences") * 100,
        fmt=lambda x: f"{x:.1f}",
    ),
    _q(
        "docs/documents.md",
        "**{} %** (4); 7.5 % if list items",
        lambda: get(result("filings.json"), "hand_check_second.rate_not_sentences") * 100,
        fmt=lambda x: f"{x:.1f}",
    ),
    # docs/changes.md: the blind real-text sample (bench/results/reader.json, blind_real)
    *(
        _q(
            "docs/changes.md",
            f"| {label} | {{}} | {{}} | {{}} | {{}} |",
            _r("reader.json", f"accuracy.blind_real.{draw}.{polarity}.verdicts_expected"),
            _r("reader.json", f"accuracy.blind_real.{draw}.{polarity}.verdicts_stated"),
            _r("reader.json", f"accuracy.blind_real.{draw}.{polarity}.verdict_precision"),
            _r("reader.json", f"accuracy.blind_real.{draw}.{polarity}.verdict_recall"),
            fmt=lambda x: f"{x:.3f}" if isinstance(x, float) else str(x),
        )
        for label, draw, polarity in (
            ("main (545 sentences) | all", "main_draw", "all"),
            ("main | higher is better", "main_draw", "up_good"),
            ("main | lower is better", "main_draw", "up_bad"),
            ("both (1,009 sentences) | all", "all", "all"),
            ("both | higher is better", "all", "up_good"),
            ("both | lower is better", "all", "up_bad"),
            ("both | loss narrowed / widened", "all", "loss"),
        )
    ),
    _q("docs/tui.md", "| submit → first rows | {} s |", _r(_TINY_TUI, "submit_to_first_rows_s"), fmt=_f2),
    _q(
        "docs/tui.md",
        "| {} s, of which scoring {} s |",
        _r(_TINY_TUI, "submit_to_full_table_s"),
        _r(_TINY_TUI, "scoring_only_s"),
        fmt=_f1,
    ),
    _q(
        "docs/tui.md",
        "| {} s (process, all threads: {} s) |",
        _r(_TINY_TUI, "ui_thread_cpu_s"),
        _r(_TINY_TUI, "process_cpu_s"),
        fmt=_f2,
    ),
    _q(
        "docs/tui.md",
        "cursor moved, while scoring (p50 / p95) | {} ms / {} ms |",
        _r(_TINY_TUI, "key_latency_while_scoring_ms.p50"),
        _r(_TINY_TUI, "key_latency_while_scoring_ms.p95"),
        fmt=_half_up,
    ),
    _q(
        "docs/tui.md",
        "shows the sentence, while scoring (p50 / p95) | {} ms / {} ms |",
        _r(_TINY_TUI, "key_to_detail_while_scoring_ms.p50"),
        _r(_TINY_TUI, "key_to_detail_while_scoring_ms.p95"),
        fmt=_half_up,
    ),
    _q(
        "docs/tui.md",
        "timer lateness while scoring (p50 / p95) | {} ms / {} ms |",
        _r(_TINY_TUI, "ui_timer_lateness_ms.while_scoring.p50"),
        _r(_TINY_TUI, "ui_timer_lateness_ms.while_scoring.p95"),
        fmt=_half_up,
    ),
    _q("docs/tui.md", "{} at the end", _r(_TINY_TUI, "load_average_1m_at_end"), fmt=_f1),
    # the bundled 3-layer model's last "after" run is the results file: the table's last column
    _q("docs/tui.md", "| 1.05 s / {} s |", _r(_L3_TUI, "ui_thread_cpu_s"), fmt=_f2),
    _q("docs/tui.md", "| 15.4 s / {} s |", _r(_L3_TUI, "submit_to_full_table_s"), fmt=_f1),
    _q(
        "docs/tui.md",
        "32 ms · {} / {} ms |",
        _r(_L3_TUI, "key_latency_while_scoring_ms.p50"),
        _r(_L3_TUI, "key_latency_while_scoring_ms.p95"),
        fmt=lambda x: f"{x:.1f}" if x < 10 else _half_up(x),
    ),
    _q(
        "docs/tui.md",
        "35 ms · {} / {} ms |",
        _r(_L3_TUI, "key_to_detail_while_scoring_ms.p50"),
        _r(_L3_TUI, "key_to_detail_while_scoring_ms.p95"),
        fmt=lambda x: f"{x:.1f}" if x < 50 else _half_up(x),
    ),
    _q("docs/tui.md", "| 19 ms / {} ms |", _r(_L3_TUI, "ui_timer_lateness_ms.while_scoring.p95"), fmt=_half_up),
    _q("docs/changes.md", "{}", lambda: reader_rows().split("\n")[0], fmt=str),
    _q("docs/changes.md", "{}", lambda: reader_rows().split("\n")[1], fmt=str),
    _q(
        "docs/changes.md",
        "no model, about {} µs a\nsentence",
        _r("reader.json", "side_by_side.this_us_per_sentence"),
        fmt=_half_up,
    ),
    _q(
        "docs/changes.md",
        "**{} µs** a sentence against {} µs for the reader at its start",
        _r("reader.json", "side_by_side.this_us_per_sentence"),
        _r("reader.json", "side_by_side.baseline_us_per_sentence"),
        fmt=str,
    ),
    _q(
        "docs/changes.md",
        "{} against {} sentences/s, **{} %**",
        _r("reader.json", "speed.with_reader.sentences_per_s"),
        _r("reader.json", "speed.without_reader.sentences_per_s"),
        lambda: get(result("reader.json"), "speed.slowdown") * 100,
        fmt=_int,
    ),
    _q(
        "README.md",
        "good item\nup / down {} / {}, bad item up / down {} / {}, loss narrowed / widened {} / {}, loss\nto profit / "
        "profit to loss {} / {}, unchanged {}",
        *_by_category(
            "comparison",
            "good_item_up",
            "good_item_down",
            "bad_item_up",
            "bad_item_down",
            "loss_narrowed",
            "loss_widened",
            "loss_to_profit",
            "profit_to_loss",
            "unchanged",
        ),
        fmt=_f2,
    ),
    _q(
        "README.md",
        "Direction hold-out by category: bad down {}, bad up {}, expectation {}, good down {}, good up {}, "
        "loss narrow {}, loss widen {}, negation {}",
        *_by_category(
            "direction.holdout",
            "bad_down",
            "bad_up",
            "expectation",
            "good_down",
            "good_up",
            "loss_narrow",
            "loss_widen",
            "negation",
        ),
        fmt=_f2,
    ),
    _q("README.md", "but negation, {})", _m("direction.challenge.by_category.negation"), fmt=_f2),
    _q("README.md", "about {} % more CPU per sentence", _ray_cpu_overhead, fmt=_pct),
    _q("README.md", "{} s more before the first document", _corpus("ray_overhead.first_commit_s"), fmt=_int),
    _q(
        "README.md",
        "{} GiB more memory",
        lambda: get(result("corpus-summary.json"), "ray_overhead.peak_rss_sum_mib") / 1024,
        fmt=lambda x: f"{x:.1f}",
    ),
    _q("README.md", "scores about {} sentences per CPU-second", _worker_rate, fmt=_int),
    _q("README.md", "in about {} minutes", _idle_minutes, fmt=_int),
    _q("README.md", "adds **{} %** to the in-process", _r("reader.json", "speed.slowdown"), fmt=_pct),
    _q(
        "README.md",
        "{} against {} sentences/s",
        _r("reader.json", "speed.with_reader.sentences_per_s"),
        _r("reader.json", "speed.without_reader.sentences_per_s"),
        fmt=_int,
    ),
    _q(
        "README.md",
        "{} µs a sentence",
        _r("reader.json", "speed.reader_alone_us_per_sentence"),
        fmt=lambda x: f"{x:.1f}",
    ),
    _q(
        "docs/student.md",
        "bundled before it, {}; gold labels only {})",
        _steps("student-hint-dropout.cv.overall.f1_weighted.mean"),
        _steps("student-gold.cv.overall.f1_weighted.mean"),
    ),
    _q("README.md", "this model reaches {}, {} and {} / {}", _CV, _COMPARISON, _CHALLENGE, _HOLDOUT),
    _q("README.md", "runs {}\nsentences/s", _whole("bundled"), fmt=_int),
    _q("README.md", "**{} sentences/s** net", _whole("bundled"), fmt=_int),
    _q("README.md", "{} with the 3-layer one", _whole("previous"), fmt=_int),
    _q(
        "README.md",
        "fold models that read direction best ({} / {}",
        _steps(f"{_L6}.challenge.accuracy"),
        _steps(f"{_L6}.holdout.accuracy"),
    ),
    _q(
        "README.md",
        "the 4-layer recipe's fold models' {} / {};",
        _steps(f"{_L4}.challenge.accuracy"),
        _steps(f"{_L4}.holdout.accuracy"),
    ),
    _q("docs/student.md", "Cross-validated FPB weighted F1 **{}**", _CV),
    _q("docs/student.md", "**{}** (challenge) and **{}** (hold-out)", _CHALLENGE, _HOLDOUT),
    _q("docs/student.md", "headlines {} ({}),\ntweets {} ({})", _HEADLINES, _HEADLINES_BEFORE, _TWEETS, _TWEETS_BEFORE),
    _q(
        "docs/student.md",
        "tweets {} against {}, headlines {} against {}",
        _TWEETS,
        _TWEETS_BEFORE,
        _HEADLINES,
        _HEADLINES_BEFORE,
    ),
    _q("docs/student.md", "tweets no lower than before ({} against {})", _TWEETS, _TWEETS_BEFORE),
    _q("docs/student.md", "own figures: comparison {}, challenge {}, hold-out {}", _COMPARISON, _CHALLENGE, _HOLDOUT),
    _q(
        "docs/student.md",
        "challenge / hold-out\n**{} / {}** ({} / {})",
        _steps(f"{_L6}.challenge.accuracy"),
        _steps(f"{_L6}.holdout.accuracy"),
        _steps(f"{_L4}.challenge.accuracy"),
        _steps(f"{_L4}.holdout.accuracy"),
    ),
    _q(
        "docs/student.md",
        "process runs\n{} sentences/s (the 3-layer model {})",
        _whole("bundled"),
        _whole("previous"),
        fmt=_int,
    ),
)


# ---------------------------------------------------------------------------------------------


def _block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- facts:{re.escape(name)}\b[^>]*-->\n)(.*?)(<!-- /facts:{re.escape(name)} -->)", re.S)


def render(text: str, block: Block) -> str:
    """``text`` with the block's content rendered afresh."""
    pattern = _block_pattern(block.name)
    if not pattern.search(text):
        raise ValueError(f"{block.path}: no <!-- facts:{block.name} --> … <!-- /facts:{block.name} --> block")
    return pattern.sub(lambda m: m.group(1) + block.render() + "\n" + m.group(3), text, count=1)


def stale(root: Path = ROOT) -> list[str]:
    """What is out of date, one line each (empty when every block and quote is true)."""
    problems = []
    for block in BLOCKS:
        text = (root / block.path).read_text(encoding="utf-8")
        if render(text, block) != text:
            problems.append(f"{block.path}: block {block.name} is stale (run python -m bench.facts)")
    for quote in QUOTES:
        text = (root / quote.path).read_text(encoding="utf-8")
        expected = quote.expected()
        if _fold(expected) not in _fold(text):
            problems.append(f"{quote.path}: expected {expected!r} (from the results), not found")
    return problems


def _fold(text: str) -> str:
    """White space folded: a quote may break across lines."""
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 naming what is stale")
    args = parser.parse_args(argv)
    if not args.check:
        for block in BLOCKS:
            path = ROOT / block.path
            path.write_text(render(path.read_text(encoding="utf-8"), block), encoding="utf-8")
    problems = stale()
    for line in problems:
        print(line, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
