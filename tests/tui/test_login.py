"""Logging in through the real app: the first coordinator, PINs, lock-out, routing by role, and what a trainee
can never open."""

from __future__ import annotations

import pytest

from phrasebook import auth
from phrasebook.errors import PhrasebookError
from phrasebook.people import create_person, find_person
from phrasebook.tui.app import make_app
from phrasebook.tui.screens.dashboard import DashboardScreen
from phrasebook.tui.screens.home import HomeScreen
from phrasebook.tui.screens.login import FirstCoordinatorScreen, LoginScreen, PinScreen

SIZE = (110, 36)


def text_of(screen) -> str:
    return " ".join(str(w.render()) for w in screen.query("Static, Label"))


async def test_first_run_creates_the_coordinator_with_a_pin(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstCoordinatorScreen)
        form = app.screen
        for field, value in (("name", "刘洋"), ("staff_no", "K001"), ("department", "综合窗口"), ("pin", "2468"),
                             ("pin2", "2469")):
            form.query_one(f"#{field}").value = value
        form.query_one("#pin2").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "两次输入的密码不一致" in str(form.query_one("#error").render())
        assert auth.needs_first_coordinator(app.store)
        form.query_one("#pin2").value = "2468"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.viewer.role == "coordinator" and app.screen.viewer.has_pin
        assert not auth.needs_first_coordinator(app.store)
        assert "刘洋（协调员），您好！" in text_of(app.screen)
        await pilot.press("escape")  # log out: the list now holds the coordinator; no set-up form again
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#people").option_count == 1


@pytest.fixture
def staffed(db_path, mini_decks, clock):
    """A coordinator with a PIN and a trainee without one."""
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    create_person(app.store, name="刘洋", staff_no="K1", role="coordinator", secret="2468")
    create_person(app.store, name="王芳", staff_no="C1")
    return app


async def test_pin_login_wrong_pin_and_lock_out(staffed, clock):
    app = staffed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#staff_no").focus()
        await pilot.press(*"K1", "enter")  # typing the staff number works as well as picking
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        assert app.screen.query_one("#pin").password  # never shown as typed
        await pilot.press(*"1111", "enter")
        await pilot.pause()
        assert "密码不正确，还可以再试 4 次" in str(app.screen.query_one("#error").render())
        assert app.screen.query_one("#pin").value == ""
        for _ in range(3):
            await pilot.press(*"1111", "enter")
        await pilot.pause()
        assert "还可以再试 1 次" in str(app.screen.query_one("#error").render())
        await pilot.press(*"1111", "enter")
        await pilot.pause()
        assert "账号已锁定 15 分钟" in str(app.screen.query_one("#error").render())
        await pilot.press(*"2468", "enter")  # even the right PIN is refused while locked
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        assert "账号已锁定，请于" in str(app.screen.query_one("#error").render())
        clock.advance(minutes=16)
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_new_trainee_chooses_a_pin_then_cannot_reach_staff_screens(staffed, clock):
    app = staffed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#staff_no").focus()
        await pilot.press(*"C1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen) and app.screen.choosing  # no PIN yet: nobody gets in by picking
        assert "首次登录" in text_of(app.screen)
        await pilot.press(*"1357", "enter", *"1375", "enter")  # the two differ: nothing is set
        await pilot.pause()
        assert "两次输入的密码不一致" in text_of(app.screen)
        assert not find_person(app.store, "C1").has_pin
        await pilot.press(*"12", "enter", *"12", "enter")  # too short: the domain's own message
        await pilot.pause()
        assert "至少 4 位" in text_of(app.screen) and not find_person(app.store, "C1").has_pin
        await pilot.press(*"1357", "enter", *"1357", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.screen.person.staff_no == "C1"
        assert auth.login(app.store, "C1", "1357", now=clock()).staff_no == "C1"
        for key in ("h", "n", "c", "d"):  # no key on the trainee's home leads to a staff screen
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, DashboardScreen)
        trainee = find_person(app.store, "C1")
        with pytest.raises(PhrasebookError):
            DashboardScreen(trainee)  # enforced in code, not only by hiding keys


async def test_unknown_staff_number_is_explained(staffed):
    app = staffed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#staff_no").focus()
        await pilot.press(*"X9", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert "找不到工号 X9" in str(app.screen.query_one("#error").render())


async def test_a_full_width_staff_number_finds_the_person(staffed):
    """Typed through a Chinese IME, Ｃ１ is C1 (the same normalisation as the PIN check)."""
    app = staffed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#staff_no").value = "Ｃ１"
        await app.screen.query_one("#staff_no").action_submit()
        await pilot.pause()
        assert isinstance(app.screen, PinScreen) and app.screen.person.staff_no == "C1"


def type_ahead(app, keys: str) -> None:
    """Keys as a terminal delivers a fast typist, a paste or tmux: all queued before the app handles the first."""
    from textual import events

    for ch in keys:
        key = "enter" if ch == "\r" else ch
        app.post_message(events.Key(key, None if ch == "\r" else ch))


async def test_keys_typed_ahead_follow_the_field_they_were_meant_for(staffed, clock):
    app = staffed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#staff_no").focus()
        await pilot.press(*"C1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen) and app.screen.choosing
        type_ahead(app, "2468\r2468\r")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen), text_of(app.screen)
        assert auth.login(app.store, "C1", "2468", now=clock()).staff_no == "C1"


async def test_first_run_form_typed_ahead(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstCoordinatorScreen)
        type_ahead(app, "Liu\rK001\rdesk\r2468\r2468\r")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, DashboardScreen), text_of(app.screen)
        assert auth.login(app.store, "K001", "2468", now=clock()).name == "Liu"
