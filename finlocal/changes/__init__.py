"""What moved: the metric-change reader (`read_changes`) and how its findings are told.

`record` holds the change record (`Change`, `ChangeKind`, `Direction`, `Verdict`), `vocabulary`
the words and patterns the reader reads with, `parser` the reader itself, `guidance` the
outlook's revisions, `tables` a KPI table's rows; `evaluation` scores the reader against labelled
sentences, `describe` tells a change in words, `hint` makes the model's second segment.
"""

from finlocal.changes.parser import read_changes
from finlocal.changes.record import Change, ChangeKind, Direction, Verdict

__all__ = ["Change", "ChangeKind", "Direction", "Verdict", "read_changes"]
