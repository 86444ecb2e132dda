"""An input box that handles every key in the order it was typed.

Textual runs an Input's editing keys (Backspace, ←, Home, Enter…) through bindings that fire only after the key
has bubbled up to the app, while letters are inserted at once; in a burst (a fast typist, a paste, tmux) the
letters queued behind a Backspace went in first ("xy⌫ab" gave "xya"), and the screen handled Enter only
later, so keys typed ahead landed in the box just left: both PINs in the first box, the next exam item's answer
appended to the last one, the Enter that accepts a grade lost in a hidden box. A `Field` runs its editing keys
as it reads them; after Enter it holds the keys that follow until the screen has handled `Input.Submitted`,
then reads them as if typed now — into itself, or to the widget (or screen) that has the focus by then.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input

# Input's own editing bindings, key → action (Enter is Field's own below).
EDITING = {key.strip(): binding.action for binding in Input.BINDINGS for key in binding.key.split(",")
           if binding.action != "submit"}


class Field(Input):
    """Enter submits and, unless this is the screen's last field, focuses the next field at once. The screen's
    `Input.Submitted` handler therefore never moves focus itself; it only submits on the last field."""

    class Released(Message, bubble=False):
        """The screen has handled this field's Submitted: the keys held meanwhile can be read."""

    _held: list[events.Key] | None = None  # keys read while the screen handles an Enter

    async def _on_key(self, event: events.Key) -> None:
        key = events.Key(event.key, event.character)
        if self._held is not None or self.screen.focused is not self or event.key in EDITING \
                or event.key == "enter":
            event.stop()
            event.prevent_default()
            await self._read(key)
            return
        await super()._on_key(event)  # a letter goes in; any other key bubbles to the screen's bindings

    async def _read(self, key: events.Key) -> None:
        if self._held is not None:
            self._held.append(key)
        elif self.screen.focused is not self:  # typed ahead of a move: the keys follow the focus
            (self.screen.focused or self.screen)._forward_event(key)
        elif key.key in EDITING:
            await self.run_action(EDITING[key.key])
        elif key.key == "enter":
            self._enter()
        elif key.is_printable:
            self.insert_text_at_cursor(key.character or "")
        else:
            self.screen._forward_event(key)  # Esc, F-keys…: the screen's bindings

    def _enter(self) -> None:
        if not self.is_last:
            self.screen.focus_next()
        self._held = []
        screen = self.screen
        screen.post_message(self.Submitted(self, self.value))
        screen.call_later(self._release)  # runs on the screen after its Submitted handler

    def _release(self) -> None:
        if self.is_attached:
            self.post_message(self.Released())
            return
        held, self._held = self._held or [], None  # the form closed: the keys go where the focus is now
        for key in held:
            (self.app.focused or self.app.screen)._forward_event(key)

    async def on_field_released(self, _message: Released) -> None:
        held, self._held = self._held or [], None
        for i, key in enumerate(held):
            if self._held is not None:  # another Enter among them: the rest wait for that one
                self._held.extend(held[i:])
                return
            await self._read(key)

    @property
    def is_last(self) -> bool:
        fields = list(self.screen.query(Field))
        return bool(fields) and fields[-1] is self
