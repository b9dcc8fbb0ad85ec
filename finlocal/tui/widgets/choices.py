"""Choice widgets of the dialogs that read without colour, and whose highlight is the choice.

Textual's radio buttons draw the same mark on every button (only its shade says which is on),
and its `RadioSet` moves a highlight with ↑/↓ that is only taken with enter. Here the mark is
drawn only on the chosen button (and the box ticked only when on), and ↑/↓ choose: what is
highlighted is what is chosen, from the first frame on.
"""

from __future__ import annotations

from textual.events import Mount
from textual.message import Message
from textual.widgets import Checkbox, RadioButton, RadioSet


class MarkedRadioButton(RadioButton):
    """A radio button marked (●) only when chosen, so the choice reads with NO_COLOR."""

    @property  # Textual reads the mark from this class attribute; here it follows the value
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "


class MarkedCheckbox(Checkbox):
    """A check box ticked (X) only when on (readable without colour)."""

    @property  # as in MarkedRadioButton
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


class ChoiceSet(RadioSet):
    """A radio set where ↑/↓ (←/→) choose the next button at once and the highlight starts on
    the chosen one; enter (or space) says the choice is made (`Taken`), so a dialog can move on."""

    class Taken(Message):
        """Enter on the set: the chosen button is the one wanted."""

        def __init__(self, choice_set: ChoiceSet) -> None:
            super().__init__()
            self.choice_set = choice_set

        @property
        def control(self) -> ChoiceSet:
            return self.choice_set

    _ready = False
    """Set once RadioSet's own mount handler (which highlights the first button) has run."""

    def _on_mount(self, _: Mount) -> None:
        # Textual calls this before RadioSet._on_mount (the subclass comes first in the MRO)
        self.call_later(self._highlight_chosen)

    def _highlight_chosen(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index
        self._ready = True

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._choose_selected()

    def action_next_button(self) -> None:
        super().action_next_button()
        self._choose_selected()

    def action_toggle_button(self) -> None:
        super().action_toggle_button()
        self.post_message(self.Taken(self))

    def _choose_selected(self) -> None:
        if self._ready and self._selected is not None:
            button = self._nodes[self._selected]
            if isinstance(button, RadioButton) and not button.value:
                button.value = True
