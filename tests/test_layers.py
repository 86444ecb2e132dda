"""Domain modules must run without the UI toolkit: importing one never pulls in textual or rich."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "phrasebook"
UI = ("phrasebook.tui", "phrasebook.cli", "phrasebook.commands", "phrasebook.__main__")  # allowed to use them


def _modules() -> list[str]:
    """Every module of the package that is not the UI layer: a new domain module is checked without a list."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if not name.startswith(UI):
            found.append(name)
    return found


DOMAIN = _modules()


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
