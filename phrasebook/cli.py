"""Entry point. Picks the UI language first (help texts are translated when the commands load), then runs
the click command group in `phrasebook.commands`; with no subcommand it opens the TUI."""

from __future__ import annotations

import os
import sys

from phrasebook import i18n


def _ui_lang_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--ui-lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--ui-lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    lang = _ui_lang_from_argv(argv) or os.environ.get(i18n.ENV_UI_LANG)
    if lang:
        i18n.set_language(lang)
    from phrasebook.commands import cli

    cli.main(args=argv, prog_name="phrasebook")
