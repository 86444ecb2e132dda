"""Entry point. Picks the UI language first (help texts are translated when the commands load), then runs
the click command group in `phrasebook.commands`. A bare `phrasebook [--db P] [--ui-lang L]` — the clerk's
start — opens the TUI straight away without loading click: start-up time is a feature."""

from __future__ import annotations

import os
import sqlite3
import sys

from phrasebook import i18n

TUI_OPTIONS = ("--db", "--ui-lang")
UI_LANGS = ("zh", "zh-CN", "en")


def _ui_lang_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--ui-lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--ui-lang="):
            return arg.split("=", 1)[1]
    return None


def _tui_only(argv: list[str]) -> dict[str, str] | None:
    """The options when argv holds nothing but valid TUI options; None sends it through click."""
    found: dict[str, str] = {}
    rest = list(argv)
    while rest:
        name, eq, value = rest.pop(0).partition("=")
        if name not in TUI_OPTIONS or name in found:
            return None
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        found[name] = value
    if found.get("--ui-lang", "zh") not in UI_LANGS:
        return None
    return found


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    asked = _ui_lang_from_argv(argv)  # an unknown one is rejected by click, in the language of the environment
    lang = asked if i18n.normalise(asked) else os.environ.get(i18n.ENV_UI_LANG)
    if lang:
        i18n.set_language(lang)
    if (tui := _tui_only(argv)) is not None:
        from phrasebook import paths
        from phrasebook.errors import PhrasebookError
        from phrasebook.tui.app import run

        db = paths.db_path(tui.get("--db"))
        try:
            status = run(db, ui_lang=tui.get("--ui-lang"))
        except PhrasebookError as err:
            print(i18n.t("cli.error", message=err.message()), file=sys.stderr)
            sys.exit(1)
        except sqlite3.DatabaseError as err:  # a damaged or read-only file met after opening: no traceback
            from phrasebook.store.dbfile import explain

            print(i18n.t("cli.error", message=explain(err, db).message()), file=sys.stderr)
            sys.exit(1)
        if status:  # the app ended on an error (Textual printed it): never exit 0 after a crash
            sys.exit(status)
        return
    from phrasebook.commands import cli

    cli.main(args=argv, prog_name="phrasebook")
