"""Terminal-app benchmark: how fast a 2,000-sentence report fills the table, and whether the UI
stays responsive while it is scored.

    OMP_WAIT_POLICY=PASSIVE python -m bench.tui [--model DIR] [--threads N] [--runs 3]

Runs the real app headless (Textual's Pilot, 100×30) on the real ONNX model and measures:

* submit → first rows, and submit → the full table (all 2,000 rows and the final report);
* key latency while scoring: from a ``down`` key press (one every 0.25 s) to the table's cursor
  having moved, and to the detail panel showing the newly selected sentence (key → screen);
* CPU time of the UI thread from submit to the full table (load-independent);
* event-loop lateness while scoring: a 10 ms interval timer on the UI loop, and how late each
  tick fires (the UI thread's "frame latency"); also measured while idle, as the baseline.

Writes ``bench/results/tui-<model name>.json`` (with the machine, the load average at the start
and the end, and ``--note``) and prints a table. A benchmark, not a test: nothing here asserts a
speed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.runtime import display_path, machine, report_sentences, report_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = ROOT / "tests" / "fixtures" / "tiny-model"
RESULTS = ROOT / "bench" / "results"
SENTENCES = 2000
TICK_S = 0.010
KEY_EVERY_S = 0.25
"""A key press this often while scoring: a user reading rows, not a benchmark hammering keys."""


def _summary(values_ms: list[float]) -> dict[str, float]:
    if not values_ms:
        return {"n": 0}
    ordered = sorted(values_ms)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "max": round(ordered[-1], 2),
    }


class Ticker:
    """Records how late a fixed-interval timer on the UI loop fires."""

    def __init__(self) -> None:
        self.late_ms: list[float] = []
        self._last: float | None = None

    def tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.late_ms.append(max(0.0, (now - self._last - TICK_S) * 1000))
        self._last = now

    def reset(self) -> None:
        self.late_ms, self._last = [], None


async def _submit(main: Any, text: str) -> float:
    """Put ``text`` in the input and start scoring it, as ctrl+r does; returns the start time.

    (``pilot.press`` would wait for the app to be idle, that is for the whole run.)
    """
    main.input_panel.text_area.load_text(text)
    await asyncio.sleep(0.2)
    t0 = time.perf_counter()
    main.action_score()
    return t0


async def one_run(model: Path, threads: int | None, text: str) -> dict[str, Any]:
    """Two passes on one app: a quiet one (fill times and UI CPU, nothing else running on the UI
    loop) and an interactive one (keys and a 10 ms timer while the same document is scored)."""
    from textual import events

    from finlocal.tui.app import FinlocalApp
    from finlocal.tui.config import TuiConfig

    app = FinlocalApp(TuiConfig(model_dir=model, threads=threads))
    result: dict[str, Any] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        main = app.main
        while main._model is None:  # the model loads in a worker at start
            await pilot.pause(0.05)
        result["model"] = main._model.info

        # quiet pass
        ui_cpu0, process_cpu0 = time.thread_time(), time.process_time()
        t0 = await _submit(main, text)
        first_rows = None
        while main.report is None or main.table.row_count < SENTENCES:
            if first_rows is None and main.table.row_count:
                first_rows = time.perf_counter() - t0
            await asyncio.sleep(0.05)
        result.update(
            submit_to_first_rows_s=first_rows if first_rows is not None else 0.0,
            submit_to_full_table_s=time.perf_counter() - t0,
            ui_cpu_s=time.thread_time() - ui_cpu0,  # this coroutine runs on the UI thread
            process_cpu_s=time.process_time() - process_cpu0,
            scoring_ms=main.report.total_ms,
        )

        # interactive pass
        ticker = Ticker()
        timer = app.set_interval(TICK_S, ticker.tick)
        await pilot.pause(1.0)
        result["idle_late_ms"] = list(ticker.late_ms)
        await _submit(main, text + " ")
        ticker.reset()
        key_ms: list[float] = []
        detail_ms: list[float] = []
        next_key = 0.0
        while main.report is None:
            if main.table.row_count > 1 and time.perf_counter() > next_key:
                next_key = time.perf_counter() + KEY_EVERY_S
                main.table.focus()
                before = main.table.cursor_row
                k0 = time.perf_counter()
                # queue the key as a terminal would, without waiting for the app to be idle
                app.post_message(events.Key("down" if before == 0 else "up", None))
                while main.table.cursor_row == before and main.report is None:
                    await asyncio.sleep(0.001)
                if main.report is not None:
                    break
                key_ms.append((time.perf_counter() - k0) * 1000)
                wanted = main.table.selected.index if main.table.selected else None
                while (main.detail.result is None or main.detail.result.index != wanted) and (main.report is None):
                    await asyncio.sleep(0.001)
                if main.report is None:
                    detail_ms.append((time.perf_counter() - k0) * 1000)
            await asyncio.sleep(0.02)
        timer.stop()
        result.update(key_ms=key_ms, detail_ms=detail_ms, scoring_late_ms=list(ticker.late_ms))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--note", default="", help="Recorded in the JSON, e.g. what else the machine was doing.")
    args = parser.parse_args(argv)

    load_at_start = os.getloadavg()[0]
    text = report_text(report_sentences(SENTENCES))
    runs = [asyncio.run(one_run(args.model, args.threads, text)) for _ in range(args.runs)]
    info = runs[0]["model"]
    from finlocal.splitting import split_sentences

    result = {
        "model": info.name,
        "model_dir": display_path(args.model),
        "model_bytes": info.size_bytes,
        "quantization": info.quantization,
        "sentences": len(split_sentences(text)),
        "runs": args.runs,
        "terminal": "100x30 headless (Textual Pilot)",
        "submit_to_first_rows_s": round(statistics.median(r["submit_to_first_rows_s"] for r in runs), 3),
        "submit_to_full_table_s": round(statistics.median(r["submit_to_full_table_s"] for r in runs), 3),
        "scoring_only_s": round(statistics.median(r["scoring_ms"] for r in runs) / 1000, 3),
        # CPU the UI thread spent from submit to the full table (table, layout, frames) in the
        # quiet pass: unlike wall-clock times, it barely depends on what else the machine does.
        "ui_thread_cpu_s": round(statistics.median(r["ui_cpu_s"] for r in runs), 3),
        "process_cpu_s": round(statistics.median(r["process_cpu_s"] for r in runs), 3),
        "key_latency_while_scoring_ms": _summary([k for r in runs for k in r["key_ms"]]),
        "key_to_detail_while_scoring_ms": _summary([k for r in runs for k in r["detail_ms"]]),
        "ui_timer_lateness_ms": {
            "idle": _summary([x for r in runs for x in r["idle_late_ms"]]),
            "while_scoring": _summary([x for r in runs for x in r["scoring_late_ms"]]),
        },
        "machine": machine(args.threads or os.cpu_count() or 1, load_at_start),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "note": args.note,
        "textual": metadata.version("textual"),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"tui-{info.name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"finlocal tui · {info.name} · {result['sentences']} sentences")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("submit → first rows", f"{result['submit_to_first_rows_s']:.3f} s")
    table.add_row("submit → full table", f"{result['submit_to_full_table_s']:.3f} s")
    table.add_row("  of which scoring", f"{result['scoring_only_s']:.3f} s")
    table.add_row("UI thread CPU, submit → full table", f"{result['ui_thread_cpu_s']:.3f} s")
    table.add_row("process CPU (all threads)", f"{result['process_cpu_s']:.3f} s")
    keys = result["key_latency_while_scoring_ms"]
    if keys["n"]:
        table.add_row(
            "key → cursor moved while scoring (p50 / p95 / max)", f"{keys['p50']} / {keys['p95']} / {keys['max']} ms"
        )
    detail = result["key_to_detail_while_scoring_ms"]
    if detail["n"]:
        table.add_row(
            "key → detail shows the sentence, while scoring (p50 / p95 / max)",
            f"{detail['p50']} / {detail['p95']} / {detail['max']} ms",
        )
    for state, lateness in result["ui_timer_lateness_ms"].items():
        table.add_row(
            f"UI timer lateness, {state.replace('_', ' ')} (p50 / p95 / max)",
            f"{lateness['p50']} / {lateness['p95']} / {lateness['max']} ms",
        )
    Console().print(table)
    Console(stderr=True).print(f"wrote {display_path(out)}")


if __name__ == "__main__":
    main()
