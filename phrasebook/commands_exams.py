"""`phrasebook exam …`: define, list, show, read the results of and delete exams (考核).

Like the other people commands this is the administrator's tool on the machine that holds the database, with no
login of its own; the role rules (a cohort's trainer or a coordinator) apply in the app.
"""

from __future__ import annotations

from pathlib import Path

import click

from phrasebook.clickui import IdOrTitle
from phrasebook.clock import local, utcnow
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.sheets import as_text

FORMATS = ("table", "csv", "xlsx", "json")
TABLES = ("trainees", "items")


def register(cli: click.Group, group_cls: type[click.Group]) -> None:
    """Add the `exam` group to the root command (called once by phrasebook.commands)."""

    @cli.group(cls=group_cls, help=t("exam_cli.help.group"))
    def exam() -> None:
        pass

    @exam.command("create", help=t("exam_cli.help.create"))
    @click.argument("title")
    @click.option("--cohort", "cohort_name", required=True, metavar="COHORT", help=t("exam_cli.help.cohort"))
    @click.option("--deck", "decks", multiple=True, metavar="DECK", help=t("exam_cli.help.deck"))
    @click.option("--scenario", "scenarios", multiple=True, metavar="SCENARIO", help=t("exam_cli.help.scenario"))
    @click.option("--lang", "langs", multiple=True, required=True, metavar="LANG", help=t("exam_cli.help.lang"))
    @click.option("--mode", "modes", multiple=True, required=True, type=click.Choice(["typed", "choice", "listening"]),
                  help=t("exam_cli.help.mode"))
    @click.option("--items", required=True, metavar="N", help=t("exam_cli.help.items"))
    @click.option("--minutes", required=True, metavar="MIN", help=t("exam_cli.help.minutes"))
    @click.option("--pass", "pass_mark", default="60%", show_default=True, help=t("exam_cli.help.pass_mark"))
    @click.option("--opens", required=True, metavar="DATETIME", help=t("exam_cli.help.opens"))
    @click.option("--closes", required=True, metavar="DATETIME", help=t("exam_cli.help.closes"))
    @click.option("--attempts", default="1", show_default=True, metavar="N", help=t("exam_cli.help.attempts"))
    @click.pass_obj
    def exam_create(opts, title, cohort_name, decks, scenarios, langs, modes, items, minutes, pass_mark, opens,
                    closes, attempts) -> None:
        from phrasebook.cohorts import get_cohort
        from phrasebook.exams import create_exam

        store = opts.store()
        made = create_exam(store, cohort=get_cohort(store, cohort_name), title=title, decks=list(decks),
                           scenarios=list(scenarios), langs=list(langs), modes=list(modes), items=items,
                           minutes=minutes, pass_mark=pass_mark, opens=opens, closes=closes, attempts=attempts,
                           now=utcnow())
        click.echo(t("exam_cli.created", id=made.id, title=made.title, cohort=made.cohort_name,
                     items=made.item_count, minutes=made.minutes, opens=local(made.opens_at),
                     closes=local(made.closes_at)))

    @exam.command("list", help=t("exam_cli.help.list"))
    @click.option("--cohort", "cohort_name", metavar="COHORT", help=t("cli.people_help.cohort_filter"))
    @click.pass_obj
    def exam_list(opts, cohort_name) -> None:
        from phrasebook.cohorts import get_cohort
        from phrasebook.commands_people import _table
        from phrasebook.exam_results import all_results, summary_sheet

        store = opts.store(sync=False)
        results = all_results(store, now=utcnow(), cohort=get_cohort(store, cohort_name) if cohort_name else None)
        sheet = summary_sheet(results)
        now = utcnow()
        keep = (0, 1, 2, 4, 11, 12)  # id, title, cohort, closes, pass rate, mean (items and limit: `exam show`)
        _table([*(sheet.headers[i] for i in keep[:3]), t("exam.col.status"), sheet.headers[4], t("exam.col.sat"),
                *(sheet.headers[i] for i in keep[4:])],
               [[*(row[i] for i in keep[:3]), t(f"exam.state.{r.exam.state(now)}"), row[4], f"{r.sat}/{r.enrolled}",
                 *(row[i] for i in keep[4:])] for row, r in zip(as_text(sheet), results, strict=True)])
        click.echo(t("exam_cli.count", count=len(results)))

    @exam.command("show", help=t("exam_cli.help.show"))
    @click.argument("which", metavar="EXAM", type=IdOrTitle())
    @click.option("--answers", "with_answers", is_flag=True, help=t("exam_cli.help.answers"))
    @click.pass_obj
    def exam_show(opts, which, with_answers) -> None:
        from phrasebook.commands_people import _table
        from phrasebook.exams import get_exam, paper

        store = opts.store(sync=False)
        e = get_exam(store, which)
        click.echo(t("exam_cli.header", id=e.id, title=e.title, cohort=e.cohort_name,
                     state=t(f"exam.state.{e.state(utcnow())}"), opens=local(e.opens_at), closes=local(e.closes_at),
                     items=e.item_count, minutes=e.minutes, pass_mark=f"{e.pass_mark:.0%}",
                     attempts=e.attempts_allowed))
        click.echo(t("exam_cli.content", decks=" ".join(e.decks) or "—", scenarios=" ".join(e.scenarios) or "—",
                     langs=" ".join(t(f"lang.{x}") for x in e.langs),
                     modes=" ".join(t(f"modes.name.{m}") for m in e.modes)))
        headers = [t("exam.col.number"), t("exam.col.phrase"), t("report.col.lang"), t("exam.col.mode"),
                   t("exam_cli.col_prompt")]
        rows = []
        for i in paper(store, e):
            row = [str(i["position"] + 1), i["phrase_id"], t(f"lang.{i['lang']}"), t(f"modes.name.{i['mode']}"),
                   i["prompt"]]
            if with_answers:
                row.append(i["answer"])
            rows.append(row)
        _table(headers + ([t("exam.col.answer")] if with_answers else []), rows)

    @exam.command("results", help=t("exam_cli.help.results"))
    @click.argument("which", metavar="EXAM", type=IdOrTitle())
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                  help=t("exam_cli.help.format"))
    @click.option("--table", "table", type=click.Choice(TABLES), help=t("exam_cli.help.table"))
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=t("cli.people_help.output"))
    @click.pass_obj
    def exam_results_cmd(opts, which, fmt, table, output) -> None:
        from phrasebook import exam_results as er
        from phrasebook.commands_reports import emit_csv, emit_json
        from phrasebook.exams import get_exam
        from phrasebook.sheets import write_xlsx

        if fmt == "xlsx" and output is None:
            raise PhrasebookError("report.err.xlsx_needs_file")
        store = opts.store(sync=False)
        results = er.exam_results(store, get_exam(store, which), now=utcnow())
        sheet = er.item_sheet(results) if table == "items" else er.trainee_sheet(results)
        if fmt == "table":
            _print_results(results, er, table)
            return
        if fmt == "json":
            emit_json(er.to_json(results), output)
        elif fmt == "csv":
            emit_csv(sheet, output)
        else:
            write_xlsx(output, er.sheets(results))
        if output and table == "items" and fmt == "csv":
            click.echo(t("exam_cli.written_items", file=output, items=len(results.items)), err=True)
        elif output:
            click.echo(t("exam_cli.written", file=output, trainees=len(results.trainees)), err=True)

    @exam.command("delete", help=t("exam_cli.help.delete"))
    @click.argument("which", metavar="EXAM", type=IdOrTitle())
    @click.option("--force", is_flag=True, help=t("exam_cli.help.force"))
    @click.pass_obj
    def exam_delete(opts, which, force) -> None:
        from phrasebook.exams import delete_exam, get_exam

        store = opts.store(sync=False)
        e = get_exam(store, which)
        delete_exam(store, e, now=utcnow(), force=force)
        click.echo(t("exam_cli.deleted", id=e.id, title=e.title))


def _print_results(results, er, table: str | None) -> None:
    """The headline, then the trainees' table, the items' table, or (no --table) both."""
    from phrasebook.commands_people import _table

    r = results
    click.echo(t("exam_cli.results_header", title=r.exam.title, cohort=r.exam.cohort_name, **er.headline(r)))
    if table != "items":
        trainees = er.trainee_sheet(r)
        keep = (0, 1, 2, 3, 4, 5, 7, 8)
        _table([trainees.headers[i] for i in keep], [[row[i] for i in keep] for row in as_text(trainees)])
    if table != "trainees":
        items = er.item_sheet(r)
        keep = (0, 3, 4, 5, 6, 7, 8, 9, 10)  # …right, almost, wrong, unanswered: they add up to those who sat
        click.echo("\n" + items.title)
        _table([items.headers[i] for i in keep], [[row[i] for i in keep] for row in as_text(items)])
