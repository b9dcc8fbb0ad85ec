"""Widgets of the main screen, one module per region: input, results table, detail, summary."""
