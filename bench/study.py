"""The student study: every configuration of docs/student.md over several seeds, in one run.

Runs `finlocal train fit` (and the cross-fitted teachers of `finlocal train crossfit`) as
parallel subprocesses, then writes per-run metrics and per-configuration mean ± sd (weighted F1,
accuracy, macro F1 on the validation portion) to a JSON file, rewritten after every finished run.
Speed and size are not measured here (see bench/student.py): this script may run on a GPU.

    python bench/study.py --workers 2                                  # everything, 3 seeds
    python bench/study.py --only minilm-label --seeds 13               # one configuration

Runs go to --runs-dir (default runs/study/) and the results to RUNS_DIR/study.json; a finished
run of the same config is reused, so an interrupted study resumes where it stopped.

On 2 CPU cores the whole study takes many hours (a MiniLM-L6 epoch is ~2 min, a SmolLM2-135M
epoch ~1 h); on one GPU with --workers 12 it takes minutes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("study")

# configs/teacher-smollm2.toml's backbone, swapped for its dequantized directory (see resolve)
SMOLLM2 = "backbone=smollm2-135m"
KD = ["teacher_weight=1.0", "kl_temperature=2.0"]


@dataclass(frozen=True)
class Group:
    """One configuration of the study: a config file plus overrides, run once per seed."""

    name: str
    config: str
    overrides: tuple[str, ...] = ()
    needs_teachers: bool = False  # trained on the cross-fitted teachers' soft labels
    what: str = ""


@dataclass(frozen=True)
class TeacherSpec:
    """A cross-fitted teacher: K fold runs of one configuration, merged into a teacher file."""

    name: str
    config: str
    overrides: tuple[str, ...] = ()


@dataclass
class Study:
    out: Path
    runs_dir: Path
    base: tuple[str, ...]  # overrides for every run (backbone paths, data paths, threads)
    results: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fit(self, config: str, overrides: Sequence[str], output_dir: Path) -> dict[str, Any]:
        args = [*self.base, *overrides, f"output_dir={output_dir}"]
        if self.finished(config, args, output_dir):
            log.info("reusing %s", output_dir)  # resume: a finished run is not run again
            return self.summary(output_dir)
        cmd = [sys.executable, "-m", "finlocal", "train", "fit", str(ROOT / config), *args, "--quiet"]
        output_dir.mkdir(parents=True, exist_ok=True)
        with (output_dir / "fit.log").open("w") as logfile:
            # cwd: not the repository root, whose finlocal/ would shadow an installed finlocal
            # (finlocal.train lives in train/ and is mapped in only by installing).
            proc = subprocess.run(cmd, cwd=self.runs_dir, stdout=subprocess.PIPE, stderr=logfile, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}); see {output_dir / 'fit.log'}")
        return self.summary(output_dir)

    @staticmethod
    def finished(config: str, args: Sequence[str], output_dir: Path) -> bool:
        """Whether ``output_dir`` holds a finished run of exactly this config (threads aside)."""
        from finlocal.train.config import FitConfig

        done = output_dir / "best" / "fit.json"
        if not done.is_file():
            return False
        wanted = FitConfig.load(ROOT / config, args).to_dict()
        found = json.loads(done.read_text())["config"]
        same = all(wanted[k] == found.get(k) for k in wanted if k != "threads")
        if not same:
            log.warning("%s holds a run of another config; training again", output_dir)
        return same

    @staticmethod
    def summary(output_dir: Path) -> dict[str, Any]:
        info = json.loads((output_dir / "best" / "fit.json").read_text())
        return {"best_epoch": info["best_epoch"], "val": info["val"], "calibration": info["calibration"],
                "epochs_run": len(info["history"]), "seconds": round(info["seconds"], 1),
                "device": info.get("device"), "data": {k: info["data"][k] for k in
                ("train_rows", "val_rows", "rows_with_teacher_probs", "rows_with_evidence", "teachers")}}

    def record(self, key: str, value: Any) -> None:
        with self.lock:
            self.results.setdefault(key, []).append(value)
            self.results["groups"] = summarise(self.results.get("runs", []))
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.out.write_text(json.dumps(self.results, indent=2) + "\n")


def summarise(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault(run["group"], []).append(run)
    out = {}
    for name, rs in sorted(groups.items()):
        row: dict[str, Any] = {"n": len(rs), "seeds": sorted(r["seed"] for r in rs)}
        for metric in ("f1_weighted", "accuracy", "f1_macro"):
            values = [r["val"][metric] for r in rs]
            row[metric] = {"mean": statistics.fmean(values),
                           "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
                           "min": min(values), "max": max(values)}
        out[name] = row
    return out


def toml_list(paths: Sequence[Path]) -> str:
    return "[" + ", ".join(json.dumps(str(p)) for p in paths) + "]"


def groups(teachers: Sequence[Path]) -> list[Group]:
    """The study's configurations; ``teachers``: the cross-fitted teacher files (SmolLM2 first)."""
    teacher_files = toml_list(teachers)
    return [
        Group("minilm-label", "configs/default.toml", (), what="MiniLM-L6, gold labels only"),
        Group("minilm-rationale", "configs/rationale.toml", (),
              what="MiniLM-L6, gold + evidence tagging (saliency targets)"),
        Group("minilm-gemma-kd", "configs/teacher-kd.toml", (),
              what="MiniLM-L6, gold + Gemma 3 270M log-prob soft labels (KL, T=2, weight 0.5)"),
        Group("smollm2-label", "configs/teacher-smollm2.toml", (SMOLLM2,),
              what="SmolLM2-135M-Instruct (decoder, last-token pooling), gold labels only"),
        Group("minilm-kd-rationale", "configs/rationale.toml", (f"teacher_files={teacher_files}", *KD), True,
              what="MiniLM-L6, gold + evidence + cross-fitted SmolLM2 & MiniLM soft labels"),
        Group("minilm-l4-rationale", "configs/rationale.toml", ("encoder_layers=4",),
              what="MiniLM first 4 layers, gold + evidence"),
        Group("minilm-l4-kd-rationale", "configs/rationale.toml",
              ("encoder_layers=4", f"teacher_files={teacher_files}", *KD), True,
              what="MiniLM first 4 layers, gold + evidence + cross-fitted soft labels"),
        Group("minilm-l3-rationale", "configs/rationale.toml", ("encoder_layers=3",),
              what="MiniLM first 3 layers, gold + evidence"),
        Group("minilm-l3-kdsmol-rationale", "configs/rationale.toml",
              ("encoder_layers=3", f"teacher_files={toml_list(teachers[:1])}", *KD), True,
              what="MiniLM first 3 layers, gold + evidence + cross-fitted SmolLM2 soft labels only"),
        Group("minilm-l3-kd-rationale", "configs/distilled.toml", (f"teacher_files={teacher_files}",), True,
              what="MiniLM first 3 layers, gold + evidence + cross-fitted soft labels (the shipped recipe)"),
    ]


TEACHER_SEED = 13  # one cross-fit per teacher, whatever the students' seeds
TEACHERS = [
    TeacherSpec("smollm2", "configs/teacher-smollm2.toml", (SMOLLM2,)),
    TeacherSpec("minilm", "configs/default.toml", ()),
]


def hf_dir_from_gguf(gguf: Path, out: Path) -> Path:
    """Dequantize a GGUF backbone once into a Hugging Face directory (each fit would otherwise
    dequantize it again)."""
    if (out / "config.json").is_file():
        return out
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModel.from_pretrained(gguf.parent, gguf_file=gguf.name)
    partial = out.with_name(out.name + ".partial")
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    partial.rename(out)  # complete or absent
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="results JSON (default: RUNS_DIR/study.json)")
    parser.add_argument("--runs-dir", type=Path, default=ROOT / "runs/study")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    parser.add_argument("--workers", type=int, default=1, help="fits at a time")
    parser.add_argument("--folds", type=int, default=5, help="folds of the cross-fitted teachers")
    parser.add_argument("--only", nargs="+", default=None, help="group names to run")
    parser.add_argument("--set", dest="extra", action="append", default=[], metavar="KEY=VALUE",
                        help="an override for every run (e.g. limit_train=64 for a smoke run)")
    parser.add_argument("--minilm", help="MiniLM-L6 directory (default: the installed package)")
    parser.add_argument("--smollm2", type=Path, help="SmolLM2 GGUF (default: the installed package)")
    parser.add_argument("--fpb", help="FPB training file (default: the configs' path)")
    parser.add_argument("--saliency", default="runs/saliency.jsonl", help="evidence targets file")
    parser.add_argument("--gemma-teacher", default="runs/teachers/combined.jsonl",
                        help="Gemma 3 teacher file for minilm-gemma-kd")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    args.runs_dir = args.runs_dir.resolve()
    args.runs_dir.mkdir(parents=True, exist_ok=True)
    args.out = args.out or args.runs_dir / "study.json"
    for name in ("minilm", "smollm2", "fpb", "saliency", "gemma_teacher"):
        value = getattr(args, name)
        if value is not None and not Path(value).is_absolute():
            setattr(args, name, str(Path(value).resolve()))  # runs start in runs-dir
    threads = max(1, (os.cpu_count() or 2) // args.workers)
    base = [f"threads={threads}", f"evidence_file={args.saliency}"]
    if args.minilm:
        base.append(f"backbone={args.minilm}")  # the decoder groups override it again
    if args.fpb:
        base.append(f"fpb_path={args.fpb}")
    base.extend(args.extra)
    teacher_dir = args.runs_dir / "teachers"
    teacher_paths = [teacher_dir / f"{t.name}-oof.jsonl" for t in TEACHERS]
    chosen = [g for g in groups(teacher_paths) if args.only is None or g.name in args.only]
    unknown = set(args.only or ()) - {g.name for g in groups(teacher_paths)}
    if unknown:
        parser.error(f"--only: unknown group(s) {sorted(unknown)}")

    smol_dir: Path | None = None

    def resolve(overrides: Sequence[str]) -> list[str]:
        nonlocal smol_dir
        if SMOLLM2 in overrides and smol_dir is None:
            smollm2 = args.smollm2
            if smollm2 is None:
                from finlocal.train.weights import smollm2_gguf

                smollm2 = smollm2_gguf()
            smol_dir = hf_dir_from_gguf(Path(smollm2), args.runs_dir / "smollm2-135m-hf")
        return [f"backbone={smol_dir}" if o == SMOLLM2 else o for o in overrides]
    study = Study(args.out, args.runs_dir, tuple(base))
    study.results = {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                                 "cpus": os.cpu_count()},
                     "seeds": args.seeds, "folds": args.folds, "workers": args.workers,
                     "groups_run": {g.name: {"config": g.config, "overrides": list(g.overrides), "what": g.what}
                                    for g in chosen},
                     "runs": [], "teachers": []}
    try:
        import torch

        study.results["machine"]["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
        study.results["machine"]["torch"] = torch.__version__
    except ImportError:
        pass

    pool = ThreadPoolExecutor(max_workers=args.workers)
    futures: list[Future] = []

    def run_group(group: Group, seed: int) -> None:
        out = args.runs_dir / group.name / f"seed-{seed}"
        overrides = [*resolve(group.overrides), f"seed={seed}"]
        if group.name == "minilm-gemma-kd":
            overrides.append(f'teacher_files=["{args.gemma_teacher}"]')
        result = study.fit(group.config, overrides, out)
        study.record("runs", {"group": group.name, "seed": seed, "dir": str(out), **result})
        log.info("%s seed %d: F1w %.4f (%s s)", group.name, seed, result["val"]["f1_weighted"], result["seconds"])

    def submit_all(kd: bool) -> None:
        for group in chosen:
            if group.needs_teachers == kd:
                for seed in args.seeds:
                    futures.append(pool.submit(run_group, group, seed))

    needs_teachers = any(g.needs_teachers for g in chosen)
    teacher_failures: list[BaseException] = []  # a failed teacher: its KD groups never start
    if needs_teachers:
        from finlocal.train.crossfit import merge_heldout, teacher_id

        fold_futures: dict[str, list[tuple[Future, Path]]] = {}
        for teacher in TEACHERS:  # first in the queue: the KD groups wait for them
            for k in range(args.folds):
                out = args.runs_dir / "teachers" / teacher.name / f"fold-{k}"
                overrides = [*resolve(teacher.overrides), f"seed={TEACHER_SEED}",
                             f"folds={args.folds}", f"fold={k}"]
                fold_futures.setdefault(teacher.name, []).append(
                    (pool.submit(study.fit, teacher.config, overrides, out), out))

        def merge_then_kd() -> None:
            try:
                merge_teachers()
            except Exception as exc:  # noqa: BLE001 - reported with the failed fits below
                teacher_failures.append(exc)
                return
            submit_all(kd=True)

        def merge_teachers() -> None:
            for teacher in TEACHERS:
                pairs = fold_futures[teacher.name]
                runs = [f.result() for f, _ in pairs]
                summary = merge_heldout([d for _, d in pairs], teacher_dir / f"{teacher.name}-oof.jsonl",
                                        teacher_id(teacher.name, args.folds, TEACHER_SEED))
                study.record("teachers", {**summary.to_dict(), "name": teacher.name,
                                          "fold_val_f1_weighted": [r["val"]["f1_weighted"] for r in runs]})

        merger = threading.Thread(target=merge_then_kd)
        merger.start()
    submit_all(kd=False)
    if needs_teachers:
        merger.join()
    done, _ = wait(futures)
    pool.shutdown()
    failed = [*teacher_failures, *(f.exception() for f in done if f.exception())]
    for exc in failed:
        log.error("%s", exc)
    print(json.dumps(study.results.get("groups", {}), indent=2))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
