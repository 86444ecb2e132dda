"""Every path the program uses, in one place, each overridable from the environment (tests use that)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

ENV_HOME = "PHRASEBOOK_HOME"
ENV_DB = "PHRASEBOOK_DB"
ENV_DECKS = "PHRASEBOOK_DECKS"
ENV_AUDIO = "PHRASEBOOK_AUDIO"
ENV_BACKUPS = "PHRASEBOOK_BACKUPS"
ENV_MOUNTINFO = "PHRASEBOOK_MOUNTINFO"  # tests point this at a fake mount table


def data_dir() -> Path:
    """Where the database lives by default: $PHRASEBOOK_HOME or the platform's user data dir."""
    if home := os.environ.get(ENV_HOME):
        return Path(home)
    from platformdirs import user_data_dir

    return Path(user_data_dir("phrasebook", appauthor=False))


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite file: --db, then $PHRASEBOOK_DB, then <data dir>/phrasebook.db."""
    if override:
        return Path(override)
    if env := os.environ.get(ENV_DB):
        return Path(env)
    return data_dir() / "phrasebook.db"


SIDE_SUFFIXES = ("-wal", "-journal", "-shm")  # what SQLite keeps beside a database file


def side_file(db: Path, suffix: str) -> Path:
    """`phrasebook.db-wal` for ("phrasebook.db", "-wal"): one of SQLite's files beside the database."""
    return Path(db).with_name(Path(db).name + suffix)


def backups_dir(db: Path) -> Path:
    """Where `phrasebook backup` writes by default: $PHRASEBOOK_BACKUPS, else a `backups/` folder beside the
    database (the data dir for the default database), so backups of different databases never mix."""
    if env := os.environ.get(ENV_BACKUPS):
        return Path(env)
    return Path(db).resolve().parent / "backups"


def mountinfo_path() -> Path:
    """The kernel's mount table for this process (network filesystem detection)."""
    return Path(os.environ.get(ENV_MOUNTINFO) or "/proc/self/mountinfo")


def decks_dir() -> Path:
    """The bundled decks: $PHRASEBOOK_DECKS or the repository's decks/ folder."""
    return Path(os.environ.get(ENV_DECKS) or REPO_DIR / "decks")


def audio_dir() -> Path:
    """Generated audio cache: $PHRASEBOOK_AUDIO or the repository's audio/ folder."""
    return Path(os.environ.get(ENV_AUDIO) or REPO_DIR / "audio")


def locales_dir() -> Path:
    return PACKAGE_DIR / "locales"


def deck_files(folder: Path) -> list[Path]:
    """Deck files in import order: every *.toml not starting with '_', sorted by name."""
    return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("_"))


def file_digest(data: bytes) -> str:
    """Content identity of a deck file: an unchanged file is never re-imported."""
    return hashlib.sha256(data).hexdigest()[:16]
