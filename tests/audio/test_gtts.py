"""The real gTTS code against a local server that answers like Google: success, throttling, offline."""

from __future__ import annotations

import pytest

from phrasebook.audio.build import Builder, Retry
from phrasebook.audio.cache import Item, valid_audio
from phrasebook.audio.engines import EngineError, Gtts
from phrasebook.audio.speech import Utterance

HELLO = Utterance("ru", "Здра́вствуйте! Чем могу́ помо́чь?")


def items(*utterances: Utterance) -> list[Item]:
    return [Item("greeting", f"greeting-{i:03}", u) for i, u in enumerate(utterances, 1)]


def test_gtts_writes_the_mp3_google_sends(google, tmp_path):
    dest = tmp_path / "hello.mp3"
    Gtts().synthesise(HELLO, dest)
    assert valid_audio(dest) and dest.stat().st_size > 10_000
    (text, lang), = google.requests
    assert (" ".join(text.split()), lang) == ("Здравствуйте! Чем могу помочь?", "ru")  # stress marks not sent


def test_chinese_goes_as_mandarin(google, tmp_path):
    Gtts().synthesise(Utterance("zh", "请拨打12345热线。", "qǐng bō dǎ 12345 rè xiàn."), tmp_path / "x.mp3")
    assert google.requests == [("请拨打12345热线。", "zh")]


def test_429_then_success_is_retried_with_backoff(google, cache):
    google.statuses = [429, 429]
    google.retry_after = "2"
    sleeps: list[float] = []
    report = Builder(cache, "gtts", jobs=1, retry=Retry(sleep=sleeps.append)).run(items(HELLO))
    assert report.ok and report.total("made") == 1
    assert sleeps == [2.0, 2.0]  # Retry-After is honoured
    assert len(google.requests) == 3
    assert valid_audio(cache.find(HELLO))


def test_a_read_timeout_is_retried(google, cache):
    google.delays = [1.0]  # the first answer comes after the read timeout
    sleeps: list[float] = []
    builder = Builder(cache, "gtts", jobs=1, retry=Retry(sleep=sleeps.append),
                      engines={"gtts": Gtts(timeout=(2.0, 0.3))})
    report = builder.run(items(HELLO))
    assert report.ok and report.total("made") == 1 and len(sleeps) == 1


def test_backoff_grows_without_retry_after(google, cache):
    google.statuses = [503, 503, 503]
    sleeps: list[float] = []
    Builder(cache, "gtts", jobs=1, retry=Retry(base=1.0, sleep=sleeps.append)).run(items(HELLO))
    assert len(sleeps) == 3
    assert 0.5 <= sleeps[0] <= 1 and 1 <= sleeps[1] <= 2 and 2 <= sleeps[2] <= 4


def test_429_forever_fails_and_writes_nothing(google, cache):
    google.always = 429
    sleeps: list[float] = []
    report = Builder(cache, "gtts", jobs=2, retry=Retry(attempts=4, sleep=sleeps.append)).run(
        items(HELLO, Utterance("en", "Good morning.")))
    assert not report.ok
    assert report.total("failed") == 2 and report.total("made") == 0
    assert len(google.requests) == 8 and len(sleeps) == 6
    assert not [p for p in cache.root.rglob("*") if p.is_file()]  # no file, no leftover .part


def test_refused_connection_is_reported_as_offline(google_offline, tmp_path):
    with pytest.raises(EngineError) as err:
        Gtts(timeout=(2, 2)).synthesise(HELLO, tmp_path / "x.mp3")
    assert err.value.kind == "offline"
    assert not (tmp_path / "x.mp3").exists()


def test_explicit_gtts_offline_stops_at_once(google_offline, cache):
    sleeps: list[float] = []
    many = [Utterance("en", f"Window {n}, please.") for n in range(20)]
    report = Builder(cache, "gtts", jobs=1, retry=Retry(sleep=sleeps.append)).run(items(*many))
    assert report.offline and not report.ok
    assert sleeps == []  # not retried: offline is not throttling
    assert report.total("made") == 0 and report.total("failed") + report.total("skipped") == 20
