"""First screen: pick yourself from the list; `n` (or the first run) opens the new-trainee form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.people import Person, create_person, get_person, list_people
from phrasebook.tui.widgets.keybar import KeyBar

KEYS = [("Enter", "keys.choose"), ("n", "keys.new_trainee"), ("F2", "keys.language"), ("?", "keys.help"),
        ("Ctrl+Q", "keys.quit")]


class LoginScreen(Screen):
    BINDINGS = [Binding("n", "new", show=False), Binding("question_mark", "help", show=False)]
    offered_form = False  # on the first run the form opens by itself, once

    def compose(self) -> ComposeResult:
        people = list_people(self.app.store)
        yield Static(t("app.title"), id="banner")
        with Vertical(id="login"):
            yield Label(t("login.pick"), classes="title")
            if people:
                yield OptionList(*[Option(self._label(p), id=str(p.id)) for p in people], id="people")
            else:
                yield Static(t("login.nobody"), id="nobody", classes="hint")
        yield KeyBar(*KEYS, id="keys")

    @staticmethod
    def _label(p: Person) -> str:
        dept = f" · {p.department}" if p.department else ""
        return f"{p.name}  ({p.staff_no}{dept})"

    async def on_screen_resume(self) -> None:
        await self.recompose()  # the list may have grown while we were away
        if people := self.query("#people"):
            people.first().focus()
        elif not self.offered_form:
            self.offered_form = True
            self.action_new()  # first run: nobody to pick, so go straight to the form

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_home(get_person(self.app.store, int(event.option.id)))

    def action_new(self) -> None:
        self.app.push_screen(NewTraineeScreen(), self._created)

    def _created(self, person: Person | None) -> None:
        if person is not None:
            self.open_home(person)

    def open_home(self, person: Person) -> None:
        from phrasebook.tui.screens.home import HomeScreen

        self.app.push_screen(HomeScreen(person))

    def action_help(self) -> None:
        from phrasebook.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))


class NewTraineeScreen(ModalScreen[Person | None]):
    """Name, staff number and department; errors (empty name, taken staff number…) shown in place."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="new"):
            yield Label(t("login.new"), classes="title")
            yield Input(placeholder=t("login.name"), id="name")
            yield Input(placeholder=t("login.staff_no"), id="staff_no")
            yield Input(placeholder=t("login.department"), id="department")
            yield Button(t("login.create"), id="create", variant="primary")
            yield Static("", id="error", classes="error")
            yield Static(t("login.new_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        filled = all(self.query_one(f"#{i}", Input).value.strip() for i in ("name", "staff_no"))
        if event.input.id == "department" or filled:
            self.create()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self.create()

    def create(self) -> None:
        value = {i.id: i.value for i in self.query(Input)}
        try:
            person = create_person(self.app.store, name=value["name"], staff_no=value["staff_no"],
                                   department=value["department"])
        except PhrasebookError as err:
            self.query_one("#error", Static).update(err.message())
            return
        self.dismiss(person)

    def action_cancel(self) -> None:
        self.dismiss(None)
