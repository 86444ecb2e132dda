"""The real espeak-ng binary, for every language the decks speak, on real deck phrases."""

from __future__ import annotations

import subprocess
import threading

import pytest

from phrasebook.audio.cache import valid_audio, wav_seconds
from phrasebook.audio.engines import ESPEAK_VOICE, EngineError, Espeak
from phrasebook.audio.speech import Utterance, japanese_kana, numbered_pinyin, offline_text

PHRASES = {
    "en": Utterance("en", "Please take a number and wait to be called."),
    "ja": Utterance("ja", "外国人就労許可の申請書類をお持ちですか。"),
    "ko": Utterance("ko", "외국인 취업허가 신청 서류를 가져오셨습니까?"),
    "ru": Utterance("ru", "Пожа́луйста, возьми́те тало́н и подожди́те вы́зова."),
    "zh": Utterance("zh", "请拨打12345政务服务便民热线。", "qǐng bō dǎ 12345 zhèng wù fú wù biàn mín rè xiàn."),
}


@pytest.mark.parametrize("lang", PHRASES)
def test_espeak_speaks_each_language(espeak, tmp_path, lang):
    dest = tmp_path / f"{lang}.wav"
    Espeak().synthesise(PHRASES[lang], dest)
    assert valid_audio(dest)
    seconds = wav_seconds(dest)
    characters = len(PHRASES[lang].text)
    assert 1.0 < seconds < 12, seconds
    assert seconds < characters * (0.5 if lang in ("ja", "zh", "ko") else 0.2)


def phonemes(voice: str, text: str) -> str:
    return subprocess.run(["espeak-ng", "-q", "-x", "-v", voice], input=text.encode(), capture_output=True,
                          check=True).stdout.decode()


def test_japanese_is_spoken_from_kana_not_as_chinese_letters(espeak, tmp_path):
    text = PHRASES["ja"].text
    assert "(en)" in phonemes("ja", text)  # kanji as-is: espeak-ng switches to English ("Chinese letter")
    assert "(en)" not in phonemes("ja", offline_text(PHRASES["ja"]))
    raw, ours = tmp_path / "raw.wav", tmp_path / "ours.wav"
    subprocess.run(["espeak-ng", "-v", "ja", "-w", str(raw)], input=text.encode(), check=True)
    Espeak().synthesise(PHRASES["ja"], ours)
    assert wav_seconds(ours) < 0.6 * wav_seconds(raw)


def test_mandarin_is_spoken_from_numbered_pinyin(espeak):
    spoken = offline_text(PHRASES["zh"])
    assert spoken.startswith("qing3 bo1 da3 yao1 er4 san1 si4 wu3 zheng4 wu4")
    assert "(en)" not in phonemes(ESPEAK_VOICE["zh"], spoken)


def test_numbered_pinyin():
    assert numbered_pinyin("nǐ hǎo, qǐng zuò.") == "ni3 hao3 , qing3 zuo4 ."
    assert numbered_pinyin("wǒ men de lǜ shī") == "wo3 men5 de5 lv4 shi1"
    assert numbered_pinyin("Nín hǎo! 3 gè yuè") == "nin2 hao3 ! 3 ge4 yue4"


def test_japanese_reading_is_the_pronounced_form():
    assert japanese_kana("就労許可は東京へ") == "しゅーろーきょかわとーきょーえ"
    assert japanese_kana("外国人の方").startswith("がいこくじん")  # the glossary reading, not がいこくにん


def test_missing_binary_is_reported_as_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without espeak-ng
    with pytest.raises(EngineError) as err:
        Espeak().synthesise(PHRASES["en"], tmp_path / "x.wav")
    assert err.value.kind == "missing"


def test_japanese_readings_are_right_from_many_threads_at_once():
    """`audio build` speaks from worker threads and MeCab's tagger is not thread-safe: unguarded, 8 threads
    gave wrong readings (and now and then undecodable bytes) within a few hundred calls."""
    texts = ["外国人就労許可証をお持ちですか？", "パスポートを見せてください。",
             "こんにちは。今日はどのようなご用件ですか。"]
    expected = {text: japanese_kana(text) for text in texts}
    wrong: list[str] = []

    def speak() -> None:
        for _ in range(300):
            wrong.extend(text for text in texts if japanese_kana(text) != expected[text])

    workers = [threading.Thread(target=speak) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert wrong == []
