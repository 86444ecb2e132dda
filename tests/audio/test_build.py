"""`phrasebook audio build|status|prune|play` on a real database and deck folder: the cache does its job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from click.testing import CliRunner

from phrasebook import paths
from phrasebook.audio.cache import valid_audio
from phrasebook.commands import cli

MINI_ITEMS = 6 * 3  # six phrases: the Chinese line, English and Japanese



def audio_files() -> list:
    return sorted(p for p in paths.audio_dir().rglob("*") if p.is_file() and p.name != "manifest.json")


def test_build_then_rebuild_makes_nothing_twice(run, espeak):
    first = run("audio", "build", "--engine", "espeak")
    assert first.exit_code == 0, first.output
    assert "合计：新生成 18，已有 0，失败 0" in first.output
    files = audio_files()
    assert len(files) == MINI_ITEMS and all(valid_audio(p) for p in files)
    stamps = {p: p.stat().st_mtime_ns for p in files}
    second = run("audio", "build")  # auto: an existing file of either engine counts
    assert "合计：新生成 0，已有 18，失败 0" in second.output
    assert {p: p.stat().st_mtime_ns for p in audio_files()} == stamps
    manifest = json.loads((paths.audio_dir() / "manifest.json").read_text())
    assert manifest["mini/mini-002/ja"]["engine"] == "espeak"
    assert (paths.audio_dir() / manifest["mini/mini-002/ja"]["file"]).exists()


def test_editing_one_phrase_remakes_only_that_one_and_prune_drops_the_old(run, espeak, mini_decks):
    run("audio", "build", "--engine", "espeak")
    deck = mini_decks / "mini.toml"
    deck.write_text(deck.read_text().replace("May I see your passport, please?",
                                             "Could I see your passport, please?"))
    again = run("audio", "build", "--engine", "espeak")
    assert "合计：新生成 1，已有 17，失败 0" in again.output
    assert "英语：新生成 1，已有 5，失败 0" in again.output
    assert len(audio_files()) == MINI_ITEMS + 1
    dry = run("audio", "prune", "--dry-run")
    assert "将删除 1 个" in dry.output and len(audio_files()) == MINI_ITEMS + 1
    pruned = run("audio", "prune")
    assert "已删除 1 个" in pruned.output
    assert len(audio_files()) == MINI_ITEMS
    status = run("audio", "status")
    assert "合计 18/18（100%）" in status.output


def test_status_counts_what_is_missing(run, espeak):
    run("audio", "build", "--engine", "espeak", "--lang", "ja")
    out = run("--ui-lang", "en", "audio", "status").output
    assert "Total 6/18 (33%): Google voice 0, offline voice 6" in out
    assert "6/6" in out and "0/6 ·" in out


def test_unknown_deck_is_one_clear_line(run):
    result = run("audio", "build", "--deck", "nope")
    assert result.exit_code == 1
    assert result.output.strip() == "错误：没有编号为“nope”的题库（可用 phrasebook deck list 查看）"


def test_gtts_offline_says_one_sentence_and_fails(run, google_offline):
    result = CliRunner().invoke(cli, ["--ui-lang", "en", "audio", "build", "--engine", "gtts"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.count("phrasebook audio build --engine espeak") == 1
    assert audio_files() == []


def test_auto_falls_back_to_espeak_and_says_so_once(run, google_offline, espeak):
    result = run("audio", "build", "--engine", "auto")
    assert result.exit_code == 0, result.output
    assert result.output.count("改用离线语音引擎 espeak-ng") == 1
    assert "以下语种改用了离线语音（espeak-ng）：中文、英语、日语" in result.output
    assert len(audio_files()) == MINI_ITEMS and all(p.suffix == ".wav" for p in audio_files())


def test_google_audio_is_preferred_and_played_first(run, google, espeak):
    run("audio", "build", "--engine", "espeak", "--lang", "en")
    result = run("audio", "build", "--engine", "gtts", "--lang", "en")
    assert "合计：新生成 6，已有 0，失败 0" in result.output
    manifest = json.loads((paths.audio_dir() / "manifest.json").read_text())
    assert manifest["mini/mini-001/en"]["engine"] == "gtts"


def test_interrupted_build_keeps_whole_files_and_resumes(mini_decks, db_path, espeak):
    """Ctrl+C in the middle of a real build: what was made stays, nothing half-written, a rerun finishes."""
    env = {**os.environ, paths.ENV_DECKS: str(mini_decks), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "phrasebook", "--db", str(db_path), "audio", "build", "--engine", "espeak",
               "--jobs", "1"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while len(audio_files()) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=30)[0].decode()
    made = audio_files()
    assert proc.returncode != 0, output
    assert "Traceback" not in output
    assert 3 <= len(made) < MINI_ITEMS and all(valid_audio(p) for p in made)
    assert not [p for p in paths.audio_dir().rglob("*.part")]
    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert f"合计：新生成 {MINI_ITEMS - len(made)}，已有 {len(made)}，失败 0" in rerun.stdout


def test_without_espeak_ng_one_sentence_says_how_to_install_it(run, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("audio", "build", "--engine", "espeak")
    assert result.exit_code == 1
    assert result.output.count("sudo apt-get install espeak-ng") == 1 and "失败：" not in result.output
    assert audio_files() == []


def test_play_one_phrase_from_the_cli(run, espeak, monkeypatch, tmp_path):
    missing = run("audio", "play", "mini/mini-002", "--lang", "ja")
    assert missing.exit_code == 1 and "还没有日语音频" in missing.output
    run("audio", "build", "--engine", "espeak", "--lang", "ja")
    played = tmp_path / "played"
    played.mkdir()
    monkeypatch.setenv("PHRASEBOOK_PLAYER", f"cp -t {played}")
    result = run("audio", "play", "mini/mini-002", "--lang", "ja")
    assert result.exit_code == 0, result.output
    assert [p.suffix for p in played.iterdir()] == [".wav"]
    assert run("audio", "play", "other/mini-002", "--lang", "ja").exit_code == 1  # the deck part is honoured
