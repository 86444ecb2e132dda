"""The Textual app. `make_app` is the one factory: the CLI runs what it builds, the tests drive it with Pilot."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from phrasebook import i18n, paths
from phrasebook.clock import utcnow
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.store import Store, open_store
from phrasebook.store import people as settings_q

if TYPE_CHECKING:
    from phrasebook.scheduler import Scheduler
    from phrasebook.tui.audio import AudioControl

UI_LANG_SETTING = "ui_lang"


class PhrasebookApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    ENABLE_COMMAND_PALETTE = False  # its texts are English-only; our keys are listed under '?'
    BINDINGS = [
        Binding("f2", "toggle_language", show=False, priority=True),
        Binding("ctrl+q", "quit", show=False, priority=True),
    ]

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow,
                 scheduler: Scheduler | None = None, deck_problems: str = "") -> None:
        super().__init__()
        self.store = store
        self.deck_problems = deck_problems  # deck files left out at start: said once the app is up
        self.clock = clock
        self._scheduler = scheduler
        self._audio: AudioControl | None = None
        self.problem: PhrasebookError | None = None  # why the app ended early (run() raises it for the CLI)

    @property
    def scheduler(self) -> Scheduler:
        """Built on first use: fsrs stays off the path to the first frame."""
        if self._scheduler is None:
            from phrasebook.scheduler import Scheduler

            self._scheduler = Scheduler()
        return self._scheduler

    @property
    def audio(self) -> AudioControl:
        """Player and audio cache, made on first use (nothing audio loads before the first frame)."""
        if self._audio is None:
            from phrasebook.tui.audio import AudioControl

            self._audio = AudioControl(self)
        return self._audio

    def get_default_screen(self) -> Screen:
        """The login screen is the base screen, so it is the very first frame (no blank screen before it)."""
        from phrasebook.tui.screens.login import LoginScreen

        return LoginScreen()

    def on_mount(self) -> None:
        self.title = t("app.title")
        if self.deck_problems:
            self.notify(self.deck_problems, severity="error", timeout=30, markup=False)
        self.store.start_checkpointer()  # a long-running process: checkpoints off the answer path
        from phrasebook import netfs

        netfs.warn_once(self.store.path, lambda message: self.notify(message, severity="warning", timeout=20))

    async def action_toggle_language(self) -> None:
        """F2: switch between Chinese and English, remember it, and redraw every screen in the new language."""
        lang = i18n.set_language("en" if i18n.current() == "zh-CN" else "zh-CN")
        settings_q.save_setting(self.store, UI_LANG_SETTING, lang)
        self.title = t("app.title")
        for screen in self.screen_stack:
            await screen.recompose()
            if hasattr(screen, "show"):
                screen.show()  # screens that fill their widgets after composing

    def _handle_exception(self, error: Exception) -> None:
        """A database problem no screen could carry on from (a damaged file, a disk error while reading) ends
        the app with status 1 and one sentence instead of Textual's traceback; anything else is a bug and
        keeps the traceback. Data stays consistent: every write is one transaction, rolled back whole."""
        from phrasebook.tui.guard import problem

        found = problem(error, self.store.path)
        if found is None:
            super()._handle_exception(error)
            return
        self.problem = found
        self.exit(return_code=1)

    def on_unmount(self) -> None:
        self.store.close()


def make_app(db_path: Path | str | None = None, *, ui_lang: str | None = None,
             clock: Callable[[], datetime] = utcnow, scheduler: Scheduler | None = None,
             decks_dir: Path | None = None) -> PhrasebookApp:
    """Open the database, import bundled decks that changed, pick the UI language, and build the app.

    Language: `ui_lang` (from --ui-lang) wins, then $PHRASEBOOK_UI_LANG, then the saved setting, then Chinese.
    """
    from phrasebook.importer import sync_if_changed

    store = open_store(paths.db_path(db_path))
    synced = sync_if_changed(store, decks_dir or paths.decks_dir())
    chosen = ui_lang or os.environ.get(i18n.ENV_UI_LANG) or settings_q.setting(store, UI_LANG_SETTING)
    i18n.set_language(chosen)
    return PhrasebookApp(store, clock=clock, scheduler=scheduler, deck_problems=synced.report() if synced else "")


def run(db_path: Path, ui_lang: str | None = None) -> int:
    """Run the app → its exit status; raises the PhrasebookError that ended it early, for the CLI to print."""
    app = make_app(db_path, ui_lang=ui_lang)
    app.run()
    if app.problem is not None:
        raise app.problem
    return app.return_code or 0
