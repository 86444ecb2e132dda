"""Audio in the drill (Pilot, real database, real espeak-ng): autoplay, replay, making missing audio on the
spot, one notice when there is no sound, and the browser path. The "player" is `cp`, a real program that
leaves the played file where the test can see it."""

from __future__ import annotations

import asyncio

import pytest

from phrasebook import paths
from phrasebook.audio import default_cache, speak_offline
from phrasebook.audio.player import ENV_PLAYER, sound_device
from phrasebook.audio.speech import Utterance
from phrasebook.people import create_person, get_person
from phrasebook.tui.app import PhrasebookApp, make_app
from phrasebook.tui.audio import OfferScreen
from phrasebook.tui.screens.drill import DrillScreen
from tests.audio.conftest import need_binary

SIZE = (110, 36)


@pytest.fixture
def played(tmp_path, monkeypatch):
    folder = tmp_path / "played"
    folder.mkdir()
    monkeypatch.setenv(ENV_PLAYER, f"cp -t {folder}")
    return folder


async def settle(app, pilot) -> None:
    for _ in range(50):
        await pilot.pause()
        if not [w for w in app.workers if w.is_running]:
            return
        await asyncio.sleep(0.02)


async def start_drill(app, pilot) -> DrillScreen:
    person = create_person(app.store, name="王芳", staff_no="C1")
    await pilot.pause()
    await app.push_screen(DrillScreen(person))
    await pilot.pause()
    return app.screen


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_reveal_autoplays_and_p_replays(db_path, mini_decks, clock, played):
    need_binary("espeak-ng")
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        drill = await start_drill(app, pilot)
        p = drill.prompt
        assert p.direction == "produce"
        foreign = speak_offline(Utterance(p.lang, p.text))
        chinese = speak_offline(Utterance("zh", p.zh, p.pinyin))
        await pilot.press("p")  # before the answer is shown, p says the Chinese line, never the answer
        await settle(app, pilot)
        assert [f.name for f in played.iterdir()] == [chinese.name]
        await pilot.press("space")  # reveal: the foreign phrase plays by itself
        await settle(app, pilot)
        assert sorted(f.name for f in played.iterdir()) == sorted([chinese.name, foreign.name])
        (played / foreign.name).unlink()
        await pilot.press("p")
        await settle(app, pilot)
        assert (played / foreign.name).exists()


async def test_missing_audio_is_offered_and_made_with_the_offline_voice(db_path, mini_decks, clock, played):
    need_binary("espeak-ng")
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        drill = await start_drill(app, pilot)
        await pilot.press("space")  # autoplay finds nothing: a quiet hint, no dialog
        await settle(app, pilot)
        assert notices(app).count("此句没有音频；按 p 可现场生成。") == 1
        assert not isinstance(app.screen, OfferScreen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, OfferScreen)
        await pilot.press("y")
        await settle(app, pilot)
        await settle(app, pilot)
        p = drill.prompt
        made = default_cache().find(Utterance(p.lang, p.text))
        assert made is not None and made.suffix == ".wav"
        assert (played / made.name).exists()
        await pilot.press("3", "space")  # next card, also without audio: the hint is not repeated
        await settle(app, pilot)
        assert notices(app).count("此句没有音频；按 p 可现场生成。") == 1


async def test_declining_the_offer_makes_nothing(db_path, mini_decks, clock, played):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        await start_drill(app, pilot)
        await pilot.press("space", "p")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DrillScreen)
        assert not list(paths.audio_dir().rglob("*.wav")) and not list(played.iterdir())


async def test_no_sound_device_is_said_once_and_the_drill_goes_on(db_path, mini_decks, clock):
    need_binary("espeak-ng")
    if sound_device():
        pytest.skip("this machine has a sound device")
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        drill = await start_drill(app, pilot)
        p = drill.prompt
        speak_offline(Utterance(p.lang, p.text))
        await pilot.press("space")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        said = [n for n in notices(app) if "声音设备" in n or "播放器" in n]
        assert len(said) == 1
        await pilot.press("3")
        await pilot.pause()
        assert drill.session.summary.answered == 1


async def test_a_toggles_autoplay_and_it_is_remembered(db_path, mini_decks, clock, played):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=SIZE) as pilot:
        drill = await start_drill(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert get_person(app.store, drill.person.id).settings.autoplay is False
        assert "已关闭自动播放" in notices(app)
        await pilot.press("space")
        await settle(app, pilot)
        assert "此句没有音频；按 p 可现场生成。" not in notices(app)  # autoplay off: not even looked for


class BrowserApp(PhrasebookApp):
    """The app as textual-serve runs it (`is_web`). What it hands to Textual's delivery is recorded: Textual's
    own terminal-side delivery (the headless driver) writes binary files in text mode and cannot stand in."""

    delivered: list

    @property
    def is_web(self) -> bool:
        return True

    def deliver_binary(self, path_or_file, **options):
        self.delivered.append((path_or_file, options))
        return "key"


async def test_in_a_browser_audio_goes_to_the_browser(db_path, mini_decks, clock, played):
    need_binary("espeak-ng")
    base = make_app(db_path, clock=clock, decks_dir=mini_decks)
    app = BrowserApp(base.store, clock=clock)
    app.delivered = []
    async with app.run_test(size=SIZE) as pilot:
        drill = await start_drill(app, pilot)
        p = drill.prompt
        path = speak_offline(Utterance(p.lang, p.text))
        await pilot.press("space")
        await settle(app, pilot)
        assert app.delivered == [(path, {"open_method": "browser", "mime_type": "audio/wav"})]
        assert not list(played.iterdir())  # nothing played on the server's speakers
        assert "音频已在浏览器的新标签页中打开。" in notices(app)
