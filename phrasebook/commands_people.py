"""`phrasebook trainee …` and `phrasebook cohort …`: the administrator's commands for people and cohorts.

Like the rest of the CLI they run on the machine that holds the database, with no login: whoever can run
them can also open the SQLite file. Role rules apply in the app (see `auth`).
"""

from __future__ import annotations

from pathlib import Path

import click

from phrasebook import clickui
from phrasebook.clock import utcnow
from phrasebook.i18n import t


def _word_width(word: str) -> int:
    """The width a column needs so this word is never cut; a Chinese sentence (one long "word": no spaces)
    may fold after four characters, anything else after twelve cells."""
    from rich.cells import cell_len

    width = cell_len(word)
    return min(width, 8 if width > len(word) else 12)


def _table(headers: list[str], rows: list[list[str]]) -> None:
    """Rows for the terminal. Narrow terminals wrap columns instead of hiding text behind "…", but never inside a
    word ("Unanswere / d", "submitt / ed"): each column is at least as wide as its longest word (`_word_width`)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None)
    for i, header in enumerate(headers):
        words = [w for text in (header, *(str(row[i] or "") for row in rows)) for w in text.split()]
        table.add_column(header, overflow="fold", min_width=max(map(_word_width, words), default=1))
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def _ask_pin() -> str:
    return clickui.prompt(t("cli.people.pin_prompt"), hide_input=True, confirmation_prompt=t("cli.people.pin_again"))


def register(cli: click.Group, group_cls: type[click.Group]) -> None:
    """Add the groups to the root command (called once by phrasebook.commands)."""

    @cli.group(cls=group_cls, help=t("cli.people_help.trainee"))
    def trainee() -> None:
        pass

    @trainee.command("add", help=t("cli.people_help.trainee_add"))
    @click.argument("staff_no")
    @click.argument("name", metavar=t("cli.people_help.metavar_person"))
    @click.option("--department", default="", help=t("cli.people_help.department"))
    @click.option("--counter", default="", help=t("cli.people_help.counter"))
    @click.option("--role", type=click.Choice(["trainee", "trainer", "coordinator"]), default="trainee",
                  help=t("cli.people_help.role"))
    @click.option("--pin/--no-pin", "with_pin", default=None, help=t("cli.people_help.with_pin"))
    @click.pass_obj
    def trainee_add(opts, staff_no, name, department, counter, role, with_pin) -> None:
        from phrasebook.people import create_person

        store = opts.store(sync=False)
        secret = _ask_pin() if (with_pin if with_pin is not None else role != "trainee") else None
        person = create_person(store, name=name, staff_no=staff_no, department=department, counter=counter,
                               role=role, secret=secret, now=utcnow())
        click.echo(t("cli.people.added", name=person.name, staff_no=person.staff_no, role=t(f"role.{role}")))

    @trainee.command("list", help=t("cli.people_help.trainee_list"))
    @click.option("--cohort", "cohort_name", metavar="COHORT", help=t("cli.people_help.cohort_filter"))
    @click.option("--role", type=click.Choice(["trainee", "trainer", "coordinator"]),
                  help=t("cli.people_help.role_filter"))
    @click.option("--all", "include_inactive", is_flag=True, help=t("cli.people_help.include_inactive"))
    @click.pass_obj
    def trainee_list(opts, cohort_name, role, include_inactive) -> None:
        from phrasebook.cohorts import get_cohort, members
        from phrasebook.people import list_people

        store = opts.store(sync=False)
        if cohort_name:
            people = [m.person for m in members(store, get_cohort(store, cohort_name))]
        else:
            people = list_people(store, include_inactive=include_inactive, role=role)
        _table([t("report.col.staff_no"), t("report.col.name"), t("report.col.department"), t("report.col.counter"),
                t("cli.people.col_role"), t("cli.people.col_pin")],
               [[p.staff_no, p.name, p.department, p.counter,
                 t(f"role.{p.role}") + ("" if p.active else t("cli.people.left")), t("report.yes") if p.has_pin else ""]
                for p in people])
        click.echo(t("cli.people.count", count=len(people)))

    @trainee.command("import", help=t("cli.people_help.trainee_import"))
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--cohort", "cohort_name", metavar="COHORT", help=t("cli.people_help.cohort_enrol"))
    @click.pass_obj
    def trainee_import(opts, file, cohort_name) -> None:
        from phrasebook.cohorts import get_cohort
        from phrasebook.roster import import_roster

        store = opts.store(sync=False)
        cohort = get_cohort(store, cohort_name) if cohort_name else None
        result = import_roster(store, file, cohort=cohort, now=utcnow())
        for warning in result.warnings:
            click.echo(t("lint.warning", message=warning.message()), err=True)
        click.echo(t("cli.people.imported", rows=result.rows, created=len(result.created),
                     updated=len(result.updated), unchanged=len(result.unchanged)))
        if cohort:
            click.echo(t("cli.people.enrolled", cohort=cohort.name, enrolled=len(result.enrolled),
                         already=len(result.already_enrolled)))

    @trainee.command("export", help=t("cli.people_help.trainee_export"))
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--cohort", "cohort_name", metavar="COHORT", help=t("cli.people_help.cohort_export"))
    @click.pass_obj
    def trainee_export(opts, file, cohort_name) -> None:
        from phrasebook.cohorts import get_cohort
        from phrasebook.roster import export_roster

        store = opts.store(sync=False)
        count = export_roster(store, file, cohort=get_cohort(store, cohort_name) if cohort_name else None)
        click.echo(t("cli.people.exported", count=count, file=file))

    @trainee.command("set-pin", help=t("cli.people_help.set_pin"))
    @click.argument("staff_no")
    @click.pass_obj
    def trainee_set_pin(opts, staff_no) -> None:
        from phrasebook.auth import check_secret, set_pin
        from phrasebook.people import find_person

        store = opts.store(sync=False)
        person = find_person(store, staff_no)
        set_pin(store, person, check_secret(_ask_pin()))
        click.echo(t("cli.people.pin_set", name=person.name, staff_no=person.staff_no))

    @trainee.command("reset-pin", help=t("cli.people_help.reset_pin"))
    @click.argument("staff_no")
    @click.pass_obj
    def trainee_reset_pin(opts, staff_no) -> None:
        from phrasebook.auth import reset_pin
        from phrasebook.people import find_person

        store = opts.store(sync=False)
        person = reset_pin(store, find_person(store, staff_no))
        click.echo(t("members.reset_done", name=person.name))

    @trainee.command("deactivate", help=t("cli.people_help.deactivate"))
    @click.argument("staff_no")
    @click.option("--undo", is_flag=True, help=t("cli.people_help.reactivate"))
    @click.pass_obj
    def trainee_deactivate(opts, staff_no, undo) -> None:
        from phrasebook.people import find_person, set_active

        store = opts.store(sync=False)
        person = set_active(store, find_person(store, staff_no), undo)
        click.echo(t("cli.people.active" if person.active else "cli.people.inactive", name=person.name,
                     staff_no=person.staff_no))

    @cli.group(cls=group_cls, help=t("cli.people_help.cohort"))
    def cohort() -> None:
        pass

    @cohort.command("create", help=t("cli.people_help.cohort_create"))
    @click.argument("name", metavar=t("cli.people_help.metavar_cohort"))
    @click.option("--start", "starts_on", required=True, metavar="DATE", help=t("cli.people_help.starts_on"))
    @click.option("--end", "ends_on", required=True, metavar="DATE", help=t("cli.people_help.ends_on"))
    @click.option("--trainer", "trainer_no", required=True, metavar="STAFF_NO", help=t("cli.people_help.trainer"))
    @click.pass_obj
    def cohort_create(opts, name, starts_on, ends_on, trainer_no) -> None:
        from phrasebook.cohorts import create_cohort
        from phrasebook.people import find_person

        store = opts.store(sync=False)
        c = create_cohort(store, name=name, starts_on=starts_on, ends_on=ends_on,
                          trainer=find_person(store, trainer_no), now=utcnow())
        click.echo(t("cli.people.cohort_created", name=c.name, starts_on=c.starts_on, ends_on=c.ends_on,
                     trainer=c.trainer_name))

    @cohort.command("list", help=t("cli.people_help.cohort_list"))
    @click.pass_obj
    def cohort_list(opts) -> None:
        from phrasebook.cohorts import list_cohorts

        cohorts = list_cohorts(opts.store(sync=False))
        _table([t("report.col.cohort"), t("report.col.starts_on"), t("report.col.ends_on"), t("report.col.trainer"),
                t("report.col.members")],
               [[c.name, str(c.starts_on), str(c.ends_on), f"{c.trainer_name} ({c.trainer_staff_no})",
                 str(c.members)] for c in cohorts])

    @cohort.command("enrol", help=t("cli.people_help.cohort_enrol_cmd"))
    @click.argument("name", metavar=t("cli.people_help.metavar_cohort"))
    @click.argument("staff_nos", nargs=-1, required=True)
    @click.pass_obj
    def cohort_enrol(opts, name, staff_nos) -> None:
        from phrasebook.cohorts import enrol, get_cohort
        from phrasebook.people import find_person

        store = opts.store(sync=False)
        c = get_cohort(store, name)
        result = enrol(store, c, [find_person(store, s) for s in staff_nos], now=utcnow())
        click.echo(t("cli.people.enrolled", cohort=c.name, enrolled=len(result.enrolled),
                     already=len(result.already)))

    @cohort.command("withdraw", help=t("cli.people_help.cohort_withdraw"))
    @click.argument("name", metavar=t("cli.people_help.metavar_cohort"))
    @click.argument("staff_nos", nargs=-1, required=True)
    @click.pass_obj
    def cohort_withdraw(opts, name, staff_nos) -> None:
        from phrasebook.cohorts import get_cohort, withdraw
        from phrasebook.people import find_person

        store = opts.store(sync=False)
        c = get_cohort(store, name)
        people = [find_person(store, s) for s in staff_nos]
        for person in people:
            withdraw(store, c, person, now=utcnow())
        click.echo(t("cli.people.withdrawn", cohort=c.name, count=len(people)))

    @cohort.command("show", help=t("cli.people_help.cohort_show"))
    @click.argument("name", metavar=t("cli.people_help.metavar_cohort"))
    @click.option("--history", is_flag=True, help=t("cli.people_help.history"))
    @click.pass_obj
    def cohort_show(opts, name, history) -> None:
        from phrasebook.assignments import list_assignments
        from phrasebook.cohorts import get_cohort, members

        store = opts.store(sync=False)
        c = get_cohort(store, name)
        click.echo(t("cli.people.cohort_header", name=c.name, starts_on=c.starts_on, ends_on=c.ends_on,
                     trainer=c.trainer_name, members=c.members))
        _table([t("report.col.staff_no"), t("report.col.name"), t("report.col.department"),
                t("cli.people.col_enrolled"), t("cli.people.col_withdrawn")],
               [[m.person.staff_no, m.person.name, m.person.department, m.enrolled_at.astimezone().date().isoformat(),
                 m.withdrawn_at.astimezone().date().isoformat() if m.withdrawn_at else ""]
                for m in members(store, c, include_withdrawn=history)])
        for a in list_assignments(store, cohort=c):
            click.echo(t("cli.people.assignment_line", id=a.id, deck=a.deck_id, lang=a.lang, due_on=a.due_on,
                         target=f"{a.target:.0%}"))
