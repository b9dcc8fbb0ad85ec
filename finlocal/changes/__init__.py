"""What moved: the metric-change reader (`read_changes`) and how its findings are told.

`record` holds the change record (`Change`, `Direction`, `Verdict`), `vocabulary` the words and
patterns the reader reads with, `parser` the reader itself; `evaluation` scores it against
labelled sentences, `describe` tells a change in words, `hint` makes the model's second segment.
"""

from finlocal.changes.parser import read_changes
from finlocal.changes.record import Change, Direction, Verdict

__all__ = ["Change", "Direction", "Verdict", "read_changes"]
