"""`phrasebook assign …`, `phrasebook report` and `phrasebook demo`: the administrator's commands for
assignments, completion reports and generated demo data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from phrasebook.clickui import ID
from phrasebook.clock import utcnow
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.sheets import as_text

FORMATS = ("table", "csv", "xlsx", "json")
DEMO_YEARS = (1971, 9000)  # demo histories reach months before --until and years after it
MAX_DAYS = 3660  # ten years of daily figures; beyond the calendar's range it overflowed (found by fuzzing)
STATUS_CHOICES = ("not_started", "in_progress", "completed", "overdue", "unassigned")


def register(cli: click.Group, group_cls: type[click.Group]) -> None:
    """Add the commands to the root command (called once by phrasebook.commands)."""

    @cli.group(cls=group_cls, help=t("cli.people_help.assign"))
    def assign() -> None:
        pass

    @assign.command("add", help=t("cli.people_help.assign_add"))
    @click.option("--cohort", "cohort_name", metavar="COHORT", help=t("cli.people_help.assign_cohort"))
    @click.option("--trainee", "staff_no", metavar="STAFF_NO", help=t("cli.people_help.assign_trainee"))
    @click.option("--deck", "decks", multiple=True, metavar="DECK", help=t("cli.people_help.assign_deck"))
    @click.option("--all-decks", is_flag=True, help=t("cli.people_help.all_decks"))
    @click.option("--lang", "langs", multiple=True, required=True, metavar="LANG",
                  help=t("cli.people_help.assign_lang"))
    @click.option("--due", "due_on", required=True, metavar="DATE", help=t("cli.people_help.due"))
    @click.option("--target", default="90%", show_default=True, help=t("cli.people_help.target"))
    @click.pass_obj
    def assign_add(opts, cohort_name, staff_no, decks, all_decks, langs, due_on, target) -> None:
        from phrasebook.assignments import assign as do_assign
        from phrasebook.cohorts import get_cohort
        from phrasebook.people import find_person
        from phrasebook.store import content

        store = opts.store()
        deck_ids = [d["id"] for d in content.decks(store)] if all_decks else list(decks)
        done = do_assign(store, deck_ids=deck_ids, langs=list(langs), due_on=due_on, target=target, now=utcnow(),
                         cohort=get_cohort(store, cohort_name) if cohort_name else None,
                         person=find_person(store, staff_no) if staff_no else None)
        click.echo(t("cli.people.assigned", count=len(done), holder=cohort_name or staff_no,
                     due_on=done[0].due_on, target=f"{done[0].target:.0%}"))

    @assign.command("list", help=t("cli.people_help.assign_list"))
    @click.option("--cohort", "cohort_name", metavar="COHORT", help=t("cli.people_help.cohort_filter"))
    @click.pass_obj
    def assign_list(opts, cohort_name) -> None:
        from phrasebook.assignments import list_assignments
        from phrasebook.cohorts import get_cohort
        from phrasebook.commands_people import _table

        store = opts.store(sync=False)
        found = list_assignments(store, cohort=get_cohort(store, cohort_name) if cohort_name else None)
        _table(["#", t("cli.people.col_holder"), t("report.col.deck"), t("report.col.lang"), t("report.col.due_on"),
                t("cli.people.col_target")],
               [[str(a.id), a.cohort_name or f"{a.person_name} ({a.staff_no})", a.deck_id, t(f"lang.{a.lang}"),
                 str(a.due_on), f"{a.target:.0%}"] for a in found])

    @assign.command("remove", help=t("cli.people_help.assign_remove"))
    @click.argument("assignment_id", type=ID)
    @click.pass_obj
    def assign_remove(opts, assignment_id) -> None:
        from phrasebook.assignments import unassign

        unassign(opts.store(sync=False), assignment_id)
        click.echo(t("cli.people.unassigned", id=assignment_id))

    @cli.command("report", help=t("cli.people_help.report"))
    @click.option("--cohort", "cohort_name", metavar="COHORT", help=t("cli.people_help.cohort_filter"))
    @click.option("--department", metavar="DEPT", help=t("cli.people_help.department_filter"))
    @click.option("--status", type=click.Choice(STATUS_CHOICES), help=t("cli.people_help.status_filter"))
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                  help=t("cli.people_help.format"))
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=t("cli.people_help.output"))
    @click.option("--days", type=click.IntRange(1, MAX_DAYS), default=60, show_default=True,
                  help=t("cli.people_help.days"))
    @click.pass_obj
    def report_cmd(opts, cohort_name, department, status, fmt, output, days) -> None:
        from phrasebook import report_export as export
        from phrasebook.cohorts import get_cohort
        from phrasebook.reports import build_report
        from phrasebook.sheets import write_xlsx

        if fmt == "xlsx" and output is None:
            raise PhrasebookError("report.err.xlsx_needs_file")
        store = opts.store(sync=False)
        report = build_report(store, now=utcnow(), cohort=get_cohort(store, cohort_name) if cohort_name else None,
                              department=department, status=status, days=days)
        if fmt == "json":
            emit_json(export.to_json(report), output)
        elif fmt == "csv":
            emit_csv(export.trainee_sheet(report), output)
        elif fmt == "xlsx":
            from phrasebook.exam_results import all_results, summary_sheet

            exams = all_results(store, now=utcnow(), cohort=get_cohort(store, cohort_name) if cohort_name else None)
            write_xlsx(output, [*export.sheets(report), *([summary_sheet(exams)] if exams else [])])
        else:
            _print_tables(report, export)
            return
        if output:
            click.echo(t("cli.people.report_written", file=output, trainees=len(report.trainees)), err=True)

    @cli.command("demo", help=t("cli.people_help.demo"))
    @click.option("--trainees", default=100, show_default=True, help=t("cli.people_help.demo_trainees"))
    @click.option("--reviews", default=200_000, show_default=True, help=t("cli.people_help.demo_reviews"))
    @click.option("--seed", default=1, show_default=True, help=t("cli.people_help.seed"))
    @click.option("--until", metavar="DATE", help=t("cli.people_help.until"))
    @click.pass_obj
    def demo_cmd(opts, trainees, reviews, seed, until) -> None:
        from datetime import UTC, datetime, time

        from phrasebook.clock import parse_day
        from phrasebook.demo import DEMO_PIN, generate

        end = utcnow()
        if until:
            day = parse_day(until)
            if day is None or not DEMO_YEARS[0] <= day.year <= DEMO_YEARS[1]:  # year 1 overflowed in astimezone
                raise PhrasebookError("cohort.err.bad_date", field="--until", value=until)
            end = datetime.combine(day, time(14)).astimezone(UTC)  # that afternoon, local time
        store = opts.store()
        result = generate(store, trainees=trainees, reviews=reviews, seed=seed, until=end)
        click.echo(t("cli.people.demo_done", trainees=result.trainees, trainers=result.trainers,
                     cohorts=result.cohorts, assignments=result.assignments, cards=result.cards,
                     reviews=result.reviews))
        click.echo(t("cli.people.demo_logins", coordinator=result.staff_numbers["coordinator"],
                     trainer=result.staff_numbers["trainer"], pin=DEMO_PIN, trainee=result.staff_numbers["trainee"]))


def emit_json(data: object, output: Path | None) -> None:
    """JSON to the file, or to stdout."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output:
        from phrasebook.sheets import write_text

        write_text(output, text)
    else:
        sys.stdout.write(text)


def emit_csv(sheet, output: Path | None) -> None:
    """One sheet as CSV (with a BOM, for spreadsheets) to the file, or to stdout."""
    import io

    from phrasebook.sheets import write_csv

    if output:
        write_csv(output, sheet.headers, as_text(sheet))
    else:
        buffer = io.StringIO()
        write_csv(buffer, sheet.headers, as_text(sheet))
        click.echo(buffer.getvalue(), nl=False)


def _print_tables(report, export) -> None:
    """The terminal view: the cohort counts and a trainee table narrow enough for a terminal (all columns are in
    the csv/xlsx/json formats)."""
    from phrasebook.commands_people import _table

    cohorts = export.cohort_sheet(report)
    keep = (0, 4, 5, 6, 7, 8, 10)  # cohort, trainees, the four statuses, completion
    click.echo(cohorts.title)
    _table([cohorts.headers[i] for i in keep], [[row[i] for i in keep] for row in as_text(cohorts)])
    trainees = export.trainee_sheet(report)
    keep = (0, 1, 2, 5, 6, 7, 8, 10, 12, 15)  # staff no, name, dept, status, on track, %, %, answers, last, recall
    click.echo("\n" + trainees.title)
    _table([trainees.headers[i] for i in keep], [[row[i] for i in keep] for row in as_text(trainees)])
    counts = report.status_counts()
    click.echo("\n" + "  ".join(f"{t(f'report.status.{s}')} {n}" for s, n in counts.items()))
