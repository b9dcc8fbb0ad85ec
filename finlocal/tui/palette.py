"""The app's colours, once: light enough to read at ≥ 4.5:1 on the dark theme, in colour and
under NO_COLOR (where Textual turns every colour into the grey of its luminance), and never the
only sign of anything (labels are NEG/NEU/POS, tone has ▲ ▼ △ ▽ ·, verdicts are words, review is
⚑). Each is a colour of the xterm 256-colour cube, so a 256-colour terminal shows it as chosen.

tests/tui/test_contrast.py reads the rendered screen's styles and checks the ratio in both modes.
"""

from __future__ import annotations

NEGATIVE = "#ff8787"
"""xterm 210: grey 155 under NO_COLOR (≥ 5:1 on the panels), where the theme's red is grey 59."""
POSITIVE = "#87d787"
"""xterm 114."""
WARNING = "#ffd75f"
"""xterm 221: the review flag and the evidence spans."""

LABEL_STYLES = {"negative": f"bold {NEGATIVE}", "neutral": "", "positive": f"bold {POSITIVE}"}
"""A label's tag and bar (neutral in the default foreground)."""
VERDICT_STYLES = {"good": f"bold {POSITIVE}", "bad": f"bold {NEGATIVE}", "unknown": ""}
"""A "what moved" verdict: the word itself says it; the colour only helps."""
UP_STYLE = POSITIVE
DOWN_STYLE = NEGATIVE
REVIEW_STYLE = f"bold {WARNING}"
EVIDENCE_STYLE = f"bold underline {WARNING}"
