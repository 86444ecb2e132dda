"""A form field that moves on at Enter before the next key is read.

Textual handles Enter through a binding that fires only after the key has bubbled up to the app, and the
screen moves focus only after that; keys typed ahead in the meantime (a fast typist, a paste, tmux) would all
land in the field just left: both PINs in the first box. A `Field` acts on Enter as it reads it and passes any
key still queued for it to the field that now has focus, in order.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


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
