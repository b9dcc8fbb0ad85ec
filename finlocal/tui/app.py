"""The finlocal terminal app: paste or open a report and see every sentence scored.

`FinlocalApp` is thin: it holds the settings, builds the main screen and puts every action in
the command palette. The work happens in `screens/main.py`; the look in `finlocal.tcss`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from finlocal.llm_explainer import Explainer, load_explainer, resolve_gguf
from finlocal.reading import Document
from finlocal.tui.actions import ACTIONS, key_names
from finlocal.tui.config import ModelLoader, TuiConfig, onnx_loader
from finlocal.tui.screens.compare import CompareRequest, CompareScreen
from finlocal.tui.screens.main import ExplainerFactory, MainScreen

UI_SWITCH_INTERVAL_S = 0.0005


class FinlocalApp(App[None]):
    CSS_PATH = "finlocal.tcss"
    TITLE = "finlocal"
    SUB_TITLE = "financial tone, offline"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=True, priority=True)]
    """As Textual's, but shown in the footer, so how to quit is always on screen."""

    def __init__(
        self,
        config: TuiConfig | None = None,
        *,
        initial: Document | Path | None = None,
        load_model: ModelLoader | None = None,
        explainer_factory: ExplainerFactory | None = None,
        compare: CompareRequest | None = None,
    ) -> None:
        """``load_model`` and ``explainer_factory`` default to the ONNX model and llama.cpp;
        tests pass fakes. ``initial`` is a file to open, or a document already read (stdin);
        ``compare`` opens the compare screen on two files at start."""
        super().__init__()
        self.config = config or TuiConfig()
        self._initial = initial
        self._compare = compare
        self._load_model = load_model or onnx_loader(self.config)
        self._explainer_factory = explainer_factory or self._default_explainer

    def on_mount(self) -> None:
        # Scoring runs in a thread; while it holds the GIL the UI thread waits up to the switch
        # interval (5 ms by default) for each of the many loop iterations a frame takes. A
        # shorter interval while the app runs keeps keys and frames prompt during a long run.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        if self._compare is not None:
            self.push_screen(CompareScreen(self._compare, self._load_model))

    def on_unmount(self) -> None:
        sys.setswitchinterval(self._switch_interval)

    def _default_explainer(self) -> Explainer:
        return load_explainer(resolve_gguf(self.config.explain_gguf), threads=self.config.threads)

    def get_default_screen(self) -> Screen:
        return MainScreen(self.config, self._load_model, self._explainer_factory, self._initial)

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if isinstance(screen, MainScreen):
            for spec in ACTIONS:  # the entry shows its key, so the palette teaches it
                title = f"{spec.title}  ({key_names(spec.keys)})"
                yield SystemCommand(title, spec.help, partial(screen.run_action, spec.action))
        yield from super().get_system_commands(screen)
