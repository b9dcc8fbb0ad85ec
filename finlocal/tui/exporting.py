"""Exporting from the app, after the dialog: write the chosen file and say what happened.

What there is to export is `finlocal.tui.scoring_run.ScoringRun.export_plan`'s; what a file holds
is `finlocal.tui.report_files`'; this module is the step between the dialog's choice and the
notification the user reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.notifications import SeverityLevel

from finlocal.tui.config import ModelInfo
from finlocal.tui.report_files import ExportChoice, ExportSpec, write_export
from finlocal.tui.view import Phase

NOTHING_YET = "Nothing to export yet: score a report first (ctrl+r)."
STILL_SCORING = "Still scoring: wait for the report, or press esc to stop and export the rows scored so far."


@dataclass(frozen=True)
class Outcome:
    """What to tell the user after an export."""

    message: str
    severity: SeverityLevel = "information"


def nothing_to_export(phase: Phase) -> str:
    """Why there is no export to offer in ``phase``."""
    return STILL_SCORING if phase is Phase.SCORING else NOTHING_YET


def export_chosen(spec: ExportSpec, choice: ExportChoice, model: ModelInfo | None, threshold: float) -> Outcome:
    """Write ``spec`` as the dialog's ``choice`` says; a file that cannot be written is an
    error the user can act on, never a traceback."""
    try:
        write_export(spec, choice.format, choice.path, model=model, threshold=threshold)
    except OSError as exc:
        return Outcome(
            f"Could not write {choice.path}: {exc.strerror or exc}. Check the folder "
            "exists and is writable, or pick another name.",
            "error",
        )
    return Outcome(f"Wrote {spec.describe()} to {choice.path} ({choice.format.display_name})")
