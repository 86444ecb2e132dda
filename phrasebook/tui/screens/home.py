"""Home: what is due today across the trainee's decks and languages; Enter drills the chosen row. Above the
decks: the trainee's assignments (due date, % mastered against the target) and how many new cards a day
keep them on track (`assignments.pace`); the today line uses the raised new-card limit the drill uses."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from phrasebook.assignments import Pace, pace
from phrasebook.clock import day_start, iso, study_day
from phrasebook.i18n import current, t
from phrasebook.people import Person, get_person
from phrasebook.session import prepare
from phrasebook.store import cards as cards_q
from phrasebook.tui.guard import reported
from phrasebook.tui.widgets.keybar import KeyBar

KEYS = [("Enter", "keys.drill_row"), ("a", "keys.drill_all"), ("x", "extra.keys.open"), ("d", "dialogue.keys.open"),
        ("e", "exam_tui.key_home"), ("l", "keys.languages"), ("F2", "keys.language"), ("?", "keys.help"),
        ("Esc", "keys.switch_user"), ("Ctrl+Q", "keys.quit")]
# The bar must fit 100 columns in Chinese; '?' lists every key.
BAR = [pair for key in KEYS if key[0] not in ("d", "F2", "l", "Ctrl+Q")
       for pair in ([("x/d", "extra.keys.bar")] if key[0] == "x" else [key])]


class HomeScreen(Screen):
    BINDINGS = [
        Binding("a", "drill_all", show=False),
        Binding("l", "languages", show=False),
        Binding("x", "extra", show=False),
        Binding("d", "dialogue", show=False),
        Binding("e", "exams", show=False),
        Binding("question_mark", "help", show=False),
        Binding("escape", "app.pop_screen", show=False),
    ]

    def __init__(self, person: Person) -> None:
        super().__init__()
        self.person = person
        self.shown = False
        self._prepare()  # cards for every phrase studied, before the first counts are drawn

    def compose(self) -> ComposeResult:
        store, now = self.app.store, self.app.clock()
        rows = cards_q.deck_counts(store, self.person.id, iso(now))
        new_today, reviews_today = cards_q.day_counts(store, self.person.id, iso(day_start(now)))
        plan = pace(store, self.person, now)
        due = sum(r["learning_due"] + r["review_due"] for r in rows)
        new_left = min(sum(r["new"] for r in rows), max(0, plan.limit - new_today))
        yield Static(t("app.title"), id="banner")
        yield Static(t("home.hello", name=self.person.name, staff_no=self.person.staff_no), id="hello")
        yield Static(t("home.today", due=due, new=new_left, new_done=new_today, reviews_done=reviews_today),
                     id="today")
        titles = {r["deck_id"]: (r["title_zh"], r["title_en"]) for r in rows}
        yield from self._exams(now)
        yield from self._plans(plan, titles, now)
        table = DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        table.add_columns(t("home.col.deck"), t("home.col.lang"), t("home.col.due"), t("home.col.new"),
                          t("home.col.progress"), t("home.col.leeches"))
        zh = current() == "zh-CN"
        for r in rows:
            pct = round(100 * r["seen"] / r["total"]) if r["total"] else 0
            table.add_row(
                r["title_zh"] if zh else r["title_en"], t(f"lang.{r['lang']}"),
                str(r["learning_due"] + r["review_due"]), str(r["new"]),
                f"{r['seen']}/{r['total']} {pct:>3}%", str(r["leeches"] or ""),
                key=f"{r['deck_id']}|{r['lang']}",
            )
        if not rows:
            yield Static(t("home.no_decks"), classes="hint")
        yield table
        yield KeyBar(*BAR, id="keys")

    def _plans(self, plan: Pace, titles: dict[str, tuple[str, str]], now) -> ComposeResult:
        """The pacing line and one row per assignment (nothing at all for a trainee without assignments)."""
        if not plan.plans:
            return
        base = self.person.settings.new_per_day
        if all(p.completed or p.remaining == 0 for p in plan.plans):
            line = t("pace.done")
        elif plan.needed > base:
            line = t("pace.behind", needed=plan.needed, base=base, limit=plan.limit)
        else:
            line = t("pace.needed", needed=plan.needed)
        yield Static(line, id="pace")
        table = DataTable(id="plans", cursor_type="none", show_cursor=False)
        table.add_columns(t("pace.col.deck"), t("pace.col.lang"), t("pace.col.due"), t("pace.col.mastered"),
                          t("pace.col.introduced"), t("pace.col.state"))
        zh, today = current() == "zh-CN", study_day(now)
        for p in plan.plans:
            title = titles.get(p.deck_id, (p.deck_id, p.deck_id))[0 if zh else 1]
            mastered = p.mastered / p.total if p.total else 0.0
            state = ("pace.state.completed" if p.completed else "pace.state.overdue" if today > p.due_on
                     else "pace.state.open")
            table.add_row(title, t(f"lang.{p.lang}"), p.due_on.isoformat(),
                          f"{mastered:.0%} / {p.target:.0%}", f"{p.introduced}/{p.total}",
                          t(state, n=p.needed_today(today)))
        yield table

    def _exams(self, now) -> ComposeResult:
        """Exams (考核) open now or in progress, one line each, with the key that opens them."""
        from phrasebook.exam_sitting import standings
        from phrasebook.tui.screens.exam_list import despite_busy, standing_text

        found = [s for s in despite_busy(self, lambda close: standings(self.app.store, self.person, now,
                                                                       self.app.scheduler, close=close))
                 if s.current is not None or (s.state == "open" and s.left)]
        if found:
            lines = [t("exam_tui.home_title", n=len(found))] + [f"  {standing_text(s, now)}" for s in found[:3]]
            if len(found) > 3:
                lines.append("  " + t("exam_tui.home_more", n=len(found) - 3))
            yield Static("\n".join(lines), id="home-exams")

    async def on_screen_resume(self) -> None:
        """Counts change after every drill: refresh them (and create cards for newly added phrases). The first
        resume follows compose at once, which already had fresh counts: no second compose."""
        if self.shown:
            self.person = get_person(self.app.store, self.person.id)
            self._prepare()
            await self.recompose()
        self.shown = True
        self.query_one("#decks", DataTable).focus()

    @reported
    def _prepare(self) -> None:
        """Busy past the wait: the counts drawn are those of the cards there are; the next visit adds the rest."""
        prepare(self.app.store, self.person)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        deck, lang = event.row_key.value.split("|")
        self.drill(deck, lang)

    def action_drill_all(self) -> None:
        self.drill(None, None)

    @reported
    def drill(self, deck: str | None, lang: str | None) -> None:
        from phrasebook.tui.screens.drill import DrillScreen

        if not self._in_exam():
            self.app.push_screen(DrillScreen(self.person, deck=deck, lang=lang))

    def _in_exam(self) -> bool:
        """While the trainee is sitting an exam, drill, extra practice and dialogues stay shut — they show the
        answers — and going back to the exam is offered instead. True when it is so."""
        from phrasebook.clock import local
        from phrasebook.exam_sitting import running
        from phrasebook.exams import get_exam
        from phrasebook.tui.screens.exam import ConfirmScreen, ExamScreen

        attempt = running(self.app.store, self.person, self.app.clock())
        if attempt is None:
            return False
        exam = get_exam(self.app.store, attempt.exam_id)
        lines = [t("exam_tui.in_exam", title=exam.title, deadline=local(attempt.deadline))]
        self.app.push_screen(ConfirmScreen(t("exam_tui.in_exam_title"), lines, "exam_tui.key_resume"),
                             lambda yes: self.app.push_screen(ExamScreen(self.person, exam, attempt)) if yes else None)
        return True

    def _selected_lang(self) -> str:
        """The language of the highlighted row (extra practice and dialogues use it), else the first studied."""
        table = self.query_one("#decks", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            return key.split("|")[1]
        return self.person.settings.languages[0]

    def action_extra(self) -> None:
        from phrasebook.tui.screens.practice_menu import PracticeMenu

        if self._in_exam():
            return
        lang = self._selected_lang()
        self.app.push_screen(PracticeMenu(self.person, lang, "extra"),
                             lambda choice: self._start_extra(lang, choice) if choice else None)

    @reported
    def _start_extra(self, lang: str, choice: str) -> None:
        from phrasebook.practice import ExtraSession
        from phrasebook.tui.screens.drill import DrillScreen

        kind, _, scenario = choice.partition(":")
        session = ExtraSession(self.app.store, self.person, kind=kind, lang=lang, scenario=scenario or None,
                               scheduler=self.app.scheduler, clock=self.app.clock)
        if not session.total:
            session.finish()
            self.notify(t("extra.nothing"), timeout=4)
            return
        self.app.push_screen(DrillScreen(self.person, session=session))

    def action_dialogue(self) -> None:
        from phrasebook.tui.screens.practice_menu import PracticeMenu

        if self._in_exam():
            return
        lang = self._selected_lang()
        self.app.push_screen(PracticeMenu(self.person, lang, "dialogue"),
                             lambda choice: self._start_dialogue(lang, choice) if choice else None)

    @reported
    def _start_dialogue(self, lang: str, choice: str) -> None:
        from phrasebook.tui.screens.dialogue import DialogueScreen

        self.app.push_screen(DialogueScreen(self.person, scenario=choice.removeprefix("scenario:"), lang=lang))

    def action_exams(self) -> None:
        from phrasebook.tui.screens.exam_list import ExamListScreen

        self.app.push_screen(ExamListScreen(self.person))

    def action_languages(self) -> None:
        from phrasebook.tui.screens.languages import LanguagesScreen

        self.app.push_screen(LanguagesScreen(self.person))

    def action_help(self) -> None:
        from phrasebook.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))
