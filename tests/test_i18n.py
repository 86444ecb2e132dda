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
        zh_fields, en_fields = set(re.findall(r"{(\w+)}", zh[key])), set(re.findall(r"{(\w+)}", en[key]))
        if key.startswith("click."):  # click fills them; a translation may leave one out ("integer" in Chinese)
            assert zh_fields <= en_fields, key
        else:
            assert zh_fields == en_fields, key


def test_every_key_used_in_code_exists():
    used: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\("([a-z_.]+)"', text))
        used |= set(re.findall(r'"((?:deck\.err|person\.err|person\.invalid|db|keys|grade|cli\.help|auth|cohort\.err'
                               r'|roster|assign|report|demo|modes|typed|choice|listen|extra|dialogue|exam|exam_tui'
                               r'|exam_cli)\.[a-z_.]+)"', text))
    keys = set(i18n.catalogue("zh-CN"))
    assert used - keys == set()


def dynamic_keys() -> dict[tuple[str, str], tuple[str, ...]]:
    """Every key the code builds in an f-string, by (text before the braces, text after): the values it can take."""
    from phrasebook.answers import Outcome
    from phrasebook.exam_results import IN_PROGRESS, NOT_SAT, SAT
    from phrasebook.modes import BY_DIRECTION, DIALOGUE
    from phrasebook.people import ROLES
    from phrasebook.reports import STATUSES
    from phrasebook.roster import COLUMNS

    return {
        ("lang.", ""): LANGUAGES,
        ("speaker.", ""): ("clerk", "applicant"),
        ("role.", ""): ROLES,
        ("modes.name.", ""): (*{m for modes in BY_DIRECTION.values() for m in modes}, DIALOGUE),
        ("typed.", ""): tuple(o.value for o in Outcome),
        ("report.status.", ""): (*STATUSES, "unassigned"),
        ("roster.col.", ""): COLUMNS,
        ("exam.state.", ""): ("upcoming", "open", "closed"),
        ("exam.status.", ""): (NOT_SAT, IN_PROGRESS, SAT),
        ("exam.field.", ""): ("title", "cohort", "decks", "scenarios", "langs", "modes", "items", "minutes",
                              "pass_mark", "opens", "closes", "attempts"),
        ("listen.blocked_", ""): ("missing", "no_player", "no_device"),
        ("audio.play.", ""): ("no_player", "no_device", "failed", "timeout"),
        ("backup.row.", ""): ("schema", "people", "reviews", "cards", "cohorts", "last", "size"),
        ("", ".title"): ("extra", "dialogue"),  # practice_menu's purpose
        ("", ".hint"): ("extra", "dialogue"),
    }


def test_every_key_built_in_an_f_string_exists():
    """A key built at run time (t(f"exam.state.{…}")) is checked for every value it can take; a new kind of built
    key fails here until it is listed in `dynamic_keys`."""
    built: set[tuple[str, str]] = set()
    for path in SOURCE.rglob("*.py"):
        for template in re.findall(r'(?:\bt|PhrasebookError)\(f"([^"]*)"', path.read_text(encoding="utf-8")):
            found = re.fullmatch(r"([a-z_.]*)\{[^}]*\}([a-z_.]*)", template)
            assert found, f"{path.name}: cannot check the key {template!r}"
            built.add(found.groups())
    known = dynamic_keys()
    assert built - set(known) == set()
    keys = set(i18n.catalogue("zh-CN"))
    missing = {f"{before}{value}{after}" for (before, after), values in known.items() for value in values} - keys
    assert missing == set()


def test_language_switch_and_fallback():
    assert i18n.set_language("EN_us") == "en"
    assert i18n.t("grade.good") == "Good"
    assert i18n.set_language("fr") == "zh-CN"
    assert i18n.t("grade.good") == "良好"
    assert i18n.t("home.hello", name="张伟", staff_no="A1") == "张伟，您好！（工号 A1）"
