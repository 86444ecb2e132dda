"""One catalogue: both languages have the same keys, and every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

from phrasebook import i18n
from phrasebook.decks import LANGUAGES

SOURCE = Path(i18n.__file__).parent


def test_catalogues_have_the_same_keys_and_placeholders():
    zh, en = i18n.catalogue("zh-CN"), i18n.catalogue("en")
    assert set(zh) == set(en)
    for key in zh:
        assert set(re.findall(r"{(\w+)}", zh[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_every_key_used_in_code_exists():
    used: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\("([a-z_.]+)"', text))
        used |= set(re.findall(r'"((?:deck\.err|person\.err|person\.invalid|db|keys|grade|cli\.help|auth|cohort\.err'
                               r'|roster|assign|report|demo|modes|typed|choice|listen|extra|dialogue)'
                               r'\.[a-z_.]+)"', text))
    keys = set(i18n.catalogue("zh-CN"))
    dynamic = {f"lang.{code}" for code in LANGUAGES} | {"speaker.clerk", "speaker.applicant"}
    assert dynamic <= keys
    assert used - keys == set()


def test_language_switch_and_fallback():
    assert i18n.set_language("EN_us") == "en"
    assert i18n.t("grade.good") == "Good"
    assert i18n.set_language("fr") == "zh-CN"
    assert i18n.t("grade.good") == "良好"
    assert i18n.t("home.hello", name="张伟", staff_no="A1") == "张伟，您好！（工号 A1）"
