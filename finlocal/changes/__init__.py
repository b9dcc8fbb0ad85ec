"""What moved: the metric-change reader (`read_changes`) and how its findings are told."""

from finlocal.changes.reader import Change, Direction, Verdict, read_changes

__all__ = ["Change", "Direction", "Verdict", "read_changes"]
