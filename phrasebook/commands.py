"""The `phrasebook` commands: a thin click layer over the domain API. Errors are one clear message, exit 1."""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from phrasebook import clickui, i18n, paths
from phrasebook.decks import load_decks
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.store import Store, open_store

i18n.route_click()  # before any command is built: click fixes some of its text when a decorator runs


@dataclass
class Options:
    db: str | None
    ui_lang: str | None

    def store(self, *, sync: bool = True, create: bool = True) -> Store:
        """Open the database; bundled decks are (re)imported first when their files changed, as the app does.
        `create`: make it when missing (False for commands that only check one)."""
        path = paths.db_path(self.db)
        self.warn_network(path)
        store = open_store(path, create=create)
        if sync:
            from phrasebook.importer import sync_if_changed

            synced = sync_if_changed(store, paths.decks_dir())
            if synced and synced.skipped:
                click.echo(synced.report(), err=True)
        return store

    @staticmethod
    def warn_network(path: Path) -> None:
        """Once per process, on stderr: WAL and file locks are unsafe on NFS/SMB/sshfs (see phrasebook.netfs)."""
        from phrasebook import netfs

        netfs.warn_once(path, lambda message: click.echo(message, err=True))


class Group(clickui.Group):
    """Turns every PhrasebookError, and SQLite's own errors (a damaged or read-only file), into one message on
    stderr and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PhrasebookError as err:
            click.echo(t("cli.error", message=err.message()), err=True)
            ctx.exit(1)
        except sqlite3.DatabaseError as err:
            from phrasebook.store.dbfile import explain

            db = paths.db_path(ctx.find_root().params.get("db"))
            click.echo(t("cli.error", message=explain(err, db).message()), err=True)
            ctx.exit(1)


@click.group(cls=Group, invoke_without_command=True, help=t("cli.help.root"))
@click.option("--db", "db", metavar="PATH", envvar=paths.ENV_DB, help=t("cli.help.db"))
@click.option("--ui-lang", "ui_lang", type=click.Choice(["zh", "zh-CN", "en"]), help=t("cli.help.ui_lang"))
@click.version_option(package_name="phrasebook")
@click.pass_context
def cli(ctx: click.Context, db: str | None, ui_lang: str | None) -> None:
    if ui_lang:
        i18n.set_language(ui_lang)
    ctx.obj = Options(db=db, ui_lang=ui_lang)
    if ctx.invoked_subcommand is None:
        from phrasebook.tui.app import run

        if status := run(db_path=paths.db_path(db), ui_lang=ui_lang):
            ctx.exit(status)  # the app ended on an error: never status 0 after a crash


# -- decks -----------------------------------------------------------------------------------------
@cli.group(cls=Group, help=t("cli.help.deck"))
def deck() -> None:
    pass


def _deck_paths(files: tuple[str, ...]) -> list[Path] | None:
    return [Path(f) for f in files] if files else None


@deck.command("validate", help=t("cli.help.deck_validate"))
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def deck_validate(files: tuple[str, ...]) -> None:
    decks = load_decks(paths.decks_dir(), only=_deck_paths(files))
    click.echo(t("cli.deck.valid", decks=len(decks), phrases=sum(len(d.phrases) for d in decks)))


@deck.command("lint", help=t("cli.help.deck_lint"))
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def deck_lint(files: tuple[str, ...]) -> None:
    from phrasebook.lint import lint, load_glossary

    folder = paths.decks_dir()
    decks = load_decks(folder, only=_deck_paths(files))
    report = lint(decks, load_glossary(folder / "_glossary.toml"))
    for problem in report.errors:
        click.echo(problem.message(), err=True)
    for problem in report.warnings:
        click.echo(t("lint.warning", message=problem.message()), err=True)
    click.echo(t("lint.summary", decks=len(decks), phrases=sum(len(d.phrases) for d in decks),
                 errors=len(report.errors), warnings=len(report.warnings)))
    if report.errors:
        sys.exit(1)


@deck.command("import", help=t("cli.help.deck_import"))
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help=t("cli.help.force"))
@click.pass_obj
def deck_import(opts: Options, files: tuple[str, ...], force: bool) -> None:
    from phrasebook.decks import load_scenarios
    from phrasebook.importer import import_decks, sync_folder

    store = opts.store(sync=False)
    folder = paths.decks_dir()
    if files:
        decks = load_decks(folder, only=_deck_paths(files))
        result = import_decks(store, decks, scenarios=load_scenarios(folder), force=force)
    else:
        result = sync_folder(store, folder, force=force)
    click.echo(t("cli.deck.imported", imported=len(result.imported), unchanged=len(result.unchanged),
                 retired=len(result.retired), phrases=result.phrases))


@deck.command("list", help=t("cli.help.deck_list"))
@click.pass_obj
def deck_list(opts: Options) -> None:
    from rich.console import Console
    from rich.table import Table

    from phrasebook.store import content

    table = Table(t("cli.col.deck"), t("cli.col.title"), t("cli.col.version"), t("cli.col.languages"),
                  t("cli.col.phrases"), box=None)
    for row in content.decks(opts.store()):
        title = row["title_zh"] if i18n.current() == "zh-CN" else row["title_en"]
        table.add_row(row["id"], title, str(row["version"]), " ".join(json.loads(row["languages"])),
                      str(row["phrases"]))
    Console().print(table)


# -- phrases, pinyin, doctor -------------------------------------------------------------------------
@cli.command("phrases", help=t("cli.help.phrases"))
@click.option("--deck", "deck_id", metavar="DECK", help=t("cli.help.deck_filter"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.pass_obj
def phrases_cmd(opts: Options, deck_id: str | None, as_json: bool) -> None:
    from phrasebook.store import content

    items = content.phrases(opts.store(), deck_id)
    if as_json:
        json.dump(items, sys.stdout, ensure_ascii=False, indent=2)
        click.echo()
        return
    for p in items:
        en = p["translations"].get("en", {}).get("text", "")
        click.echo(f"{p['deck']}/{p['id']}\t{p['zh']}\t{p['pinyin']}\t{en}")


@cli.command("pinyin", help=t("cli.help.pinyin"))
@click.argument("text")
def pinyin_cmd(text: str) -> None:
    from phrasebook.pinyin import to_pinyin

    click.echo(to_pinyin(text))


@cli.command("doctor", help=t("cli.help.doctor"))
@click.option("--rebuild", is_flag=True, help=t("cli.help.rebuild"))
@click.pass_obj
def doctor_cmd(opts: Options, rebuild: bool) -> None:
    from phrasebook.doctor import check

    report = check(opts.store(sync=False, create=False), rebuild=rebuild)
    click.echo(t("cli.doctor.integrity", result=report.integrity))
    click.echo(t("cli.doctor.foreign_keys", count=report.foreign_keys))
    click.echo(t("reliability.doctor_keys", count=report.duplicate_keys))
    click.echo(t("reliability.doctor_orphans", count=report.orphan_reviews))
    click.echo(t("cli.doctor.cards", checked=report.cards_checked, mismatched=len(report.mismatched),
                 repaired=report.repaired))
    if not report.ok:
        click.echo(t("cli.doctor.hint_rebuild") if report.mismatched and not rebuild else t("cli.doctor.bad"),
                   err=True)
        sys.exit(1)
    click.echo(t("cli.doctor.ok"))


# -- command groups kept in their own modules (they need Group and Options above) ----------------------------
from phrasebook import commands_backup, commands_exams, commands_people, commands_reports  # noqa: E402
from phrasebook.commands_audio import audio  # noqa: E402
from phrasebook.commands_serve import serve  # noqa: E402

cli.add_command(audio)
cli.add_command(serve)
commands_people.register(cli, Group)
commands_reports.register(cli, Group)
commands_exams.register(cli, Group)
commands_backup.register(cli, Options)
