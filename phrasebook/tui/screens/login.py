"""First screen: pick yourself from the list, or create a trainee (name, staff number, department)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.people import Person, create_person, get_person, list_people
from phrasebook.tui.widgets.keybar import KeyBar

KEYS = [("Enter", "keys.choose"), ("Tab", "keys.next_field"), ("F2", "keys.language"), ("Ctrl+Q", "keys.quit")]


class LoginScreen(Screen):
    BINDINGS = [Binding("question_mark", "help", show=False)]

    def compose(self) -> ComposeResult:
        people = list_people(self.app.store)
        yield Static(t("app.title"), id="banner")
        with Horizontal(id="login"):
            with Vertical(id="pick"):
                yield Label(t("login.pick"), classes="title")
                if people:
                    yield OptionList(*[Option(self._label(p), id=str(p.id)) for p in people], id="people")
                else:
                    yield Static(t("login.nobody"), id="nobody", classes="hint")
            with Vertical(id="new"):
                yield Label(t("login.new"), classes="title")
                yield Input(placeholder=t("login.name"), id="name")
                yield Input(placeholder=t("login.staff_no"), id="staff_no")
                yield Input(placeholder=t("login.department"), id="department")
                yield Button(t("login.create"), id="create", variant="primary")
                yield Static("", id="error", classes="error")
        yield KeyBar(*KEYS, id="keys")

    @staticmethod
    def _label(p: Person) -> str:
        dept = f" · {p.department}" if p.department else ""
        return f"{p.name}  ({p.staff_no}{dept})"

    async def on_screen_resume(self) -> None:
        await self.recompose()  # the list may have grown while we were away
        people = self.query("#people")
        (people.first() if people else self.query_one("#name", Input)).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_home(get_person(self.app.store, int(event.option.id)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "department" or all(i.value.strip() for i in self.query(Input)
                                                 if i.id in ("name", "staff_no")):
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
        self.open_home(person)

    def open_home(self, person: Person) -> None:
        from phrasebook.tui.screens.home import HomeScreen

        self.app.push_screen(HomeScreen(person))

    def action_help(self) -> None:
        from phrasebook.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))
