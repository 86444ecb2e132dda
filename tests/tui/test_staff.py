"""Dashboard and trainer screens through the real app: scoping by role, figures, roster import, assigning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Select

from phrasebook import auth
from phrasebook.assignments import assign, list_assignments
from phrasebook.clock import study_day
from phrasebook.cohorts import create_cohort, enrol, get_cohort
from phrasebook.errors import PhrasebookError
from phrasebook.people import create_person, find_person
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.dashboard import DashboardScreen
from phrasebook.tui.screens.trainer import (
    AssignScreen,
    CohortsScreen,
    CreateCohortScreen,
    EnrolScreen,
    MembersScreen,
    RosterImportScreen,
)

SIZE = (120, 36)


def cells(table) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.fixture
def programme(db_path, mini_decks, clock):
    """Two trainers with a cohort each; 王芳 (第12期) has an assignment, 李娜 (第13期) none."""
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    store, now = app.store, clock()
    today = study_day(now)
    create_person(store, name="刘洋", staff_no="K1", role="coordinator", secret="2468")
    li = create_person(store, name="李老师", staff_no="T1", role="trainer", secret="1357")
    zhou = create_person(store, name="周老师", staff_no="T2", role="trainer", secret="1357")
    wang = create_person(store, name="王芳", staff_no="C1", department="综合窗口")
    lina = create_person(store, name="李娜", staff_no="C2", department="税务窗口")
    c12 = create_cohort(store, name="第12期", starts_on=today, ends_on=today + timedelta(days=30), trainer=li, now=now)
    c13 = create_cohort(store, name="第13期", starts_on=today, ends_on=today + timedelta(days=30), trainer=zhou,
                        now=now)
    enrol(store, c12, [wang], now=now)
    enrol(store, c13, [lina], now=now)
    assign(store, deck_ids=["mini"], langs=["en"], due_on=today + timedelta(days=20), cohort=c12, now=now)
    return app


async def open_as(app, pilot, staff_no: str):
    await pilot.pause()
    await app.push_screen(DashboardScreen(find_person(app.store, staff_no)))
    await pilot.pause()
    return app.screen


async def test_coordinator_sees_every_cohort_and_filters(programme):
    app = programme
    async with app.run_test(size=SIZE) as pilot:
        dash = await open_as(app, pilot, "K1")
        rows = cells(dash.query_one("#cohorts"))
        # cohort, trainer, start, end, members, not started, in progress, completed, overdue, unassigned, completion
        assert [(r[0], r[4], r[5], r[9]) for r in rows] == [("第12期", "1", "1", "0"), ("第13期", "1", "0", "1")]
        trainees = cells(dash.query_one("#trainees"))
        assert sorted(r[1] for r in trainees) == ["李娜", "王芳"]
        wang = next(r for r in trainees if r[1] == "王芳")
        assert wang[4:8] == ["未开始", "是", "0.0%", "0.0%"]
        dash.query_one("#f-status").value = "not_started"
        await pilot.pause()
        assert [r[1] for r in cells(dash.query_one("#trainees"))] == ["王芳"]
        await pilot.press("3")  # the charts tab renders without error
        await pilot.pause()
        assert dash.query_one("#tabs").active == "tab-charts"


async def test_trainer_sees_only_their_cohort(programme):
    app = programme
    async with app.run_test(size=SIZE) as pilot:
        dash = await open_as(app, pilot, "T2")
        assert [r[0] for r in cells(dash.query_one("#cohorts"))] == ["第13期"]
        assert [r[1] for r in cells(dash.query_one("#trainees"))] == ["李娜"]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CohortsScreen)
        assert app.screen.query_one("#cohort-list").row_count == 1
        with pytest.raises(PhrasebookError):  # not their cohort: refused by the role rule
            MembersScreen(find_person(app.store, "T2"), get_cohort(app.store, "第12期"))


async def test_trainee_is_refused_every_staff_screen(programme):
    app = programme
    wang = find_person(app.store, "C1")
    c12 = get_cohort(app.store, "第12期")
    for make in (lambda: DashboardScreen(wang), lambda: CohortsScreen(wang), lambda: MembersScreen(wang, c12),
                 lambda: CreateCohortScreen(wang), lambda: EnrolScreen(wang, c12),
                 lambda: RosterImportScreen(wang, c12), lambda: AssignScreen(wang, c12)):
        with pytest.raises(PhrasebookError):
            make()


async def test_a_trainer_cannot_open_the_forms_of_another_trainers_cohort(programme):
    zhou, c12 = find_person(programme.store, "T2"), get_cohort(programme.store, "第12期")
    for form in (MembersScreen, EnrolScreen, RosterImportScreen, AssignScreen):
        with pytest.raises(PhrasebookError):
            form(zhou, c12)
    AssignScreen(find_person(programme.store, "T1"), c12)  # its own trainer may


async def test_roster_import_error_is_shown_and_nothing_imported(programme, tmp_path):
    app = programme
    bad = tmp_path / "名单.csv"
    bad.write_text("工号,姓名,部门\nC10,张三,综合窗口\nC11,,税务窗口\n", encoding="utf-8-sig")
    good = tmp_path / "good.csv"
    good.write_text("工号,姓名,部门\nC10,张三,综合窗口\n", encoding="utf-8-sig")
    people_before = app.store.value("SELECT count(*) FROM people")
    async with app.run_test(size=SIZE) as pilot:
        await open_as(app, pilot, "T1")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, RosterImportScreen)
        app.screen.query_one("#path").value = str(bad)
        await pilot.press("enter")
        await pilot.pause()
        error = str(app.screen.query_one("#error").render())
        assert "名单.csv" in error and "第 3 行" in error
        assert app.store.value("SELECT count(*) FROM people") == people_before
        app.screen.query_one("#path").value = str(good)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CohortsScreen)
        assert [m for m in app.store.rows("SELECT staff_no FROM people WHERE staff_no = 'C10'")]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
        assert sorted(r[0] for r in cells(app.screen.query_one("#members"))) == ["C1", "C10"]
        await pilot.press("w")  # withdraw the highlighted (first) member
        await pilot.pause()
        assert app.screen.query_one("#members").row_count == 1


async def test_roster_import_of_damaged_files_says_so_and_stays(programme, tmp_path):
    """A workbook with its sheet cut off and a CSV with a 200,000-character cell: each used to end the trainer's
    app with a traceback (ParseError, csv.Error); now the form names the file and part or row, and stays open."""
    from tests.test_roster_damaged import SHEET, damaged, half

    app = programme
    cut = damaged(tmp_path, SHEET, half)
    long_csv = tmp_path / "长.csv"
    long_csv.write_text("工号,姓名\r\nC10," + "长" * 200_000 + "\r\n", encoding="utf-8-sig")
    people_before = app.store.value("SELECT count(*) FROM people")
    async with app.run_test(size=SIZE) as pilot:
        await open_as(app, pilot, "T1")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        for path, says in ((cut, SHEET), (long_csv, "第 2 行")):
            app.screen.query_one("#path").value = str(path)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, RosterImportScreen)
            error = str(app.screen.query_one("#error").render())
            assert path.name in error and says in error, error
        assert app.is_running
        assert app.store.value("SELECT count(*) FROM people") == people_before


async def test_assign_from_the_tui(programme, clock):
    app = programme
    async with app.run_test(size=SIZE) as pilot:
        await open_as(app, pilot, "T2")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssignScreen)
        form.query_one("#due").value = "2020-01-01"
        form.query_one("#decks").select("mini")
        form.query_one("#langs").select("en")
        await pilot.press("f5")
        await pilot.pause()
        assert "2020-01-01" in str(form.query_one("#error").render())  # a past due date is refused in place
        due = study_day(clock()) + timedelta(days=14)
        form.query_one("#due").value = due.isoformat()
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, CohortsScreen)
        made = list_assignments(app.store, cohort=get_cohort(app.store, "第13期"))
        assert [(a.deck_id, a.lang, a.due_on, a.target) for a in made] == [("mini", "en", due, 0.9)]
        assert "截止 " + due.isoformat() in str(app.screen.query_one("#assignments").render())


async def test_create_a_cohort_from_the_tui(programme):
    app = programme
    async with app.run_test(size=SIZE) as pilot:
        await open_as(app, pilot, "T1")  # a trainer opens a cohort they will train themselves
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CreateCohortScreen) and not form.query("#trainer")
        form.query_one("#name").value = "第12期"
        form.query_one("#starts_on").value = "2026-12-01"
        form.query_one("#ends_on").value = "2027-01-15"
        await pilot.press("f5")
        await pilot.pause()
        assert "第12期" in str(form.query_one("#error").render())  # the name is taken: said in place
        form.query_one("#name").value = "第14期"
        form.query_one("#ends_on").focus()
        await pilot.press("enter")  # Enter in the last field submits
        await pilot.pause()
        assert isinstance(app.screen, CohortsScreen)
        made = get_cohort(app.store, "第14期")
        assert (made.trainer_name, made.starts_on.isoformat(), made.ends_on.isoformat()) == (
            "李老师", "2026-12-01", "2027-01-15")
        assert "第14期" in [r[0] for r in cells(app.screen.query_one("#cohort-list"))]
        await pilot.press("escape")  # back on the dashboard, the new cohort is offered as a filter
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        options = [label for label, _v in app.screen.query_one("#f-cohort", Select)._options]
        assert "第14期" in [str(o) for o in options]


async def test_members_screen_assigns_to_one_trainee_and_resets_her_pin(programme, clock):
    """From the member list a trainer gives one trainee her own assignment, and clears a forgotten PIN so she
    chooses a new one at her next login (her cohort's assignments are untouched)."""
    app = programme
    wang = find_person(app.store, "C1")
    auth.first_login(app.store, wang, "2468", now=clock())
    async with app.run_test(size=SIZE) as pilot:
        await open_as(app, pilot, "T1")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssignScreen) and "王芳" in str(form.query_one(".title").render())
        form.query_one("#decks").select("mini")
        form.query_one("#langs").select("ja")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
        mine = list_assignments(app.store, person=wang)
        assert [(a.deck_id, a.lang) for a in mine] == [("mini", "ja")]
        assert [(a.deck_id, a.lang) for a in list_assignments(app.store, cohort=get_cohort(app.store, "第12期"))] \
            == [("mini", "en")]
        await pilot.press("r")
        await pilot.pause()
        assert not find_person(app.store, "C1").has_pin
        with pytest.raises(PhrasebookError) as err:
            auth.login(app.store, "C1", "2468", now=clock())
        assert err.value.key == "auth.choose_pin"
