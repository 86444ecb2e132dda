"""The staff dashboard: what a coordinator (everything) or a trainer (their cohorts) needs to see.

Refuses to open for anyone `auth.can_view_reports` refuses: the rule is enforced here, not by hiding a key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from phrasebook import auth
from phrasebook.i18n import t
from phrasebook.people import Person
from phrasebook.tui.widgets.keybar import KeyBar

KEYS = [("h", "dash.key_home"), ("n", "keys.new_trainee"), ("F2", "keys.language"), ("?", "keys.help"),
        ("Esc", "keys.switch_user"), ("Ctrl+Q", "keys.quit")]


class DashboardScreen(Screen):
    BINDINGS = [
        Binding("h", "home", show=False),
        Binding("n", "new_trainee", show=False),
        Binding("question_mark", "help", show=False),
        Binding("escape", "app.pop_screen", show=False),
    ]

    def __init__(self, viewer: Person) -> None:
        auth.require(auth.can_view_reports(viewer))
        super().__init__()
        self.viewer = viewer

    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        yield Static(t("dash.hello", name=self.viewer.name, role=t(f"role.{self.viewer.role}")), id="hello")
        yield KeyBar(*KEYS, id="keys")

    def action_home(self) -> None:
        """Staff study too: their own drill home."""
        from phrasebook.tui.screens.home import HomeScreen

        self.app.push_screen(HomeScreen(self.viewer))

    def action_new_trainee(self) -> None:
        from phrasebook.tui.screens.login import NewTraineeScreen

        auth.require(auth.can_add_people(self.viewer))
        self.app.push_screen(NewTraineeScreen(), self._added)

    def _added(self, person: Person | None) -> None:
        if person is not None:
            self.notify(t("dash.added", name=person.name, staff_no=person.staff_no))

    def action_help(self) -> None:
        from phrasebook.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))
