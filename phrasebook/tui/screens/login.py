"""First screen: pick yourself from the list (or type your staff number), give your PIN (a trainee who has none
yet chooses one first), and land where your role works: trainees on their drill home, staff on their dashboard.

On a fresh database (no coordinator yet) the first-run form creates the first coordinator. Every refusal (wrong
PIN, lock-out, unknown staff number) is the domain's own message, shown in place: `auth.login` decides, we show.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from phrasebook import auth
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.people import Person, create_person, find_person, get_person, list_people
from phrasebook.tui.widgets.field import Field
from phrasebook.tui.widgets.keybar import KeyBar

KEYS = [("Enter", "keys.choose"), ("Tab", "login2.key_staff_no"), ("F2", "keys.language"), ("?", "keys.help"),
        ("Ctrl+Q", "keys.quit")]


class LoginScreen(Screen):
    BINDINGS = [Binding("question_mark", "help", show=False)]
    offered_setup = False  # on the first run the set-up form opens by itself, once
    shown = False  # the first resume comes right after compose: nothing to refresh yet (start-up time)

    def compose(self) -> ComposeResult:
        people = list_people(self.app.store)
        yield Static(t("app.title"), id="banner")
        with Vertical(id="login"):
            yield Label(t("login.pick"), classes="title")
            if people:
                yield OptionList(*[Option(self._label(p), id=str(p.id)) for p in people], id="people")
            else:
                yield Static(t("login2.nobody"), id="nobody", classes="hint")
            yield Input(placeholder=t("login2.staff_no"), id="staff_no")
            yield Static("", id="error", classes="error")
        yield KeyBar(*KEYS, id="keys")

    @staticmethod
    def _label(p: Person) -> str:
        dept = f" · {p.department}" if p.department else ""
        role = "" if p.role == "trainee" else f"  [{t(f'role.{p.role}')}]"
        return f"{p.name}  ({p.staff_no}{dept}){role}"

    async def on_screen_resume(self) -> None:
        if self.shown:
            await self.recompose()  # the list may have grown (or a PIN been set) while we were away
        self.shown = True
        if people := self.query("#people"):
            people.first().focus()
        else:
            self.query_one("#staff_no", Input).focus()
        if auth.needs_first_coordinator(self.app.store) and not self.offered_setup:
            self.offered_setup = True
            self.app.push_screen(FirstCoordinatorScreen(), self._signed_in)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(get_person(self.app.store, int(event.option.id)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            person = find_person(self.app.store, event.value)  # normalised as at login: full-width Ｃ１ is C1
        except PhrasebookError:
            person = None
        if person is None or not person.active:
            self.query_one("#error", Static).update(t("auth.unknown", staff_no=event.value.strip()))
            return
        self.choose(person)

    def choose(self, person: Person) -> None:
        """Everyone gives a PIN; a trainee without one chooses it now, so nobody can open another's progress."""
        self.app.push_screen(PinScreen(person), self._signed_in)

    def _signed_in(self, person: Person | None) -> None:
        if person is not None:
            self.open_for(person)

    def open_for(self, person: Person) -> None:
        """Route by role: the trainee's drill home, or the staff dashboard (imported only now: plotext)."""
        if auth.can_view_reports(person):
            from phrasebook.tui.screens.dashboard import DashboardScreen

            self.app.push_screen(DashboardScreen(person))
        else:
            from phrasebook.tui.screens.home import HomeScreen

            self.app.push_screen(HomeScreen(person))

    def action_help(self) -> None:
        from phrasebook.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))


class PinScreen(ModalScreen[Person | None]):
    """The PIN prompt; a wrong PIN or a lock-out is explained in place and the prompt stays. A trainee without a
    PIN (new, or reset by their trainer) types a new one twice instead (`auth.first_login`)."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, person: Person) -> None:
        super().__init__()
        self.person = person
        self.choosing = auth.must_choose_pin(person)

    def compose(self) -> ComposeResult:
        p = self.person
        with Vertical(id="pin-box"):
            if self.choosing:
                yield Label(t("login3.choose_for", name=p.name, staff_no=p.staff_no), classes="title")
                yield Field(placeholder=t("login3.new_pin"), password=True, id="pin")
                yield Field(placeholder=t("login2.pin_again"), password=True, id="pin2")
            else:
                yield Label(t("login2.pin_for", name=p.name, staff_no=p.staff_no), classes="title")
                yield Input(placeholder=t("login2.pin"), password=True, id="pin")
            yield Static("", id="error", classes="error")
            yield Static(t("login3.choose_hint" if self.choosing else "login2.pin_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.choosing and event.input.id == "pin":
            return  # the Field has moved on to the second box
        try:
            person = self._enter(event.input.value)
        except PhrasebookError as err:
            for box in self.query(Input):
                box.value = ""
            self.query_one("#pin", Input).focus()
            self.query_one("#error", Static).update(err.message())
            return
        self.dismiss(person)

    def _enter(self, typed: str) -> Person:
        store, now = self.app.store, self.app.clock()
        if not self.choosing:
            return auth.login(store, self.person.staff_no, typed, now=now)
        if self.query_one("#pin", Input).value != typed:
            raise PhrasebookError("login2.pin_mismatch")
        return auth.first_login(store, self.person, typed, now=now)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PersonForm(ModalScreen[Person | None]):
    """Name, staff number and department; subclasses decide who is created. Errors shown in place."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    TITLE_KEY = "login.new"
    HINT_KEY = "login.new_hint"
    FIELDS: tuple[tuple[str, str, bool], ...] = (("name", "login.name", False),
                                                 ("staff_no", "login.staff_no", False),
                                                 ("department", "login.department", False))

    def compose(self) -> ComposeResult:
        with Vertical(id="new"):
            yield Label(t(self.TITLE_KEY), classes="title")
            for field, key, secret in self.FIELDS:
                yield Field(placeholder=t(key), id=field, password=secret)
            yield Button(t("login.create"), id="create", variant="primary")
            yield Static("", id="error", classes="error")
            yield Static(t(self.HINT_KEY), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1] or (all(i.value.strip() for i in inputs[:2]) and event.input is inputs[1]):
            self.create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self.create()

    def create(self) -> None:
        value = {i.id: i.value for i in self.query(Input)}
        try:
            person = self.make(value)
        except PhrasebookError as err:
            self.query_one("#error", Static).update(err.message())
            return
        self.dismiss(person)

    def make(self, value: dict[str, str]) -> Person:
        return create_person(self.app.store, name=value["name"], staff_no=value["staff_no"],
                             department=value["department"], now=self.app.clock())

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewTraineeScreen(PersonForm):
    """A trainer or coordinator adds one trainee (rosters come in through the cohort screen)."""


class FirstCoordinatorScreen(PersonForm):
    """First run: the first coordinator, with a PIN typed twice (`auth.create_first_coordinator`)."""

    TITLE_KEY = "login2.first_title"
    HINT_KEY = "login2.first_hint"
    FIELDS = (("name", "login.name", False), ("staff_no", "login.staff_no", False),
              ("department", "login.department", False), ("pin", "login2.pin", True),
              ("pin2", "login2.pin_again", True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "pin2":
            self.create()

    def make(self, value: dict[str, str]) -> Person:
        if value["pin"] != value["pin2"]:
            raise PhrasebookError("login2.pin_mismatch")
        return auth.create_first_coordinator(self.app.store, name=value["name"], staff_no=value["staff_no"],
                                             department=value["department"], secret=value["pin"],
                                             now=self.app.clock())
