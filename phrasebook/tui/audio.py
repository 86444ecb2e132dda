"""Sound in the TUI: play in a worker thread (the drill never waits), say each kind of trouble once, offer to
make missing audio with the offline voice, and in a browser (textual-serve) send the file to the browser."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from phrasebook.audio import default_cache, speak_offline
from phrasebook.audio.cache import AudioCache
from phrasebook.audio.engines import EngineError
from phrasebook.audio.player import Player, PlayResult
from phrasebook.audio.speech import Utterance
from phrasebook.i18n import t

MIME = {".mp3": "audio/mpeg", ".wav": "audio/wav"}


class OfferScreen(ModalScreen[bool]):
    """"No audio yet: make it now?" Y/N."""

    BINDINGS = [Binding("y", "answer(True)", show=False), Binding("n", "answer(False)", show=False),
                Binding("escape", "answer(False)", show=False)]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="offer"):
            yield Static(t("audio.tui.offer", lang=t(f"lang.{self.lang}")))
            with Horizontal(classes="buttons"):
                yield Button(t("audio.tui.yes"), id="yes", variant="primary")
                yield Button(t("audio.tui.no"), id="no")
            yield Static(t("audio.tui.offer_hint"), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class AudioControl:
    """One per app: the player, the cache, and which notices have already been shown."""

    def __init__(self, app: App, cache: AudioCache | None = None) -> None:
        self.app = app
        self.cache = cache or default_cache()
        self.player = Player()
        self.told: set[str] = set()

    def play(self, utterance: Utterance, *, offer: bool) -> None:
        """Play this text's audio. Missing audio: ask to make it (offer) or say once that `p` can."""
        path = self.cache.find(utterance)
        if path is not None:
            self._start(path)
        elif offer and (reason := self._unheard()):  # a clip made now could not be heard either: say why
            self.app.notify(t(f"audio.play.{reason}", detail=""), timeout=4)
        elif offer:
            self.app.push_screen(OfferScreen(utterance.lang),
                                 lambda yes: self._make_and_play(utterance) if yes else None)
        elif reason := self._unheard():
            self._tell_once(reason, t(f"audio.play.{reason}", detail=""))
        else:
            self._tell_once("missing", t("audio.tui.missing"))

    def blocker(self, utterance: Utterance) -> str | None:
        """Why this text cannot be *heard* here (missing | no_player | no_device), or None (listening mode asks).
        In a browser the clip goes to the browser, so only its existence matters."""
        path = self.cache.find(utterance)
        if path is None:
            return self._unheard() or "missing"  # no point offering to make a clip nothing here can play
        return None if self.app.is_web else self.player.preflight(path)

    def _unheard(self) -> str | None:
        """Why no clip could be heard here (no_player | no_device), judged for the .wav the offline voice makes;
        None in a browser, which plays what it is sent."""
        return None if self.app.is_web else self.player.preflight(Path("clip.wav"))

    def stop(self) -> None:
        self.player.stop()

    def _start(self, path: Path) -> None:
        if self.app.is_web:
            self.app.deliver_binary(path, open_method="browser", mime_type=MIME.get(path.suffix))
            self._tell_once("web", t("audio.tui.web_sent"))
            return
        self.app.run_worker(lambda: self._play_blocking(path), thread=True, group="audio", exit_on_error=False)

    def _play_blocking(self, path: Path) -> None:
        result = self.player.play(path)
        if not result.ok:
            self.app.call_from_thread(self._report, result)

    def _report(self, result: PlayResult) -> None:
        message = t(f"audio.play.{result.reason}", detail=result.detail)
        if result.reason in ("no_player", "no_device"):
            self._tell_once(result.reason, message)  # one quiet notice; the drill goes on
        else:
            self.app.notify(message, severity="warning", timeout=4)

    def _make_and_play(self, utterance: Utterance) -> None:
        self.app.notify(t("audio.tui.generating"), timeout=2)

        def work() -> None:
            try:
                path = speak_offline(utterance, self.cache)
            except EngineError as err:
                key = "audio.err.no_espeak" if err.kind == "missing" else "audio.err.synth_failed"
                self.app.call_from_thread(self.app.notify, t(key, detail=err.detail), severity="error")
                return
            self.app.call_from_thread(self._start, path)

        self.app.run_worker(work, thread=True, group="audio-make", exit_on_error=False)

    def _tell_once(self, what: str, message: str) -> None:
        if what not in self.told:
            self.told.add(what)
            self.app.notify(message, timeout=5)
