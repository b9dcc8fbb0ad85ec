"""The app's thread workers, one module each: loading the model, scoring a document, occlusion of
the selected sentence and the local LLM's explanation.

Each is a plain function run by the main screen with ``run_worker(..., thread=True)``: it takes
what it needs and a ``post`` callable for its messages (`finlocal.tui.messages`), checks its
worker's cancellation between steps, and never touches a widget.
"""
