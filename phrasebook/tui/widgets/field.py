"""An input box that handles every key in the order it was typed.

Textual runs an Input's editing keys (Backspace, ←, Home, Enter…) through bindings that fire only after the key
has bubbled up to the app, while letters are inserted at once; in a burst (a fast typist, a paste, tmux) the
letters queued behind a Backspace went in first ("xy⌫ab" gave "xya"), and after Enter the screen moved focus
only later, so keys typed ahead landed in the field just left: both PINs in the first box. A `Field` runs its
editing keys as it reads them, acts on Enter at once, and passes any key still queued for it to the widget that
now has focus, in order.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

# Input's own editing bindings, key → action (Enter is Field's own below).
EDITING = {key.strip(): binding.action for binding in Input.BINDINGS for key in binding.key.split(",")
           if binding.action != "submit"}


class Field(Input):
    """Enter submits and, unless this is the screen's last field, focuses the next field at once. The screen's
    `Input.Submitted` handler therefore never moves focus itself; it only submits on the last field."""

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused._forward_event(events.Key(event.key, event.character))
            return
        if event.key in EDITING:
            event.stop()
            event.prevent_default()
            await self.run_action(EDITING[event.key])
            return
        if event.key != "enter":
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        if not self.is_last:
            self.screen.focus_next()
        self.post_message(self.Submitted(self, self.value))

    @property
    def is_last(self) -> bool:
        fields = list(self.screen.query(Field))
        return bool(fields) and fields[-1] is self
