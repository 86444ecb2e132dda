"""Each practice mode end to end in the real app (Pilot) on a real SQLite file: typed, multiple choice,
listening (with its fallback), switching modes mid-session, extra practice and a dialogue role-play."""

from __future__ import annotations

from textual.widgets import Static

from phrasebook.audio import speak_offline
from phrasebook.audio.speech import Utterance
from phrasebook.doctor import check
from phrasebook.people import create_person
from phrasebook.scheduler import EASY, REVIEW
from phrasebook.session import DrillSession, card_state
from phrasebook.store import cards as q
from phrasebook.store import open_store
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.dialogue import DialogueScreen, DialogueSummaryScreen
from phrasebook.tui.screens.drill import DrillScreen
from phrasebook.tui.screens.home import HomeScreen
from phrasebook.tui.screens.practice_menu import PracticeMenu
from phrasebook.tui.screens.summary import SummaryScreen
from tests.audio.conftest import need_binary
from tests.tui.test_audio import played, settle  # noqa: F401  (fixture)

SIZE = (110, 36)


def studied(store, clock, days: float = 30):
    """A trainee who learnt every mini card (Easy: straight to review), then `days` later."""
    person = create_person(store, name="王芳", staff_no="C1")
    s = DrillSession(store, person, clock=clock)
    while (p := s.next()) is not None:
        s.answer(p, EASY)
    s.finish()
    clock.advance(days=days)
    return person


def text(app, selector: str) -> str:
    """What a widget shows; for a container (the options), the texts of its rows on screen."""
    widget = app.screen.query_one(selector)
    shown = [w for w in widget.query(Static) if w.parent.display] or [widget]
    return " ".join(str(w.render()) for w in shown)


async def answer_any(pilot, drill) -> None:
    """Answer the current card rightly in whatever mode it is asked, and grade it Good."""
    if drill.mode == "typed":
        drill.query_one("#typed-input").value = drill.prompt.text  # typing itself is tested once, below
        await pilot.press("enter")
    elif drill.mode == "self":
        await pilot.press("space")
    else:
        await pilot.press(str(drill.choice.correct + 1))
    await pilot.press("3")


def doctor_agrees(db_path) -> bool:
    """`phrasebook doctor`: every card's state equals the replay of its log (the app has closed its store)."""
    store = open_store(db_path)
    try:
        report = check(store)
        return report.ok and not report.mismatched and report.cards_checked > 0
    finally:
        store.close()


async def drill_at(app, pilot, clock, direction: str) -> DrillScreen:
    """A studied trainee's drill, answered on until a card of `direction` (produce: a clerk line) is shown."""
    await app.push_screen(DrillScreen(studied(app.store, clock)))
    await pilot.pause()
    drill = app.screen
    while drill.prompt.direction != direction:
        await answer_any(pilot, drill)
    return drill


def last_review(store):
    return store.row("SELECT mode, rating, card_id FROM reviews ORDER BY id DESC LIMIT 1")


async def test_typed_choice_and_listening_fallback_with_mode_switches(db_path, mini_decks, clock, played):  # noqa: F811
    """(`played`: a machine that can play sound, so a missing clip is what keeps listening from being heard.)"""
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = studied(app.store, clock)
        await app.push_screen(DrillScreen(person))
        await pilot.pause()
        drill = app.screen
        p = drill.prompt
        while p.direction != "produce":  # reviews come by due time: skip to a clerk line
            await answer_any(pilot, drill)
            p = drill.prompt
        assert p.card.state == REVIEW and drill.mode == "typed"  # English produce reviews are typed
        assert "输入作答" in text(app, "#status") and app.focused is app.screen.query_one("#typed-input")
        words = p.text.split()
        words[-1] = words[-1][:-2] + words[-1][-1] + words[-1][-2]  # swap two letters of the last word
        await pilot.press(*" ".join(words))
        await pilot.press("enter")
        assert drill.score.outcome == "almost" and drill.proposed == 2
        assert "差一点" in text(app, "#typed-verdict") and words[-1] in text(app, "#typed-diff")
        assert "▶ 2 困难" in str(app.screen.query_one("#grade-2").label)
        await pilot.press("enter")  # takes the proposed grade
        assert tuple(last_review(app.store))[:3] == ("typed", 2, p.card_id)

        # m cycles typed → choice for the rest of the session (F3 while the input has the keys)
        while drill.prompt.direction != "produce":
            await answer_any(pilot, drill)
        await pilot.press("f3")
        assert drill.mode == "choice" and drill.preferred["produce"] == "choice"
        p, choice = drill.prompt, drill.choice
        assert len(choice.options) == 4 and choice.options[choice.correct] == p.text
        wrong = next(i for i in range(4) if i != choice.correct)
        await pilot.press(str(wrong + 1))
        assert drill.proposed == 1 and "✗" in text(app, "#choices") and "✓" in text(app, "#choices")
        await pilot.press("r")  # "I was right" overrides the proposal with Good
        assert tuple(last_review(app.store))[:3] == ("choice", 3, p.card_id)

        # a recognise card: no audio here, so listening is not the default; chosen with m, it shows the text
        while drill.prompt is not None and drill.prompt.direction != "recognise":
            await answer_any(pilot, drill)
        assert drill.prompt is not None and drill.mode == "choice"
        await pilot.press("m", "m")  # choice → self → listening
        assert drill.mode == "listening" and drill.blocked == "missing"
        assert "还没有录音" in text(app, "#ask") and drill.prompt.text in text(app, "#prompt")
        await pilot.press(str(drill.choice.correct + 1), "enter")
        assert last_review(app.store)["mode"] == "choice"  # the text was seen: logged as what it was
    assert doctor_agrees(db_path)


async def test_listening_hides_the_text_and_plays_the_clip(db_path, mini_decks, clock, played):  # noqa: F811
    need_binary("espeak-ng")
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = studied(app.store, clock)
        for row in app.store.rows("SELECT t.text FROM translations t JOIN phrases p ON p.pk = t.phrase_pk "
                                  "WHERE p.speaker = 'applicant' AND t.lang = 'en'"):
            speak_offline(Utterance("en", row[0]), app.audio.cache)
        await app.push_screen(DrillScreen(person))
        await pilot.pause()
        drill = app.screen
        while drill.prompt.direction != "recognise":
            await answer_any(pilot, drill)
        p = drill.prompt
        assert drill.mode == "listening" and drill.blocked is None
        assert p.text not in text(app, "#prompt") and "请听录音" in text(app, "#prompt")
        await settle(app, pilot)
        assert [f.name for f in played.iterdir()] == [app.audio.cache.find(Utterance("en", p.text)).name]
        assert drill.choice.options[drill.choice.correct] == p.zh  # the meaning, in Chinese
        await pilot.press(str(drill.choice.correct + 1))
        assert p.text in text(app, "#prompt") and drill.proposed == 3  # revealed once answered
        await pilot.press("enter")
        assert last_review(app.store)["mode"] == "listening"


async def test_extra_practice_from_home_leaves_the_schedule_alone(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = studied(app.store, clock, days=1)  # nothing due yet
        before = [tuple(r) for r in app.store.rows("SELECT * FROM cards ORDER BY id")]
        await app.push_screen(HomeScreen(person))
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, PracticeMenu)
        await pilot.press("enter")  # the weakest cards
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen) and "加练：还剩" in text(app, "#status")
        for _ in range(3):
            if drill.mode == "typed":
                drill.query_one("#typed-input").value = drill.prompt.text
                await pilot.press("enter")
            elif drill.mode == "self":
                await pilot.press("space")
            else:
                await pilot.press(str(drill.choice.correct + 1))
            assert "不改变复习安排" in text(app, "#grade-hint")
            assert "天" not in str(app.screen.query_one("#grade-4").label)  # no interval: nothing moves
            await pilot.press("4")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.screen.summary.extra == 3
        modes = [r[0] for r in app.store.rows("SELECT mode FROM reviews WHERE mode LIKE 'extra%'")]
        assert len(modes) == 3
        assert [tuple(r) for r in app.store.rows("SELECT * FROM cards ORDER BY id")] == before
    assert doctor_agrees(db_path)


async def test_dialogue_from_home_scores_each_reply_and_feeds_fsrs(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = studied(app.store, clock)  # its lines learnt: replies are typed (new lines: test below)
        await app.push_screen(HomeScreen(person))
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, PracticeMenu)
        menu.dismiss("scenario:identity")  # mini deck: a clerk line, then the applicant's answer
        await pilot.pause()
        dialogue = app.screen
        assert isinstance(dialogue, DialogueScreen) and dialogue.typed
        line = dialogue.session.current
        assert line.speaker == "clerk" and line.zh in text(app, "#prompt")
        dialogue.query_one("#typed-input").value = "May I see your pasport, please"
        await pilot.press("enter")
        assert dialogue.score.outcome == "almost"
        await pilot.press("enter")
        assert card_state(q.card(app.store, line.card_id)).state != 0
        applicant = dialogue.session.current
        assert applicant.speaker == "applicant" and applicant.text in text(app, "#prompt")
        assert "您：May I see your passport, please?" in text(app, "#transcript")
        await pilot.press("space")
        assert applicant.zh in text(app, "#answer")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DialogueSummaryScreen)
        assert app.screen.result.percent == 50
        rows = app.store.rows("SELECT mode, rating FROM reviews WHERE session_id = ?", (dialogue.session.session_id,))
        assert [tuple(r) for r in rows] == [("dialogue", 2)]
    assert doctor_agrees(db_path)


async def open_dialogue(app, pilot, person, scenario: str = "identity") -> DialogueScreen:
    await app.push_screen(HomeScreen(person))
    await pilot.pause()
    await pilot.press("d")
    await pilot.pause()
    app.screen.dismiss(f"scenario:{scenario}")
    await pilot.pause()
    assert isinstance(app.screen, DialogueScreen)
    return app.screen


async def test_a_new_dialogue_line_is_shown_first_and_self_graded_within_the_new_limit(db_path, mini_decks, clock):
    from phrasebook.people import StudySettings

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        person = create_person(app.store, name="王芳", staff_no="C1", settings=StudySettings(new_per_day=1))
        dialogue = await open_dialogue(app, pilot, person)
        line = dialogue.session.current
        assert line.speaker == "clerk" and not dialogue.typed  # English, but new: seen first, as in the drill
        assert "新句" in text(app, "#who") and "按空格" in text(app, "#answer")
        await pilot.press("space")
        assert line.text in text(app, "#answer")
        await pilot.press("3")
        await pilot.press("enter")  # the applicant's line
        await pilot.pause()
        assert isinstance(app.screen, DialogueSummaryScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert card_state(q.card(app.store, line.card_id)).state != 0
        # the day's one new card is used: the next dialogue's new clerk line is only shown, not asked
        dialogue = await open_dialogue(app, pilot, person, "fees")
        fees = dialogue.session.current
        assert fees.speaker == "clerk" and fees.text in text(app, "#answer") and "新卡已达上限" in text(app, "#who")
        await pilot.press("1")  # no grading here
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DialogueSummaryScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "这次没有作答" in shown and "另有 1 句新句" in shown
        assert card_state(q.card(app.store, fees.card_id)).state == 0
        modes = [r[0] for r in app.store.rows("SELECT mode FROM reviews")]
        assert modes == ["dialogue"]
    assert doctor_agrees(db_path)


async def test_undo_play_and_help_are_in_reach_while_typing(db_path, mini_decks, clock, played):  # noqa: F811
    """In the answer box u/p/? are letters: Ctrl+Z undoes, F4 plays, F1 helps — and the key bar says so."""
    from phrasebook.tui.audio import OfferScreen
    from phrasebook.tui.screens.help import HelpScreen

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=(100, 36)) as pilot:
        drill = await drill_at(app, pilot, clock, "produce")
        await answer_any(pilot, drill)  # one typed answer graded…
        while drill.prompt.direction != "produce":
            await answer_any(pilot, drill)
        graded = drill.session.summary.answered
        box = drill.query_one("#typed-input")
        assert drill.mode == "typed" and app.focused is box
        keys = text(app, "#keys")
        assert all(k in keys for k in ("Ctrl+Z", "撤销上一题", "F4", "播放录音", "F1", "帮助")), keys
        await pilot.press("u", "p", "question_mark")
        assert box.value == "up?"  # letters in the box, as they should be
        await pilot.press("f4")  # the Chinese line (never the answer); no clip here, so it offers to make one
        await pilot.pause()
        assert isinstance(app.screen, OfferScreen) and app.screen.lang == "zh"
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Ctrl+Z" in shown and "F4" in shown and "F1" in shown
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is drill and box.value == "up?"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert drill.session.summary.answered == graded - 1 and box.value == ""


async def test_switching_modes_keeps_the_cards_options(db_path, mini_decks, clock):
    """Cycling `m` must not re-draw the options: the one option that never changed would be the answer."""
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        drill = await drill_at(app, pilot, clock, "recognise")
        assert drill.mode == "choice"
        first = drill.choice.options
        seen = []
        for _ in range(3):  # choice → self → listening → choice, a minute apart
            clock.advance(minutes=1)
            await pilot.press("m")
            await pilot.pause()
            if drill.choice is not None:
                seen.append(drill.choice.options)
        assert drill.mode == "choice" and seen and all(options == first for options in seen), (first, seen)


async def test_dialogue_key_bar_fits_and_offers_only_what_works_now(db_path, mini_decks, clock):
    """At 100 columns the bar ends with Esc and its label; grading keys only once a reply is answered."""
    from rich.cells import cell_len

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=(100, 36)) as pilot:
        person = studied(app.store, clock)  # learnt lines are typed (a new one is self-graded first)
        await app.push_screen(HomeScreen(person))
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        app.screen.dismiss("scenario:identity")  # a clerk line, then the applicant's answer
        await pilot.pause()
        dialogue = app.screen

        def bar() -> str:
            shown = text(app, "#keys")
            assert cell_len(shown) <= 100 and shown.rstrip().endswith("结束练习"), shown
            return shown

        asking = bar()  # typing the reply: F-keys, no grades
        assert "F3" in asking and "F4" in asking and "F1" in asking and "1-4" not in asking
        dialogue.query_one("#typed-input").value = "May I see your passport, please?"
        await pilot.press("enter")
        answered = bar()
        assert "1-4" in answered and " r " in answered
        await pilot.press("enter")
        applicant = bar()
        assert dialogue.session.current.speaker == "applicant"
        assert "1-4" not in applicant and " r " not in applicant and "显示意思" in applicant


async def test_keys_typed_fast_into_the_answer_box_keep_their_order(db_path, mini_decks, clock, played):  # noqa: F811
    """A burst (a fast typist, tmux, a paste): Backspace is an Input binding, handled only after the key has
    bubbled up, so letters queued behind it used to be inserted first — "xy⌫ab" gave "xya", not "xab"."""
    from textual import events

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        drill = await drill_at(app, pilot, clock, "produce")
        box = drill.query_one("#typed-input")
        assert drill.mode == "typed" and app.focused is box
        for key in ("x", "y", "z", "backspace", "backspace", "a", "b", "left", "c", "home", "d"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(5):
            await pilot.pause()
        assert box.value == "dxacb"


async def test_keys_typed_ahead_after_submitting_reach_the_grading(db_path, mini_decks, clock, played):  # noqa: F811
    """"zzz⏎⏎": the second Enter (accept the proposed grade) used to land in the hidden answer box and vanish,
    leaving the card on its verdict."""
    from textual import events

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        drill = await drill_at(app, pilot, clock, "produce")
        card = drill.prompt.card_id
        for key in ("z", "z", "z", "enter", "enter"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(5):
            await pilot.pause()
        assert tuple(last_review(app.store)) == ("typed", 1, card)  # wrong → Again, accepted by the second Enter
        assert drill.query_one("#typed-input").value == ""
