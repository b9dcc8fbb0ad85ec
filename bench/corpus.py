"""Corpus benchmark: ``finlocal corpus score`` over a whole folder, with each engine.

    OMP_WAIT_POLICY=PASSIVE nice -n 5 python bench/corpus.py run --engine local [--corpus DIR]
    OMP_WAIT_POLICY=PASSIVE nice -n 5 python bench/corpus.py run --engine ray
    python bench/corpus.py summary

``run`` starts ``finlocal corpus score CORPUS --out TMP --engine E`` as a child process and, once
a second, reads /proc for the child and every process under it (pool workers; for Ray the GCS,
raylet, actors): their RSS and PSS (summed: the memory of the whole run; PSS shares shared pages
out instead of counting them per process), and their CPU time, by role (the driver, the workers,
Ray's own processes). It also notes when the first part is committed (start-up cost) and the
load average (the cores may be shared). Writes ``bench/results/corpus-<engine>.json``.

``summary`` reads both results and writes ``bench/results/corpus-summary.json``: the Ray run's
overhead against the local one, and a *model* of cluster scaling — throughput per worker times
workers, capped by what one driver can feed, from the driver's measured CPU share. It is a model
from a 2-core machine, not a measurement of a cluster.

Default corpus: ECTSum's earnings calls (``../shared/data/ectsum/calls``, 2,425 documents).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.machine import machine as bench_machine

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "ectsum" / "calls"
PATTERN = "{ticker}_q{quarter:int}_{year:int}"
SAMPLE_S = 1.0
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _display(path: Path) -> str:
    for base, prefix in ((ROOT, ""), (ROOT.parent, "../")):
        try:
            return prefix + str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def machine() -> dict[str, Any]:
    return bench_machine(packages=("finlocal", "onnxruntime", "tokenizers", "pyarrow", "ray"))


# ---------------------------------------------------------------------------------------------
# the process tree


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children = _children_map()
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _role(pid: int, root: int) -> tuple[str, str]:
    """(role, process name): the driver, a worker (a pool process, a Ray actor or task worker),
    one of Ray's own services, or other. Asked at every sample: a Ray worker starts as a plain
    Python process and renames itself (``ray::MapWorker(...)``) once it gets work."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "other", "?"
    if pid == root:
        return "driver", comm
    if "multiprocessing" in cmd or comm.startswith(("ray::MapWorker", "ray::MapBatches", "ray::Write")):
        return "workers", comm  # pool processes; Ray actors scoring, tasks writing
    if comm.startswith("ray::") or comm in ("raylet", "gcs_server") or "ray/" in cmd:
        return "ray-system", comm  # Ray's services and its own actors (stats, autoscaler, idle workers)
    return "other", comm


def _sample(pid: int) -> tuple[int, int, int] | None:
    """(rss bytes, pss bytes, cpu ticks) of one process, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        pss = 0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
                break
        return rss, pss, ticks
    except (OSError, ValueError, IndexError):
        return None


class TreeMonitor(threading.Thread):
    def __init__(self, root: int, commits: Path) -> None:
        super().__init__(daemon=True)
        self.root, self.commits = root, commits
        self.t0 = time.monotonic()
        self.peak_rss = self.peak_pss = self.peak_process_rss = 0
        self.peak_processes = 0
        self.cpu_ticks: dict[int, int] = {}
        self.roles: dict[int, tuple[str, str]] = {}
        self.peak_rss_by_pid: dict[int, int] = {}
        self.loads: list[float] = []
        self.first_commit_s: float | None = None
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(SAMPLE_S):
            self.sample()

    def sample(self) -> None:
        rss = pss = 0
        pids = _tree(self.root)
        self.peak_processes = max(self.peak_processes, len(pids))
        for pid in pids:
            measured = _sample(pid)
            if measured is None:
                continue
            role = _role(pid, self.root)
            if role[1] != "?" or pid not in self.roles:  # keep what was known if it just exited
                self.roles[pid] = role
            self.peak_rss_by_pid[pid] = max(self.peak_rss_by_pid.get(pid, 0), measured[0])
            rss += measured[0]
            pss += measured[1]
            self.peak_process_rss = max(self.peak_process_rss, measured[0])
            self.cpu_ticks[pid] = measured[2]
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
        self.loads.append(_load())
        if self.first_commit_s is None and self.commits.is_dir() and any(self.commits.glob("*.json")):
            self.first_commit_s = round(time.monotonic() - self.t0, 1)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def cpu_by_role(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for pid, ticks in self.cpu_ticks.items():
            role = self.roles.get(pid, ("other", "?"))[0]
            totals[role] = round(totals.get(role, 0.0) + ticks / TICKS, 1)
        return totals

    def processes(self, limit: int = 20) -> list[dict[str, Any]]:
        """The processes that used the most CPU: role, name, CPU seconds, peak RSS."""
        rows = [
            {
                "role": self.roles.get(pid, ("other", "?"))[0],
                "name": self.roles.get(pid, ("", "?"))[1],
                "cpu_s": round(ticks / TICKS, 1),
                "peak_rss_mib": round(self.peak_rss_by_pid.get(pid, 0) / 2**20, 1),
            }
            for pid, ticks in self.cpu_ticks.items()
        ]
        return sorted(rows, key=lambda r: -r["cpu_s"])[:limit]


# ---------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix=f"corpus-{args.engine}-"))
    if out.exists() and args.fresh:
        shutil.rmtree(out)
    command = [
        sys.executable,
        "-m",
        "finlocal",
        "corpus",
        "score",
        str(args.corpus),
        "--out",
        str(out),
        "--name-pattern",
        PATTERN,
        "--engine",
        args.engine,
        "--threads",
        str(args.threads),
        "--quiet",
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.model:
        command += ["--model", str(args.model)]
    load_start = _load()
    t0 = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    monitor = TreeMonitor(process.pid, out / "_commits")
    monitor.start()
    stdout, stderr = process.communicate()
    wall = time.monotonic() - t0
    monitor.stop()
    if process.returncode not in (0, 1):
        sys.exit(f"finlocal corpus score failed ({process.returncode}):\n{stderr[-3000:]}")
    import pyarrow.parquet as pq  # noqa: F401 - the corpus extra is installed for the bench

    from finlocal.corpus.store import CorpusDataset

    dataset = CorpusDataset.open(out)
    documents = dataset.read("documents", columns=["doc_id", "sentences"])
    errors = dataset.read("errors", columns=["doc_id"]).num_rows
    sentences = sum(documents["sentences"].to_pylist())
    done = documents.num_rows + errors
    cpu = monitor.cpu_by_role()
    total_cpu = sum(cpu.values())
    steady = None
    if monitor.first_commit_s is not None and wall > monitor.first_commit_s:
        steady = round(sentences / (wall - monitor.first_commit_s), 1)
    workers = args.workers or (os.cpu_count() or 1) // args.threads
    result = {
        "engine": args.engine,
        "corpus": _display(Path(args.corpus)),
        "model": dataset.settings.model_name,
        "workers": workers,
        "threads_per_worker": args.threads,
        "documents": done,
        "errors": errors,
        "sentences": sentences,
        "wall_s": round(wall, 1),
        "first_commit_s": monitor.first_commit_s,
        "documents_per_s": round(done / wall, 3),
        "sentences_per_s": round(sentences / wall, 1),
        "sentences_per_s_after_first_commit": steady,
        "peak_rss_sum_mib": round(monitor.peak_rss / 2**20, 1),
        "peak_pss_sum_mib": round(monitor.peak_pss / 2**20, 1),
        "peak_rss_one_process_mib": round(monitor.peak_process_rss / 2**20, 1),
        "peak_processes": monitor.peak_processes,
        "cpu_s": cpu,
        "processes": monitor.processes(),
        "driver_cpu_share": round(cpu.get("driver", 0.0) / total_cpu, 4) if total_cpu else None,
        "dataset_mib": round(sum(f.stat().st_size for f in out.rglob("*.parquet")) / 2**20, 1),
        "load_average_1m": {
            "start": load_start,
            "mean": round(sum(monitor.loads) / len(monitor.loads), 2) if monitor.loads else None,
            "max": max(monitor.loads, default=None),
            "end": _load(),
        },
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "note": "2 cores shared with other work (model training, other test runs): see load_average_1m; "
        "an idle machine is faster",
        "command": " ".join(["finlocal", *command[3:]])
        .replace(str(out), "OUT")
        .replace(str(args.corpus), _display(Path(args.corpus))),
        "summary_line": stdout.strip(),
        "machine": machine(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path = RESULTS / f"corpus-{args.engine}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"wrote {path}; dataset in {out}")
    return result


def summary(args: argparse.Namespace) -> dict[str, Any]:
    local = json.loads((RESULTS / "corpus-local.json").read_text())
    ray = json.loads((RESULTS / "corpus-ray.json").read_text())
    workers = ray["workers"]
    # what one worker does with a core to itself: its sentences per CPU-second (the cores were
    # shared here, so the wall-clock rate per worker below is lower)
    per_worker = ray["sentences"] / ray["cpu_s"]["workers"]
    per_worker_here = ray["sentences_per_s_after_first_commit"] / workers
    driver_cpu_per_sentence = ray["cpu_s"].get("driver", 0.0) / ray["sentences"]
    system_cpu_per_sentence = ray["cpu_s"].get("ray-system", 0.0) / ray["sentences"]
    # the driver is one process: busy driver_cpu_per_sentence core-seconds per sentence, it can
    # feed at most 1 / driver_cpu_per_sentence sentences per second, whatever the workers could do
    driver_ceiling = 1 / driver_cpu_per_sentence if driver_cpu_per_sentence else None
    model = {
        "formula": "throughput(N workers) = min(N * per_worker_sentences_per_s, driver_ceiling_sentences_per_s)",
        "per_worker_sentences_per_s": round(per_worker, 1),
        "per_worker_sentences_per_s_measured_on_the_shared_cores": round(per_worker_here, 1),
        "driver_cpu_s_per_1000_sentences": round(1000 * driver_cpu_per_sentence, 3),
        "ray_services_cpu_s_per_1000_sentences": round(1000 * system_cpu_per_sentence, 3),
        "driver_share_of_cpu": ray["driver_cpu_share"],
        "driver_ceiling_sentences_per_s": round(driver_ceiling) if driver_ceiling else None,
        "workers_before_the_driver_limits": (round(driver_ceiling / per_worker) if driver_ceiling else None),
        "startup_s": ray["first_commit_s"],
        "examples_sentences_per_s": {
            str(n): round(min(n * per_worker, driver_ceiling or float("inf")), 1) for n in (1, 2, 8, 32, 128)
        },
        "hours_for_this_corpus": {
            str(n): round(
                (ray["first_commit_s"] or 0) / 3600
                + ray["sentences"] / min(n * per_worker, driver_ceiling or float("inf")) / 3600,
                2,
            )
            for n in (1, 2, 8, 32, 128)
        },
        "assumptions": [
            "a worker with one core to itself scores what a worker here scored per CPU-second "
            "(sentences / the actors' CPU time; same CPU model, one onnxruntime thread per worker)",
            "the driver's CPU per sentence stays what it was here (it starts Ray, plans the dataset and "
            "polls the commit markers; the scoring and the Parquet writes run in the actors and write "
            "tasks, not in the driver); Ray's own services (GCS, raylet) are listed apart",
            "documents and DIR on a shared file system whose bandwidth is not the limit",
            "the start-up (Ray, actors loading the model) is paid once per run",
        ],
        "status": "a model from one 2-core machine, not a measurement of a cluster",
    }
    overhead = {
        "wall_s": round(ray["wall_s"] - local["wall_s"], 1),
        "wall_ratio": round(ray["wall_s"] / local["wall_s"], 3),
        "first_commit_s": (
            round(ray["first_commit_s"] - local["first_commit_s"], 1)
            if ray["first_commit_s"] is not None and local["first_commit_s"] is not None
            else None
        ),
        "peak_pss_sum_mib": round(ray["peak_pss_sum_mib"] - local["peak_pss_sum_mib"], 1),
        "peak_rss_sum_mib": round(ray["peak_rss_sum_mib"] - local["peak_rss_sum_mib"], 1),
        "sentences_per_s_ratio": round(ray["sentences_per_s"] / local["sentences_per_s"], 3),
    }
    keys = (
        "documents",
        "sentences",
        "wall_s",
        "first_commit_s",
        "documents_per_s",
        "sentences_per_s",
        "peak_pss_sum_mib",
        "peak_rss_sum_mib",
        "cpu_s",
        "load_average_1m",
    )

    def side(run: dict[str, Any]) -> dict[str, Any]:
        # the cores were shared: sentences per CPU-second of the workers compares the engines'
        # work fairly, whatever share of the cores each run got
        cpu = sum(run["cpu_s"].values())
        return {
            **{k: run[k] for k in keys},
            # None when no process was recognised as a worker (Ray's actors can keep a name
            # that reads as one of its services; the all-processes figure still holds)
            "sentences_per_worker_cpu_s": (
                round(run["sentences"] / run["cpu_s"]["workers"], 1) if run["cpu_s"].get("workers") else None
            ),
            "sentences_per_cpu_s_all_processes": round(run["sentences"] / cpu, 1) if cpu else None,
        }

    overhead["cpu_s_all_processes"] = round(sum(ray["cpu_s"].values()) - sum(local["cpu_s"].values()), 1)
    result = {
        "local": side(local),
        "ray": side(ray),
        "ray_overhead": overhead,
        "cluster_scaling_model": model,
        "same_rows": args.same_rows,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if args.local_out and args.ray_out:
        result["same_rows"] = compare_datasets(Path(args.local_out), Path(args.ray_out))
    path = RESULTS / "corpus-summary.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


def compare_datasets(a: Path, b: Path) -> dict[str, Any]:
    """Whether two datasets hold the same rows (timings aside)."""
    from finlocal.corpus.store import CorpusDataset
    from finlocal.corpus.tables import TABLE_NAMES, TIMING_COLUMNS, sort_table

    verdict: dict[str, Any] = {}
    for table in TABLE_NAMES:
        tables = []
        for root in (a, b):
            data = CorpusDataset.open(root).read(table)
            data = data.drop_columns([c for c in data.column_names if c in TIMING_COLUMNS])
            tables.append(sort_table(data, table))
        verdict[table] = {"rows": [t.num_rows for t in tables], "equal": tables[0].equals(tables[1])}
    return verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("--engine", choices=["local", "ray"], required=True)
    p_run.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p_run.add_argument("--model", type=Path)
    p_run.add_argument("--workers", type=int)
    p_run.add_argument("--threads", type=int, default=1)
    p_run.add_argument("--out", help="dataset directory (default: a new temporary one)")
    p_run.add_argument("--fresh", action="store_true", help="delete --out first")
    p_sum = sub.add_parser("summary")
    p_sum.add_argument("--local-out", help="the local run's dataset, to check both runs wrote the same rows")
    p_sum.add_argument("--ray-out")
    p_sum.set_defaults(same_rows=None)
    args = parser.parse_args()
    if args.what == "run":
        run(args)
    else:
        summary(args)


if __name__ == "__main__":
    main()
