"""Domain modules must run without the UI toolkit: importing one never pulls in textual or rich."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN = [
    "phrasebook.decks", "phrasebook.pinyin", "phrasebook.romanize", "phrasebook.scheduler",
    "phrasebook.session", "phrasebook.people", "phrasebook.importer", "phrasebook.doctor",
    "phrasebook.store", "phrasebook.store.content", "phrasebook.store.cards", "phrasebook.store.people",
    "phrasebook.i18n", "phrasebook.paths", "phrasebook.clock", "phrasebook.errors",
    "phrasebook.audio", "phrasebook.audio.speech", "phrasebook.audio.engines", "phrasebook.audio.cache",
    "phrasebook.audio.build", "phrasebook.audio.player",
    "phrasebook.auth", "phrasebook.cohorts", "phrasebook.store.cohorts",
    "phrasebook.roster", "phrasebook.sheets", "phrasebook.assignments", "phrasebook.pacing",
    "phrasebook.store.assignments", "phrasebook.reports", "phrasebook.store.reports",
    "phrasebook.report_export", "phrasebook.demo", "phrasebook.store.bulk",
    "phrasebook.answers", "phrasebook.choices", "phrasebook.modes", "phrasebook.practice", "phrasebook.dialogue",
    "phrasebook.store.practice",
    "phrasebook.backup", "phrasebook.inuse", "phrasebook.netfs", "phrasebook.store.snapshot", "phrasebook.store.dbfile",
]


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_does_not_import_ui(module):
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imported {out.stdout.strip()}"


def test_app_start_path_keeps_heavy_imports_off():
    """Building the app (what `phrasebook` does before the first frame) must not load pypinyin/gtts/openpyxl."""
    code = (
        "import sys, os, tempfile\n"
        "from phrasebook.importer import sync_folder\n"
        "from phrasebook.store import open_store\n"
        "from phrasebook import paths\n"
        "db = os.path.join(tempfile.mkdtemp(), 'x.db')\n"
        "s = open_store(db); sync_folder(s, paths.decks_dir()); s.close()\n"
        "for m in [m for m in sys.modules if m.split('.')[0] in ('pypinyin', 'cutlet', 'fugashi', 'gtts')]:\n"
        "    del sys.modules[m]\n"
        "before = set(sys.modules)\n"
        "from phrasebook.tui.app import make_app\n"
        "make_app(db)\n"
        "heavy = sorted({m.split('.')[0] for m in set(sys.modules) - before}\n"
        "               & {'pypinyin', 'gtts', 'openpyxl', 'cutlet', 'fugashi', 'sqlite_utils', 'fsrs',\n"
        "                  'plotext', 'textual_plotext'})\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
