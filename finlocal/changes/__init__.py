"""What moved: the metric-change reader (`read_changes`) and how its findings are told.

`record` holds the change record (`Change`, `ChangeKind`, `Role`, `Direction`, `Verdict`),
`vocabulary` the words and patterns the reader reads with, `parser` the reader itself,
`guidance` the outlook's revisions, `tables` a KPI table's rows, `clauses` which clause carries
the news (`net_verdict`); `evaluation` scores the reader against labelled sentences, `describe`
tells a change in words, `hint` makes the model's second segment.
"""

from finlocal.changes.clauses import net_verdict
from finlocal.changes.parser import read_changes
from finlocal.changes.record import Change, ChangeKind, Direction, Role, Verdict

__all__ = ["Change", "ChangeKind", "Direction", "Role", "Verdict", "net_verdict", "read_changes"]
