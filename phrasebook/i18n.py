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


# click's modules that fetch their English text through gettext (`_` and `ngettext`); tests/test_cli_i18n.py
# scans click's source so that a click upgrade adding one is noticed.
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "_termui_impl",
                 "shell_completion")


def click_text(msgid: str) -> str:
    """click's own English text (its gettext msgid) in the UI language; one without an entry stays English."""
    return catalogue(_current).get(f"click.{msgid}", msgid)


def click_plural(singular: str, plural: str, n: int) -> str:
    """click's ngettext: Chinese has one form, but the two msgids may differ in wording, so each has an entry."""
    return click_text(singular if n == 1 else plural)


def route_click() -> None:
    """Point click's gettext calls at the catalogue (the language is looked up at each call). Called once, where
    the CLI is defined, before any command is built: some texts are fixed when a decorator runs."""
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = click_text
        if hasattr(module, "ngettext"):
            module.ngettext = click_plural


set_language(os.environ.get(ENV_UI_LANG))
