"""Trainer screens: the cohorts a trainer trains (a coordinator: all), their members (enrol, withdraw), roster
import from a CSV/XLSX path, and assigning decks + languages with a due date and a target. Every action goes
through the domain (cohorts, roster, assignments), which validates; the role rules are checked here too, so
a trainee can never open these screens, and a trainer can only change their own cohorts."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, SelectionList, Static

from phrasebook import auth
from phrasebook.assignments import assign, list_assignments
from phrasebook.cohorts import Cohort, enrol, get_cohort, list_cohorts, members, withdraw
from phrasebook.decks import LANGUAGES
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import current, t
from phrasebook.people import Person, find_person
from phrasebook.store import content as content_q
from phrasebook.tui.widgets.field import Field
from phrasebook.tui.widgets.keybar import KeyBar

COHORT_KEYS = [("Enter", "trainer.key_members"), ("n", "cohort_tui.key_new"), ("i", "trainer.key_import"),
               ("a", "trainer.key_assign"), ("e", "exam_tui.key_exams"), ("F2", "keys.language"),
               ("Esc", "trainer.key_back")]
MEMBER_KEYS = [("e", "trainer.key_enrol"), ("w", "trainer.key_withdraw"), ("a", "members.key_assign"),
               ("r", "members.key_reset"), ("F2", "keys.language"), ("Esc", "trainer.key_back")]


class CohortsScreen(Screen):
    BINDINGS = [Binding("n", "new_cohort", show=False), Binding("i", "import_roster", show=False),
                Binding("a", "assign", show=False), Binding("e", "exams", show=False),
                Binding("escape", "app.pop_screen", show=False)]

    def __init__(self, viewer: Person) -> None:
        auth.require(auth.can_create_cohort(viewer))  # trainers and coordinators only
        super().__init__()
        self.viewer = viewer

    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        yield Label(t("trainer.cohorts_title"), classes="title pad")
        yield DataTable(id="cohort-list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="assignments", classes="hint pad")
        yield KeyBar(*(k for k in COHORT_KEYS if k[0] != "F2"), id="keys")  # fits 100 columns; F2 works anyway

    def on_screen_resume(self) -> None:
        self.show()

    def show(self) -> None:
        table = self.query_one("#cohort-list", DataTable)
        table.clear(columns=True)
        table.add_columns(t("report.col.cohort"), t("report.col.trainer"), t("report.col.starts_on"),
                          t("report.col.ends_on"), t("report.col.members"))
        for c in list_cohorts(self.app.store, self.viewer):
            table.add_row(c.name, c.trainer_name, c.starts_on.isoformat(), c.ends_on.isoformat(), str(c.members),
                          key=str(c.id))
        table.focus()
        self._show_assignments()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_assignments()

    def _show_assignments(self) -> None:
        cohort = self.selected()
        zh = current() == "zh-CN"
        lines = [t("trainer.assigned_line", deck=a.deck_title["zh" if zh else "en"], lang=t(f"lang.{a.lang}"),
                   due=a.due_on.isoformat(), target=f"{a.target:.0%}")
                 for a in (list_assignments(self.app.store, cohort=cohort) if cohort else [])]
        self.query_one("#assignments", Static).update("\n".join(lines) or t("trainer.no_assignments"))

    def selected(self) -> Cohort | None:
        table = self.query_one("#cohort-list", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return get_cohort(self.app.store, int(key))

    def managed(self) -> Cohort | None:
        """The highlighted cohort, if the viewer may change it (else say why)."""
        cohort = self.selected()
        if cohort is not None and not auth.can_manage_cohort(self.viewer, cohort):
            self.notify(t("auth.denied"), severity="error")
            return None
        return cohort

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if cohort := self.managed():
            self.app.push_screen(MembersScreen(self.viewer, cohort))

    def action_new_cohort(self) -> None:
        self.app.push_screen(CreateCohortScreen(self.viewer), lambda _done: self.show())

    def action_import_roster(self) -> None:
        if cohort := self.managed():
            self.app.push_screen(RosterImportScreen(self.viewer, cohort), lambda _done: self.show())

    def action_assign(self) -> None:
        if cohort := self.managed():
            self.app.push_screen(AssignScreen(self.viewer, cohort), lambda _done: self.show())

    def action_exams(self) -> None:
        """The highlighted cohort's exams (考核): define them, read their results."""
        from phrasebook.tui.screens.exam_staff import ExamsScreen

        if cohort := self.managed():
            self.app.push_screen(ExamsScreen(self.viewer, cohort))


class MembersScreen(Screen):
    BINDINGS = [Binding("e", "enrol", show=False), Binding("w", "withdraw", show=False),
                Binding("a", "assign", show=False), Binding("r", "reset_pin", show=False),
                Binding("escape", "app.pop_screen", show=False)]

    def __init__(self, viewer: Person, cohort: Cohort) -> None:
        auth.require(auth.can_manage_cohort(viewer, cohort))
        super().__init__()
        self.viewer, self.cohort = viewer, cohort

    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        yield Label(t("trainer.members_title", cohort=self.cohort.name, trainer=self.cohort.trainer_name),
                    classes="title pad")
        yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
        yield KeyBar(*MEMBER_KEYS, id="keys")

    def on_screen_resume(self) -> None:
        self.show()

    def show(self) -> None:
        table = self.query_one("#members", DataTable)
        table.clear(columns=True)
        table.add_columns(t("report.col.staff_no"), t("report.col.name"), t("report.col.department"),
                          t("report.col.counter"), t("trainer.enrolled_at"))
        for m in members(self.app.store, self.cohort):
            p = m.person
            table.add_row(p.staff_no, p.name, p.department, p.counter, m.enrolled_at.astimezone().strftime("%Y-%m-%d"),
                          key=p.staff_no)
        table.focus()

    def selected(self) -> Person | None:
        table = self.query_one("#members", DataTable)
        if not table.row_count:
            return None
        return find_person(self.app.store, table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_withdraw(self) -> None:
        if (person := self.selected()) is None:
            return
        withdraw(self.app.store, self.cohort, person, now=self.app.clock())
        self.notify(t("trainer.withdrawn", name=person.name, cohort=self.cohort.name))
        self.show()

    def action_assign(self) -> None:
        if person := self.selected():
            self.app.push_screen(AssignScreen(self.viewer, self.cohort, person), lambda _done: self.show())

    def action_reset_pin(self) -> None:
        if (person := self.selected()) is None:
            return
        try:
            auth.reset_pin(self.app.store, person, by=self.viewer)
        except PhrasebookError as err:
            self.notify(err.message(), severity="error")
            return
        self.notify(t("members.reset_done", name=person.name))

    def action_enrol(self) -> None:
        self.app.push_screen(EnrolScreen(self.viewer, self.cohort), lambda _done: self.show())


class FormScreen(ModalScreen[bool]):
    """A small form: Enter in the last field (or F5 anywhere) submits; errors are shown in place."""

    BINDINGS = [Binding("escape", "cancel", show=False), Binding("f5", "submit", show=False)]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_submit()
        elif not isinstance(event.input, Field):  # a Field has moved on by itself
            self.focus_next()

    def fail(self, err: PhrasebookError) -> None:
        self.query_one("#error", Static).update(err.message())

    def action_submit(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(False)


class CreateCohortScreen(FormScreen):
    """A new cohort (期): name, dates, trainer. A trainer opens cohorts they train; a coordinator names anyone's."""

    def __init__(self, viewer: Person) -> None:
        auth.require(auth.can_create_cohort(viewer))
        super().__init__()
        self.viewer = viewer

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(t("cohort_tui.title"), classes="title")
            yield Field(placeholder=t("cohort_tui.name"), id="name")
            yield Field(placeholder=t("cohort_tui.starts_on"), id="starts_on")
            yield Field(placeholder=t("cohort_tui.ends_on"), id="ends_on")
            if self.viewer.role == "coordinator":
                yield Field(value=self.viewer.staff_no, placeholder=t("cohort_tui.trainer"), id="trainer")
            else:
                yield Static(t("cohort_tui.trained_by_you", name=self.viewer.name), classes="hint")
            yield Static("", id="error", classes="error")
            yield Static(t("trainer.form_hint"), classes="hint")

    def action_submit(self) -> None:
        from phrasebook.cohorts import create_cohort

        value = {i.id: i.value for i in self.query(Input)}
        try:
            trainer = find_person(self.app.store, value["trainer"]) if "trainer" in value else self.viewer
            cohort = create_cohort(self.app.store, name=value["name"], starts_on=value["starts_on"],
                                   ends_on=value["ends_on"], trainer=trainer, now=self.app.clock())
        except PhrasebookError as err:
            self.fail(err)
            return
        self.app.notify(t("cohort_tui.created", cohort=cohort.name, trainer=cohort.trainer_name))
        self.dismiss(True)


class CohortForm(FormScreen):
    """A form that changes one cohort: only its trainer or a coordinator may open it."""

    def __init__(self, viewer: Person, cohort: Cohort) -> None:
        auth.require(auth.can_manage_cohort(viewer, cohort))
        super().__init__()
        self.viewer, self.cohort = viewer, cohort


class EnrolScreen(CohortForm):

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(t("trainer.enrol_title", cohort=self.cohort.name), classes="title")
            yield Field(placeholder=t("trainer.enrol_staff_nos"), id="staff_nos")
            yield Static("", id="error", classes="error")
            yield Static(t("trainer.form_hint"), classes="hint")

    def action_submit(self) -> None:
        store = self.app.store
        try:
            people = [find_person(store, s) for s in self.query_one("#staff_nos", Input).value.replace("，", " ")
                      .replace(",", " ").split()]
            result = enrol(store, self.cohort, people, now=self.app.clock())
        except PhrasebookError as err:
            self.fail(err)
            return
        self.app.notify(t("trainer.enrolled", count=len(result.enrolled), already=len(result.already)))
        self.dismiss(True)


class RosterImportScreen(CohortForm):
    """A roster file by path; the domain checks every row first and imports nothing if anything is wrong."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="form wide"):
            yield Label(t("trainer.import_title", cohort=self.cohort.name), classes="title")
            yield Field(placeholder=t("trainer.import_path"), id="path")
            yield Static("", id="error", classes="error")
            yield Static(t("trainer.import_hint"), classes="hint")

    def action_submit(self) -> None:
        from phrasebook.roster import import_roster

        path = Path(self.query_one("#path", Input).value.strip()).expanduser()
        if not path.is_file():
            self.fail(PhrasebookError("trainer.no_file", path=str(path)))
            return
        try:
            result = import_roster(self.app.store, path, cohort=self.cohort, now=self.app.clock())
        except PhrasebookError as err:
            self.fail(err)  # RosterError: the summary line, then every problem with its row and column
            return
        self.app.notify(t("trainer.imported", rows=result.rows, created=len(result.created),
                          enrolled=len(result.enrolled), warnings=len(result.warnings)))
        self.dismiss(True)


class AssignScreen(CohortForm):
    """Decks and languages (ticked with Space), a due date and a target share mastered, for one cohort or for one
    of its trainees (who gets it on top of the cohort's: catching up, or a different language)."""

    def __init__(self, viewer: Person, cohort: Cohort, person: Person | None = None) -> None:
        super().__init__(viewer, cohort)
        self.person = person

    def compose(self) -> ComposeResult:
        zh = current() == "zh-CN"
        decks = content_q.decks(self.app.store)
        p = self.person
        title = (t("members.assign_title", name=p.name, staff_no=p.staff_no) if p
                 else t("trainer.assign_title", cohort=self.cohort.name))
        with Vertical(classes="form wide"):
            yield Label(title, classes="title")
            yield SelectionList(*[(d["title_zh"] if zh else d["title_en"], d["id"]) for d in decks], id="decks")
            yield SelectionList(*[(t(f"lang.{code}"), code) for code in LANGUAGES], id="langs")
            yield Field(placeholder=t("trainer.assign_due"), id="due", value=self.cohort.ends_on.isoformat())
            yield Field(placeholder=t("trainer.assign_target"), id="target", value="90%")
            yield Static("", id="error", classes="error")
            yield Static(t("trainer.assign_hint"), classes="hint")

    def action_submit(self) -> None:
        try:
            made = assign(self.app.store, deck_ids=list(self.query_one("#decks", SelectionList).selected),
                          langs=list(self.query_one("#langs", SelectionList).selected),
                          due_on=self.query_one("#due", Input).value, target=self.query_one("#target", Input).value,
                          cohort=None if self.person else self.cohort, person=self.person, by=self.viewer,
                          now=self.app.clock())
        except PhrasebookError as err:
            self.fail(err)
            return
        self.app.notify(t("trainer.assigned", count=len(made),
                          cohort=self.person.name if self.person else self.cohort.name))
        self.dismiss(True)
