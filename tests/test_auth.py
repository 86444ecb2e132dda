"""PIN hashing, throttling and lock-out on a fake clock, the first-run path, and the role rules."""

from __future__ import annotations

import pytest

from phrasebook import auth
from phrasebook.auth import (
    can_add_people,
    can_create_cohort,
    can_manage_cohort,
    can_manage_person,
    can_view_person,
    can_view_reports,
    create_first_coordinator,
    first_login,
    hash_secret,
    login,
    must_choose_pin,
    needs_first_coordinator,
    reset_pin,
    set_pin,
    verify_secret,
    visible_people,
)
from phrasebook.cohorts import create_cohort, enrol, withdraw
from phrasebook.errors import PhrasebookError
from phrasebook.people import create_person, get_person


def test_hash_is_salted_slow_and_self_describing():
    a, b = hash_secret("2468"), hash_secret("2468")
    assert a != b and "2468" not in a
    scheme, n, r, p, _salt, _key = a.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert verify_secret("2468", a) and not verify_secret("2469", a)
    assert verify_secret("２４６８", a)  # full-width digits typed through an IME
    cheap = hash_secret("2468", n=2**10)  # parameters travel with the hash
    assert verify_secret("2468", cheap)
    for broken in (None, "", "plain", "scrypt$x$8$1$AA$AA", "md5$1$2$3$4$5"):
        assert not verify_secret("2468", broken)


def test_pin_is_never_stored_as_typed(db_path, clock):
    from phrasebook.store import open_store

    store = open_store(db_path)
    person = create_person(store, name="李娜", staff_no="T1", role="trainer", secret="135790", now=clock())
    assert person.has_pin
    stored = store.value("SELECT secret FROM people WHERE id = ?", (person.id,))
    assert stored.startswith("scrypt$") and "135790" not in stored
    with pytest.raises(PhrasebookError) as err:
        set_pin(store, person, "12")
    assert err.value.key == "auth.pin_short" and "至少 4 位" in err.value.message()


def test_wrong_pins_count_down_then_lock_and_the_lock_grows(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1", secret="1234", now=clock())
    messages = []
    for _ in range(4):
        with pytest.raises(PhrasebookError) as err:
            login(mini_store, "C1", "0000", now=clock())
        messages.append(err.value.message())
    assert messages == [f"密码不正确，还可以再试 {n} 次" for n in (4, 3, 2, 1)]
    with pytest.raises(PhrasebookError) as err:
        login(mini_store, "C1", "0000", now=clock())
    assert err.value.key == "auth.locked_now" and err.value.params["minutes"] == 15
    # While locked even the right PIN is refused, and the message says until when.
    clock.advance(minutes=14)
    with pytest.raises(PhrasebookError) as err:
        login(mini_store, "C1", "1234", now=clock())
    assert err.value.key == "auth.locked" and err.value.params["until"] in err.value.message()
    # After the lock, five more failures lock for twice as long.
    clock.advance(minutes=2)
    for _ in range(5):
        with pytest.raises(PhrasebookError) as err:
            login(mini_store, "C1", "9999", now=clock())
    assert err.value.key == "auth.locked_now" and err.value.params["minutes"] == 30
    clock.advance(minutes=31)
    assert login(mini_store, "C1", "1234", now=clock()).id == person.id
    # Success resets everything: the next lock is 15 minutes again.
    row = mini_store.row("SELECT failed_logins, lockouts, locked_until, last_login_at FROM people WHERE id = ?",
                         (person.id,))
    assert tuple(row)[:3] == (0, 0, None) and row["last_login_at"]


def test_lock_length_is_capped():
    assert auth.lock_length(1).total_seconds() == 15 * 60
    assert auth.lock_length(3).total_seconds() == 60 * 60
    assert auth.lock_length(40) == auth.MAX_LOCK


def test_new_pin_lifts_a_lock(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1", secret="1234", now=clock())
    for _ in range(5):
        with pytest.raises(PhrasebookError):
            login(mini_store, "C1", "0000", now=clock())
    set_pin(mini_store, person, "5678")
    assert login(mini_store, "C1", "5678", now=clock()).id == person.id


def test_who_needs_a_pin(mini_store, clock):
    trainee = create_person(mini_store, name="王芳", staff_no="C1", now=clock())
    trainer = create_person(mini_store, name="李娜", staff_no="T1", role="trainer", now=clock())
    assert must_choose_pin(trainee) and not must_choose_pin(trainer)
    with pytest.raises(PhrasebookError) as err:  # nobody opens a trainee's progress by picking them from the list
        login(mini_store, "C1", "", now=clock())
    assert err.value.key == "auth.choose_pin"
    with pytest.raises(PhrasebookError) as err:
        login(mini_store, "T1", "", now=clock())
    assert err.value.key == "auth.no_pin" and "set-pin T1" in err.value.message()
    with pytest.raises(PhrasebookError) as err:
        login(mini_store, "NOBODY", "1234", now=clock())
    assert err.value.key == "auth.unknown"


def test_a_trainee_chooses_a_pin_once_and_a_trainer_can_reset_it(mini_store, clock):
    now = clock()
    li = create_person(mini_store, name="李娜", staff_no="T1", role="trainer", secret="t1t1", now=now)
    other = create_person(mini_store, name="周强", staff_no="T2", role="trainer", secret="t2t2", now=now)
    wang = create_person(mini_store, name="王芳", staff_no="C1", now=now)
    cohort = create_cohort(mini_store, name="第12期", starts_on="2026-11-23", ends_on="2026-12-31", trainer=li, now=now)
    enrol(mini_store, cohort, [wang], now=now)
    with pytest.raises(PhrasebookError) as err:
        first_login(mini_store, wang, "12", now=now)
    assert err.value.key == "auth.pin_short" and not get_person(mini_store, wang.id).has_pin
    me = first_login(mini_store, wang, "2468", now=now)
    assert me.id == wang.id and me.has_pin and not must_choose_pin(me)
    with pytest.raises(PhrasebookError) as err:  # a second claimant (another terminal, same stale list) is refused
        first_login(mini_store, wang, "1357", now=now)
    assert err.value.key == "auth.pin_already_set" and "C1" in err.value.message()
    assert login(mini_store, "C1", "2468", now=now).id == wang.id
    with pytest.raises(PhrasebookError) as err:  # only her cohort's trainer (or a coordinator) resets her PIN
        reset_pin(mini_store, wang, by=other)
    assert err.value.key == "auth.denied"
    with pytest.raises(PhrasebookError) as err:  # staff cannot be left without a PIN: they get a new one instead
        reset_pin(mini_store, other)
    assert err.value.key == "auth.reset_staff" and get_person(mini_store, other.id).has_pin
    reset = reset_pin(mini_store, wang, by=li)
    assert not reset.has_pin and must_choose_pin(reset)
    with pytest.raises(PhrasebookError) as err:
        login(mini_store, "C1", "2468", now=now)
    assert err.value.key == "auth.choose_pin"
    assert first_login(mini_store, reset, "8642", now=now).has_pin


def test_first_run_creates_one_coordinator(mini_store, clock):
    assert needs_first_coordinator(mini_store)
    boss = create_first_coordinator(mini_store, name="赵主任", staff_no="K1", secret="k1k1k1", now=clock())
    assert boss.role == "coordinator" and boss.has_pin and not needs_first_coordinator(mini_store)
    with pytest.raises(PhrasebookError) as err:
        create_first_coordinator(mini_store, name="冒充", staff_no="K2", secret="k2k2k2", now=clock())
    assert err.value.key == "auth.already_set_up"
    assert login(mini_store, "K1", "k1k1k1", now=clock()).id == boss.id


def test_role_rules(mini_store, clock):
    now = clock()
    boss = create_person(mini_store, name="赵主任", staff_no="K1", role="coordinator", now=now)
    li = create_person(mini_store, name="李娜", staff_no="T1", role="trainer", now=now)
    zhou = create_person(mini_store, name="周强", staff_no="T2", role="trainer", now=now)
    wang = create_person(mini_store, name="王芳", staff_no="C1", now=now)
    chen = create_person(mini_store, name="陈明", staff_no="C2", now=now)
    mine = create_cohort(mini_store, name="第12期", starts_on="2026-11-23", ends_on="2026-12-31", trainer=li, now=now)
    enrol(mini_store, mine, [wang], now=now)

    # A trainee sees only themself, and none of the trainer functions.
    assert can_view_person(mini_store, wang, wang) and not can_view_person(mini_store, wang, chen)
    assert not can_view_person(mini_store, wang, li)
    assert not (can_add_people(wang) or can_create_cohort(wang) or can_view_reports(wang))
    assert not can_manage_cohort(wang, mine) and visible_people(mini_store, wang) == {wang.id}
    # A trainer: their own cohort and its trainees, not another trainer's.
    assert can_view_person(mini_store, li, wang) and not can_view_person(mini_store, li, chen)
    assert can_manage_person(mini_store, li, wang) and not can_manage_person(mini_store, li, zhou)
    assert can_manage_cohort(li, mine) and not can_manage_cohort(zhou, mine)
    assert visible_people(mini_store, li) == {li.id, wang.id}
    # A coordinator reads and manages everything.
    assert can_view_person(mini_store, boss, chen) and can_manage_cohort(boss, mine)
    assert visible_people(mini_store, boss) is None
    # Withdrawal ends the trainer's view.
    withdraw(mini_store, mine, wang, now=now)
    assert not can_view_person(mini_store, li, get_person(mini_store, wang.id))


def test_someone_who_left_cannot_log_in(mini_store, clock):
    from phrasebook.people import set_active

    person = create_person(mini_store, name="王芳", staff_no="C1", secret="1234", now=clock())
    set_active(mini_store, person, False)
    with pytest.raises(PhrasebookError) as err:
        login(mini_store, "C1", "1234", now=clock())
    assert err.value.key == "auth.unknown"
