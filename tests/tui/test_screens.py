"""Smaller screen behaviours: language switch, help, validation messages, an empty session, study languages."""

from __future__ import annotations

from phrasebook import i18n
from phrasebook.people import create_person
from phrasebook.store import people as settings_q
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.help import HelpScreen
from phrasebook.tui.screens.home import HomeScreen
from phrasebook.tui.screens.languages import LanguagesScreen
from phrasebook.tui.screens.summary import SummaryScreen

SIZE = (110, 36)


def text_of(app) -> str:
    return " ".join(str(w.render()) for w in app.screen.query("Static, Label"))


async def test_f2_switches_to_english_and_is_remembered(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "首次使用：创建协调员" in text_of(app)
        await pilot.press("f2")
        await pilot.pause()
        assert "First use: create the coordinator" in text_of(app) and "首次使用" not in text_of(app)
        assert settings_q.setting(app.store, "ui_lang") == "en"
    i18n.set_language("zh-CN")
    app2 = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "First use: create the coordinator" in text_of(app2)
    app3 = make_app(db_path, clock=clock, decks_dir=mini_decks, ui_lang="zh")  # --ui-lang wins
    async with app3.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "首次使用：创建协调员" in text_of(app3)


async def test_bad_staff_number_is_explained_and_nothing_saved(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#name").value = "李娜"
        app.screen.query_one("#staff_no").value = "工号 1"
        await pilot.click("#create")
        await pilot.pause()
        assert "工号“工号 1”格式不对" in str(app.screen.query_one("#error").render())
        assert app.store.value("SELECT count(*) FROM people") == 0
        await pilot.press("escape")  # back to the (empty) list: it says there is nobody yet
        await pilot.pause()
        assert "名单里还没有人员" in text_of(app)


async def test_home_help_languages_and_empty_session(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    create_person(app.store, name="王芳", staff_no="C1", secret="8642")
    create_person(app.store, name="赵敏", staff_no="K1", role="coordinator", secret="2468")  # listed after 王芳
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", *"8642", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#decks").row_count == 1  # mini deck, English only
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LanguagesScreen)
        await pilot.press("down", "space", "escape")  # tick Japanese, save
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#decks").row_count == 2
        assert app.screen.person.settings.languages == ("en", "ja")

        # Learn every card, then a new session has nothing due: it says so instead of an empty card.
        await pilot.press("a")
        await pilot.pause()
        for _ in range(12):
            await pilot.press("space", "4")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.screen.summary.answered == 12
        await pilot.press("enter", "a")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.screen.summary.answered == 0
        assert "现在没有需要练习的卡片" in text_of(app)


async def test_leaving_a_drill_before_answering_says_so_and_what_is_still_due(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    wang = create_person(app.store, name="王芳", staff_no="C1", secret="8642")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(HomeScreen(wang))
        await pilot.pause()
        await pilot.press("a")  # six new cards in the mini deck (English only)
        await pilot.pause()
        await pilot.press("escape")  # at the first card
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.screen.summary.answered == 0
        shown = text_of(app)
        assert "现在没有需要练习" not in shown
        assert "本次没有作答" in shown and "还有待练：学习中 0 · 复习 0 · 新卡 6" in shown
        await pilot.press("enter", "a", "space", "3", "escape")  # one answered: what is left is still said
        await pilot.pause()
        assert app.screen.summary.answered == 1 and "还有待练：学习中 0 · 复习 0 · 新卡 5" in text_of(app)


async def test_a_bad_deck_does_not_stop_the_app_it_is_reported(db_path, mini_decks, clock):
    """A deck in decks/ whose version is past SQLite's integers: the app would not start (OverflowError) for
    anyone. Now it starts, says which file and field, and the other decks load."""
    good = (mini_decks / "mini.toml").read_text(encoding="utf-8")
    (mini_decks / "other.toml").write_text(good.replace('id = "mini"', 'id = "other"', 1), encoding="utf-8")
    (mini_decks / "mini.toml").write_text(good.replace("version = 1", f"version = {2**63}"), encoding="utf-8")
    (mini_decks / "x.toml").write_text(good[: good.index("[[phrases]]")].replace('"mini"', '"x"'), encoding="utf-8")
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "首次使用：创建协调员" in text_of(app)
        [note] = [n.message for n in app._notifications]
        assert "mini.toml 字段 version" in note and "9223372036854775807" in note
        assert "x.toml 字段 phrases: 题库里没有句子（[[phrases]]）" in note
        assert [r["id"] for r in app.store.rows("SELECT id FROM decks")] == ["other"]
