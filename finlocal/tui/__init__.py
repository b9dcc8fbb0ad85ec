"""The finlocal terminal app (Textual): `finlocal` or `finlocal tui`. See docs/tui.md."""
