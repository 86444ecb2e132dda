"""`phrasebook backup [PATH]` and `phrasebook restore PATH`: the administrator's copies of the database.

A thin layer over `phrasebook.backup` and `phrasebook.restore`: it prints what a copy holds, and a restore shows
the file against the current database and asks before replacing anything (unless --yes), then checks again that
nobody opened the database meanwhile. The staged copy is discarded however the command ends.
"""

from __future__ import annotations

from pathlib import Path

import click

from phrasebook import clickui
from phrasebook.clock import local, parse, utcnow
from phrasebook.i18n import t


def human_size(size: int) -> str:
    """1536 → '1.5 KB': sizes as people read them."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _when(stamp: str | None) -> str:
    try:
        return local(parse(stamp)) if stamp else "—"
    except ValueError:
        return stamp


def _describe(contents, size: int | None) -> list[str]:
    """One column of the restore comparison: schema, people, reviews, cards, cohorts, last answer, size."""
    if contents is None:
        return ["—"] * 7
    counts = contents.counts
    return [str(contents.schema), str(counts.get("people", 0)), str(counts.get("reviews", 0)),
            str(counts.get("cards", 0)), str(counts.get("cohorts", "—")), _when(contents.last_review),
            human_size(size) if size is not None else "—"]


def register(cli: click.Group, options_cls: type) -> None:
    """Add the commands to the root command (called once by phrasebook.commands)."""

    @cli.command("backup", help=t("backup.help.backup"))
    @click.argument("path", required=False, type=click.Path())
    @click.pass_obj
    def backup_cmd(opts, path: str | None) -> None:
        import os

        from phrasebook import paths
        from phrasebook.backup import backup

        db = paths.db_path(opts.db)
        opts.warn_network(db)
        folder = bool(path) and path.endswith((os.sep, "/"))  # "backups/" names a folder, even one not made yet
        copy = backup(db, Path(path) if path else None, now=utcnow(), folder=folder)
        counts = copy.contents.counts
        click.echo(t("backup.done", path=copy.path, size=human_size(copy.size), schema=copy.contents.schema,
                     people=counts.get("people", 0), reviews=counts.get("reviews", 0)))

    @cli.command("restore", help=t("backup.help.restore"))
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--yes", "-y", "assume_yes", is_flag=True, help=t("backup.help.yes"))
    @click.pass_obj
    @click.pass_context
    def restore_cmd(ctx: click.Context, opts, path: Path, assume_yes: bool) -> None:
        from phrasebook import interrupts, paths
        from phrasebook.commands_people import _table
        from phrasebook.restore import apply_restore, plan_restore, refuse_if_in_use
        from phrasebook.store import open_store
        from phrasebook.store.migrations import LATEST

        db = paths.db_path(opts.db)
        opts.warn_network(db)
        plan = plan_restore(path, db)
        try:  # the staged copy goes whatever happens: a refusal, "no", end of input, Ctrl+C
            current_size = plan.target.stat().st_size if plan.target.is_file() else None
            rows = ("schema", "people", "reviews", "cards", "cohorts", "last", "size")
            labels = [t(f"backup.row.{k}") for k in rows]
            columns = zip(labels, _describe(plan.incoming.contents, plan.incoming.size),
                          _describe(plan.current, current_size), strict=True)
            click.echo(t("backup.compare", source=path, target=db))
            _table(["", t("backup.col.incoming"), t("backup.col.current")], [list(row) for row in columns])
            if plan.current_error:
                click.echo(t("backup.current_unreadable", error=plan.current_error), err=True)
            if plan.incoming.contents.schema < LATEST:
                click.echo(t("backup.will_migrate", found=plan.incoming.contents.schema, latest=LATEST))
            if not assume_yes and not clickui.confirm(t("backup.confirm", target=db)):
                click.echo(t("backup.cancelled"), err=True)
                ctx.exit(1)
            refuse_if_in_use(plan.target)  # someone may have started the app while we asked
            with interrupts.held():  # Ctrl+C stops the command after it says where the safety copy is
                done = apply_restore(plan, now=utcnow())
                if done.safety:
                    click.echo(t("backup.safety", path=done.safety))
        finally:
            plan.discard()
        store = open_store(db)  # migrates an older schema now, so the first clerk does not wait for it
        try:
            schema = store.value("PRAGMA user_version")
        finally:
            store.close()
        counts = done.contents.counts
        click.echo(t("backup.restored", path=db, schema=schema, people=counts.get("people", 0),
                     reviews=counts.get("reviews", 0)))
