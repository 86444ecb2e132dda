"""Pinyin: the glossary fixes pypinyin in context, and every shipped phrase's pinyin is pinned.

The pinned list (tests/fixtures/pinyin.tsv) was reviewed phrase by phrase; a dependency upgrade or a glossary
edit that changes any line fails here. After a reviewed deck change, regenerate it with
`PHRASEBOOK_UPDATE_PINS=1 python -m pytest tests/test_pinyin.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from phrasebook import paths
from phrasebook.decks import load_decks
from phrasebook.importer import derive
from phrasebook.pinyin import to_pinyin

PINS = Path(__file__).parent / "fixtures" / "pinyin.tsv"


@pytest.mark.parametrize(("text", "expected"), [
    ("请到银行还款。", "qǐng dào yín háng huán kuǎn."),
    ("行政服务中心", "xíng zhèng fú wù zhōng xīn"),
    ("请重新填写，了解一下。", "qǐng chóng xīn tián xiě, liǎo jiě yī xià."),
    ("朝鲜", "cháo xiǎn"),
    ("不是一致的。", "bù shì yī zhì de."),
    ("请选择“外国人业务”，再取号。", "qǐng xuǎn zé “wài guó rén yè wù”, zài qǔ hào."),
    ("逾期未到，30天内不能预约。", "yú qī wèi dào, 30 tiān nèi bù néng yù yuē."),
])
def test_polyphones_tones_and_punctuation(text, expected):
    assert to_pinyin(text) == expected


def current() -> dict[str, tuple[str, str]]:
    out = {}
    for deck in load_decks(paths.decks_dir()):
        for phrase, row in zip(deck.phrases, derive(deck), strict=True):
            out[f"{deck.id}/{phrase.id}"] = (phrase.zh, row.pinyin)
    return out


def test_every_phrase_pinyin_is_pinned():
    now = current()
    if os.environ.get("PHRASEBOOK_UPDATE_PINS"):
        PINS.write_text("".join(f"{k}\t{zh}\t{py}\n" for k, (zh, py) in now.items()), encoding="utf-8")
    pinned = {}
    for line in PINS.read_text(encoding="utf-8").splitlines():
        key, zh, py = line.split("\t")
        pinned[key] = (zh, py)
    assert set(now) == set(pinned), "phrases added or removed: review their pinyin and update the pins"
    changed = {k: (pinned[k], now[k]) for k in now if now[k] != pinned[k]}
    assert changed == {}
