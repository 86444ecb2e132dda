"""The one catalogue of user-facing strings (zh-CN and en), loaded from locales/*.toml.

Keys are dotted ("drill.reveal"); values are str.format templates. Chinese is the default.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache

from phrasebook.paths import locales_dir

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"
ENV_UI_LANG = "PHRASEBOOK_UI_LANG"

_current = DEFAULT


def normalise(lang: str | None) -> str | None:
    """Map what a user types (zh, zh_CN, EN…) to a catalogue language, or None if unknown."""
    if not lang:
        return None
    key = lang.strip().replace("_", "-").lower()
    if key.startswith("zh"):
        return "zh-CN"
    if key.startswith("en"):
        return "en"
    return None


def set_language(lang: str | None) -> str:
    """Switch the UI language (unknown values fall back to Chinese); returns the language in use."""
    global _current
    _current = normalise(lang) or DEFAULT
    return _current


def current() -> str:
    return _current


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    with open(locales_dir() / f"{lang}.toml", "rb") as fh:
        return _flatten(tomllib.load(fh))


def t(key: str, /, **params: object) -> str:
    """Translate `key` into the current UI language; a missing key shows itself so it is noticed."""
    template = catalogue(_current).get(key) or catalogue(DEFAULT).get(key) or key
    return template.format(**params) if params else template


set_language(os.environ.get(ENV_UI_LANG))
