"""Exams for trainers and coordinators: the list (from the dashboard or a cohort), the exam form, and the results
by cohort — who sat it, scores, pass rate, mean, and per-item difficulty. The figures come from
`exam_results`, laid out by the same sheets the CLI exports. The role rules are checked when a screen is built:
a cohort's own trainer or a coordinator."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, SelectionList, Static, TabbedContent, TabPane

from phrasebook import auth
from phrasebook.clock import local
from phrasebook.cohorts import Cohort, get_cohort, list_cohorts
from phrasebook.decks import LANGUAGES
from phrasebook.errors import PhrasebookError
from phrasebook.exam_results import ExamResults, exam_results, headline, item_sheet, summary_sheet, trainee_sheet
from phrasebook.exam_review import review
from phrasebook.exams import EXAM_MODES, Exam, create_exam, delete_exam, edit_exam, get_exam, list_exams
from phrasebook.i18n import current, t
from phrasebook.people import Person
from phrasebook.sheets import as_text
from phrasebook.store import content as content_q
from phrasebook.store import exams as exams_q
from phrasebook.tui.screens.dashboard import fill
from phrasebook.tui.screens.exam_list import despite_busy
from phrasebook.tui.screens.trainer import FormScreen
from phrasebook.tui.widgets.keybar import KeyBar

LIST_KEYS = [("Enter", "exam_tui.key_results"), ("n", "exam_tui.key_new"), ("e", "exam_tui.key_edit"),
             ("Del", "exam_tui.key_delete"), ("F2", "keys.language"), ("Esc", "trainer.key_back")]
ITEM_COLUMNS = (0, 6, 7, 8, 9, 10, 4, 5, 3)  # item_sheet: no., facility, right…unanswered, lang, mode, Chinese
RESULT_KEYS = [("1-2", "exam_tui.key_tabs"), ("Enter", "exam_tui.key_attempt"), ("F2", "keys.language"),
               ("Esc", "trainer.key_back")]


class ExamsScreen(Screen):
    """The exams of one cohort, or of every cohort the viewer deals with."""

    BINDINGS = [Binding("n", "new", show=False), Binding("e", "edit", show=False),
                Binding("delete", "delete", show=False), Binding("escape", "app.pop_screen", show=False)]

    def __init__(self, viewer: Person, cohort: Cohort | None = None) -> None:
        auth.require(auth.can_view_reports(viewer))
        if cohort is not None:
            auth.require(auth.can_manage_cohort(viewer, cohort))
        super().__init__()
        self.viewer, self.cohort = viewer, cohort

    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        title = t("exam_tui.staff_title_cohort", cohort=self.cohort.name) if self.cohort else t("exam_tui.staff_title")
        yield Label(title, classes="title pad")
        yield DataTable(id="exam-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="exam-detail", classes="hint pad")
        yield KeyBar(*LIST_KEYS, id="keys")

    def on_screen_resume(self) -> None:
        self.show()

    def show(self) -> None:
        store, now = self.app.store, self.app.clock()
        exams = list_exams(store, self.viewer, cohort=self.cohort)
        results = despite_busy(self, lambda close: [exam_results(store, e, now=now, viewer=self.viewer, close=close,
                                                                 scheduler=self.app.scheduler) for e in exams])
        sheet = summary_sheet(results)
        table = self.query_one("#exam-table", DataTable)
        table.clear(columns=True)
        h = sheet.headers  # id, title, cohort, opens, closes, items, minutes, pass mark, sat, members, passed, …
        table.add_columns(h[0], h[1], h[2], t("exam.col.status"), h[4], h[7], t("exam.col.sat"), h[11], h[12])
        for row, r in zip(as_text(sheet), results, strict=True):
            table.add_row(row[0], row[1], row[2], t(f"exam.state.{r.exam.state(now)}"), row[4], row[7],
                          f"{r.sat}/{r.enrolled}", row[11], row[12], key=str(r.exam.id))
        table.focus()
        self._detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        exam = self.selected()
        text = t("exam_tui.none_staff")
        if exam is not None:
            text = t("exam_tui.detail", opens=local(exam.opens_at), closes=local(exam.closes_at),
                     items=exam.item_count, minutes=exam.minutes, attempts=exam.attempts_allowed) + "\n" + t(
                "exam_cli.content", decks=" ".join(exam.decks) or "—", scenarios=" ".join(exam.scenarios) or "—",
                langs=" ".join(t(f"lang.{x}") for x in exam.langs),
                modes=" ".join(t(f"modes.name.{m}") for m in exam.modes))
        self.query_one("#exam-detail", Static).update(text)

    def selected(self) -> Exam | None:
        table = self.query_one("#exam-table", DataTable)
        if not table.row_count:
            return None
        return get_exam(self.app.store, int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if exam := self.selected():
            self.app.push_screen(ExamResultsScreen(self.viewer, exam))

    def action_new(self) -> None:
        self.app.push_screen(ExamFormScreen(self.viewer, cohort=self.cohort), lambda _done: self.show())

    def action_edit(self) -> None:
        exam = self.selected()
        if exam is None:
            return
        if exams_q.has_attempts(self.app.store, exam.id):
            self.notify(t("exam.err.started", title=exam.title), severity="error")
            return
        self.app.push_screen(ExamFormScreen(self.viewer, exam=exam), lambda _done: self.show())

    def action_delete(self) -> None:
        from phrasebook.tui.screens.exam import ConfirmScreen

        exam = self.selected()
        if exam is None:
            return

        def confirmed(yes: bool) -> None:
            if not yes:
                return
            try:
                delete_exam(self.app.store, exam, now=self.app.clock(), by=self.viewer)
            except PhrasebookError as err:  # someone sits or has sat it: only the CLI's --force deletes results
                self.notify(err.message(), severity="error", timeout=6)
                return
            self.notify(t("exam_cli.deleted", id=exam.id, title=exam.title))
            self.show()

        self.app.push_screen(ConfirmScreen(t("exam_tui.delete_title", title=exam.title),
                                           [t("exam_tui.delete_line")], "exam_tui.key_delete"), confirmed)


class ExamFormScreen(FormScreen):
    """Define an exam (for a given cohort, or one chosen here), or edit one nobody has started."""

    def __init__(self, viewer: Person, *, cohort: Cohort | None = None, exam: Exam | None = None) -> None:
        auth.require(auth.can_view_reports(viewer))
        target = exam or cohort
        if target is not None:
            auth.require(auth.can_manage_cohort(viewer, target))
        super().__init__()
        self.viewer, self.cohort, self.exam = viewer, cohort, exam

    def compose(self) -> ComposeResult:
        store, zh = self.app.store, current() == "zh-CN"
        e = self.exam
        now = self.app.clock().astimezone().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        values = {"title": e.title if e else "", "items": str(e.item_count if e else 20),
                  "minutes": str(e.minutes if e else 30), "pass_mark": f"{(e.pass_mark if e else 0.6):.0%}",
                  "opens": local(e.opens_at if e else now),
                  "closes": local(e.closes_at) if e else (now + timedelta(days=7)).strftime("%Y-%m-%d 18:00"),
                  "attempts": str(e.attempts_allowed if e else 1)}
        with VerticalScroll(classes="form wide", id="exam-form"):
            heading = t("exam_tui.edit_title", title=e.title) if e else t("exam_tui.form_title")
            yield Label(heading, classes="title")
            yield Input(value=values["title"], placeholder=t("exam.field.title"), id="title")
            if e is None and self.cohort is None:
                cohorts = [c for c in list_cohorts(store, self.viewer) if auth.can_manage_cohort(self.viewer, c)]
                yield Select([(c.name, c.id) for c in cohorts], prompt=t("exam.field.cohort"), id="cohort",
                             type_to_search=False)
            else:
                yield Static(t("exam_tui.for_cohort", cohort=e.cohort_name if e else self.cohort.name), classes="hint")
            with Horizontal(id="exam-lists"):
                with Vertical():
                    yield Static(t("exam.field.decks"), classes="hint")
                    yield SelectionList(*[(d["title_zh"] if zh else d["title_en"], d["id"],
                                           bool(e and d["id"] in e.decks)) for d in content_q.decks(store)], id="decks")
                with Vertical():
                    yield Static(t("exam.field.scenarios"), classes="hint")
                    yield SelectionList(*[(s["zh"] if zh else s["en"], s["id"], bool(e and s["id"] in e.scenarios))
                                          for s in exams_q.scenarios(store)], id="scenarios")
                with Vertical(classes="narrow"):
                    yield Static(t("exam.field.langs"), classes="hint")
                    yield SelectionList(*[(t(f"lang.{x}"), x, x in e.langs if e else x == "en") for x in LANGUAGES],
                                        id="langs")
                with Vertical(classes="narrow"):
                    yield Static(t("exam.field.modes"), classes="hint")
                    yield SelectionList(*[(t(f"modes.name.{m}"), m, m in e.modes if e else True) for m in EXAM_MODES],
                                        id="modes")
            with Horizontal(classes="exam-fields"):
                for field in ("items", "minutes", "pass_mark", "attempts"):
                    with Vertical():
                        yield Static(t(f"exam.field.{field}"), classes="hint")
                        yield Input(value=values[field], id=field)
            with Horizontal(classes="exam-fields"):
                for field in ("opens", "closes"):
                    with Vertical():
                        yield Static(t(f"exam.field.{field}"), classes="hint")
                        yield Input(value=values[field], id=field)
            yield Static("", id="error", classes="error")
            yield Static(t("exam_tui.form_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def action_submit(self) -> None:
        value = {i.id: i.value for i in self.query(Input)}
        fields = {"title": value["title"], "decks": list(self.query_one("#decks", SelectionList).selected),
                  "scenarios": list(self.query_one("#scenarios", SelectionList).selected),
                  "langs": list(self.query_one("#langs", SelectionList).selected),
                  "modes": list(self.query_one("#modes", SelectionList).selected), "items": value["items"],
                  "minutes": value["minutes"], "pass_mark": value["pass_mark"], "opens": value["opens"],
                  "closes": value["closes"], "attempts": value["attempts"]}
        store, now = self.app.store, self.app.clock()
        try:
            if self.exam is not None:
                made = edit_exam(store, self.exam, now=now, by=self.viewer, **fields)
            else:
                cohort = self.cohort
                if cohort is None:
                    chosen = self.query_one("#cohort", Select).value
                    if chosen is Select.NULL:
                        raise PhrasebookError("exam_tui.no_cohort")
                    cohort = get_cohort(store, chosen)
                made = create_exam(store, cohort=cohort, now=now, by=self.viewer, **fields)
        except PhrasebookError as err:
            self.fail(err)
            return
        self.app.notify(t("exam_cli.created", id=made.id, title=made.title, cohort=made.cohort_name,
                          items=made.item_count, minutes=made.minutes, opens=local(made.opens_at),
                          closes=local(made.closes_at)))
        self.dismiss(True)


class ExamResultsScreen(Screen):
    """One exam's results for its cohort: each trainee (sat or not, best score, passed), then per-item difficulty."""

    BINDINGS = [Binding("1", "tab('tab-exam-trainees')", show=False), Binding("2", "tab('tab-exam-items')", show=False),
                Binding("escape", "app.pop_screen", show=False)]

    def __init__(self, viewer: Person, exam: Exam) -> None:
        auth.require(auth.can_manage_cohort(viewer, exam))
        super().__init__()
        self.viewer, self.exam = viewer, exam
        self.results: ExamResults | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        yield Label(t("exam_tui.results_title", title=self.exam.title, cohort=self.exam.cohort_name),
                    classes="title pad")
        yield Static("", id="exam-summary")
        with TabbedContent(id="exam-tabs"):
            with TabPane(t("exam.sheet.trainees"), id="tab-exam-trainees"):
                yield DataTable(id="exam-trainees", cursor_type="row", zebra_stripes=True)
            with TabPane(t("exam.sheet.items"), id="tab-exam-items"):
                yield Static(t("exam_tui.facility_hint"), classes="hint")
                yield DataTable(id="exam-items", cursor_type="row", zebra_stripes=True)
        yield KeyBar(*RESULT_KEYS, id="keys")

    def on_screen_resume(self) -> None:
        self.show()

    def show(self) -> None:
        r = self.results = despite_busy(self, lambda close: exam_results(
            self.app.store, self.exam, now=self.app.clock(), viewer=self.viewer, scheduler=self.app.scheduler,
            close=close))
        state = t(f"exam.state.{r.exam.state(self.app.clock())}")
        self.query_one("#exam-summary", Static).update(t("exam_tui.results_summary", **headline(r), state=state,
                                                         closes=local(r.exam.closes_at)))
        fill(self.query_one("#exam-trainees", DataTable), trainee_sheet(r), (0, 1, 2, 3, 4, 5, 7, 8, 9))
        # facility and its counts before the long Chinese line, so they are on screen at 80 columns
        fill(self.query_one("#exam-items", DataTable), item_sheet(r), ITEM_COLUMNS)
        self.query_one("#exam-trainees", DataTable).focus()

    def action_tab(self, pane: str) -> None:
        self.query_one("#exam-tabs", TabbedContent).active = pane
        self.query_one("#exam-trainees" if pane == "tab-exam-trainees" else "#exam-items", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A trainee's best attempt, item by item, with the right answers (staff see them)."""
        if event.data_table.id != "exam-trainees" or self.results is None:
            return
        row = self.results.trainees[event.cursor_row]
        if row.best is None:
            self.notify(t("exam_tui.not_sat", name=row.name), timeout=3)
            return
        from phrasebook.tui.screens.exam import ExamResultScreen

        self.app.push_screen(ExamResultScreen(review(self.app.store, row.best, viewer=self.viewer,
                                                     now=self.app.clock()), who=f"{row.name}（{row.staff_no}）"))
