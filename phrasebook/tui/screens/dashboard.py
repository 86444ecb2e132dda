"""The staff dashboard: completion per cohort, progress per trainee, leeches per deck and two charts, filtered by
cohort, department and status. A coordinator sees everything, a trainer their own cohorts and trainees (the
domain scopes the report by `auth.visible_people`). It refuses to open for anyone `auth.can_view_reports`
refuses: the rule is enforced here, not by hiding a key. Figures come from `reports.build_report` and are laid
out by the same `report_export` sheets the CLI prints, so screen and export never disagree.

This module imports textual-plotext; it is loaded only when a staff member logs in (never before the first frame).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, Select, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from phrasebook import auth
from phrasebook.cohorts import get_cohort, list_cohorts
from phrasebook.i18n import t
from phrasebook.people import Person, list_people
from phrasebook.report_export import STATUS_ORDER, cohort_sheet, leech_sheet, trainee_sheet
from phrasebook.reports import STATUSES, Report, build_report
from phrasebook.sheets import Sheet, as_text
from phrasebook.tui.widgets.keybar import KeyBar

KEYS = [("h", "dash.key_home"), ("c", "dash.key_cohorts"), ("e", "exam_tui.key_exams"), ("n", "keys.new_trainee"),
        ("1-3", "dash.key_tabs"),
        ("F2", "keys.language"),
        ("?", "keys.help"), ("Esc", "dash.key_logout"), ("Ctrl+Q", "keys.quit")]
# The bar fits 100 columns in Chinese; '?' lists every key.
BAR = [key for key in KEYS if key[0] not in ("n", "F2", "Ctrl+Q")]
# trainee_sheet columns shown on screen (the export keeps them all): counter, cards and needed/day are left out
TRAINEE_COLUMNS = (0, 1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16)


def fill(table: DataTable, sheet: Sheet, columns: tuple[int, ...] | None = None) -> None:
    """A report sheet into a DataTable, as text (percentages as the CLI shows them)."""
    keep = columns or tuple(range(len(sheet.headers)))
    table.clear(columns=True)
    table.add_columns(*(sheet.headers[i] for i in keep))
    for row in as_text(sheet):
        table.add_row(*(row[i] for i in keep))


class DashboardScreen(Screen):
    BINDINGS = [
        Binding("h", "home", show=False),
        Binding("c", "cohorts", show=False),
        Binding("e", "exams", show=False),
        Binding("n", "new_trainee", show=False),
        Binding("1", "tab('tab-trainees')", show=False),
        Binding("2", "tab('tab-leeches')", show=False),
        Binding("3", "tab('tab-charts')", show=False),
        Binding("question_mark", "help", show=False),
        Binding("escape", "app.pop_screen", show=False),
    ]

    def __init__(self, viewer: Person) -> None:
        auth.require(auth.can_view_reports(viewer))
        super().__init__()
        self.viewer = viewer
        self.cohort_id: int | None = None
        self.department: str | None = None
        self.status: str | None = None
        self.report: Report | None = None

    def _filter_options(self) -> tuple[list[tuple[str, int]], list[tuple[str, str]]]:
        """The cohorts and departments the viewer may filter by (they grow while the dashboard is open)."""
        store = self.app.store
        visible = auth.visible_people(store, self.viewer)
        departments = sorted({p.department for p in list_people(store, role="trainee")
                              if p.department and (visible is None or p.id in visible)})
        return [(c.name, c.id) for c in list_cohorts(store, self.viewer)], [(d, d) for d in departments]

    def compose(self) -> ComposeResult:
        cohorts, departments = self._filter_options()
        yield Static(t("app.title"), id="banner")
        yield Static(t("dash.hello", name=self.viewer.name, role=t(f"role.{self.viewer.role}")), id="hello")
        with Horizontal(id="filters"):
            yield Select(cohorts, prompt=t("dash.all_cohorts"),
                         value=self.cohort_id or Select.NULL, type_to_search=False, id="f-cohort")
            yield Select(departments, prompt=t("dash.all_departments"),
                         value=self.department or Select.NULL, type_to_search=False, id="f-department")
            yield Select([(t(f"report.status.{s}"), s) for s in STATUSES], prompt=t("dash.all_statuses"),
                         value=self.status or Select.NULL, type_to_search=False, id="f-status")
        yield DataTable(id="cohorts", cursor_type="row", zebra_stripes=True)
        with TabbedContent(id="tabs"):
            with TabPane(t("report.sheet.trainees"), id="tab-trainees"):
                yield Static("", id="trainee-summary", classes="hint")
                yield DataTable(id="trainees", cursor_type="row", zebra_stripes=True)
            with TabPane(t("report.sheet.leeches"), id="tab-leeches"):
                yield DataTable(id="leeches", cursor_type="row", zebra_stripes=True)
            with TabPane(t("dash.charts"), id="tab-charts"), Horizontal(id="charts"):
                with Vertical():
                    yield Label(t("dash.chart_daily"), classes="chart-title")
                    yield PlotextPlot(id="daily-chart")
                with Vertical():
                    yield Label(t("dash.chart_distribution"), classes="chart-title")
                    yield PlotextPlot(id="dist-chart")
        yield KeyBar(*BAR, id="keys")

    def on_screen_resume(self) -> None:
        """Fill on first display and again on return from the cohort screens or a drill (figures move, and a
        cohort or department may have been added: the filters offer it, keeping what was chosen)."""
        if self.report is not None:
            cohorts, departments = self._filter_options()
            with self.prevent(Select.Changed):
                for box, options, value in (("#f-cohort", cohorts, self.cohort_id),
                                            ("#f-department", departments, self.department)):
                    select = self.query_one(box, Select)
                    select.set_options(options)
                    if value is not None and value in {v for _label, v in options}:
                        select.value = value
        self.show()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        if event.select.id == "f-cohort":
            self.cohort_id = value
        elif event.select.id == "f-department":
            self.department = value
        elif event.select.id == "f-status":
            self.status = value
        self.show()

    def show(self) -> None:
        """Build the report for the chosen filters (scoped to what the viewer may see) and fill every part."""
        store = self.app.store
        cohort = get_cohort(store, self.cohort_id) if self.cohort_id else None
        self.report = report = build_report(store, now=self.app.clock(), cohort=cohort, department=self.department,
                                            status=self.status, visible=auth.visible_people(store, self.viewer),
                                            scheduler=self.app.scheduler)
        fill(self.query_one("#cohorts", DataTable), cohort_sheet(report))
        fill(self.query_one("#trainees", DataTable), trainee_sheet(report), TRAINEE_COLUMNS)
        fill(self.query_one("#leeches", DataTable), leech_sheet(report))
        counts = report.status_counts()
        self.query_one("#trainee-summary", Static).update(t("dash.summary", shown=len(report.trainees), **{
            s: counts[s] for s in STATUS_ORDER}))
        self._charts(report)

    def _charts(self, report: Report) -> None:
        daily = self.query_one("#daily-chart", PlotextPlot)
        plt = daily.plt
        plt.clear_figure()
        if report.daily:
            xs = list(range(len(report.daily)))
            plt.bar(xs, [n for _d, n, _new in report.daily], width=0.6)
            step = max(1, len(xs) // 6)
            plt.xticks(xs[::step], [d.strftime("%m-%d") for d, _n, _new in report.daily][::step])
            _whole_number_ticks(plt, max(n for _d, n, _new in report.daily))
        daily.refresh()
        dist = self.query_one("#dist-chart", PlotextPlot)
        plt = dist.plt
        plt.clear_figure()
        plt.bar([f"{low}%" for low, _n in report.distribution], [n for _low, n in report.distribution], width=0.6)
        _whole_number_ticks(plt, max((n for _low, n in report.distribution), default=0))
        dist.refresh()

    def action_tab(self, pane: str) -> None:
        self.query_one("#tabs", TabbedContent).active = pane

    def action_home(self) -> None:
        """Staff study too: their own drill home."""
        from phrasebook.tui.screens.home import HomeScreen

        self.app.push_screen(HomeScreen(self.viewer))

    def action_cohorts(self) -> None:
        from phrasebook.tui.screens.trainer import CohortsScreen

        self.app.push_screen(CohortsScreen(self.viewer))

    def action_exams(self) -> None:
        """Exams and their results: the cohort chosen in the filter, else every cohort the viewer deals with."""
        from phrasebook.tui.screens.exam_staff import ExamsScreen

        cohort = get_cohort(self.app.store, self.cohort_id) if self.cohort_id else None
        if cohort is not None and not auth.can_manage_cohort(self.viewer, cohort):
            cohort = None
        self.app.push_screen(ExamsScreen(self.viewer, cohort))

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


def _whole_number_ticks(plt, top: int, count: int = 5) -> None:
    """Answers and people are counted in whole numbers: no '2033.0' on the axis."""
    step = max(1, -(-top // count))
    ticks = list(range(0, top + step, step))
    plt.yticks(ticks, [str(v) for v in ticks])
