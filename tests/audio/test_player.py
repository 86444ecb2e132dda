"""Playback through real players (aplay, mpg123) on this machine, which, like a server, has no sound card."""

from __future__ import annotations

import subprocess

import pytest

from phrasebook.audio import player as player_mod
from phrasebook.audio.player import Player, find_player, judge, sound_device

# What ffplay prints when it cannot open a device, before exiting 0.
FFPLAY_NO_DEVICE = ("SDL_OpenAudio (2 channels, 44100 Hz): ALSA: Couldn't open audio device: No such file or "
                    "directory\nNo more combinations to try, audio open failed\n")


@pytest.fixture
def clip(tmp_path, espeak):
    path = tmp_path / "clip.wav"
    subprocess.run([espeak, "-w", str(path), "Window three, please."], check=True)
    return path


@pytest.fixture
def headless():
    if sound_device():
        pytest.skip("this machine has a sound device; these tests are about machines without one")


def test_plays_through_aplay_to_the_null_device(clip, monkeypatch, capfd):
    from tests.audio.conftest import need_binary

    monkeypatch.setenv(player_mod.ENV_PLAYER, f"{need_binary('aplay')} -q -D null")
    assert Player().play(clip).ok
    assert capfd.readouterr().err == ""


def test_a_failing_player_is_reported_and_its_noise_kept_off_the_screen(clip, monkeypatch, capfd, headless):
    from tests.audio.conftest import need_binary

    monkeypatch.setenv(player_mod.ENV_PLAYER, need_binary("aplay"))  # no card: ALSA errors, exit 1
    result = Player().play(clip)
    assert not result.ok and result.reason == "failed"
    assert "audio open error" in result.detail or "No such file" in result.detail
    assert capfd.readouterr().err == ""  # ALSA's lines went to us, not to the terminal


def test_a_player_that_hangs_without_a_device_is_killed(clip, monkeypatch, headless):
    from tests.audio.conftest import need_binary

    monkeypatch.setenv(player_mod.ENV_PLAYER, f"{need_binary('mpg123')} -q")  # spins forever with no device
    monkeypatch.setattr(player_mod, "DEADLINE_SLACK", 0.5)
    result = Player().play(clip)
    assert not result.ok and result.reason == "timeout"


def test_no_sound_device_means_no_player_is_started(clip, monkeypatch, headless):
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    result = Player().play(clip)
    assert (result.ok, result.reason) == (False, "no_player" if find_player(clip) is None else "no_device")


def test_no_player_installed(clip, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_player(clip) is None
    assert Player().play(clip).reason == "no_player"


def test_players_that_exit_0_on_failure_are_not_believed():
    assert not judge(["/usr/bin/ffplay", "-nodisp"], 0, FFPLAY_NO_DEVICE)
    assert judge(["/usr/bin/ffplay", "-nodisp"], 0, "")
    assert not judge(["aplay"], 1, "")
    assert judge(["mpv"], 0, "")


def test_formats_pick_a_player_that_can_play_them(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("aplay", "mpg123"):
        (bin_dir / name).symlink_to(subprocess.run(["which", "true"], capture_output=True, text=True,
                                                   check=True).stdout.strip())
    monkeypatch.setenv("PATH", str(bin_dir))
    assert find_player(tmp_path / "a.mp3")[0].endswith("mpg123")  # aplay cannot play MP3
    assert find_player(tmp_path / "a.wav")[0].endswith("mpg123")  # first in preference order
