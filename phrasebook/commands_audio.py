"""`phrasebook audio build|status|prune|play`: the audio cache from the command line (a trainer's tool)."""

from __future__ import annotations

import sys

import click

from phrasebook.audio import default_cache
from phrasebook.audio.build import CHOICES, Builder, BuildReport, Outcome
from phrasebook.audio.cache import Item, coverage, items_from_phrases
from phrasebook.audio.speech import SPEAKABLE
from phrasebook.commands import Group, Options
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t


def _phrases(opts: Options, deck: str | None = None) -> list[dict]:
    """Every active phrase (one query); a --deck that names no deck is a clear error."""
    from phrasebook.store import content

    phrases = content.phrases(opts.store())
    if deck and not any(p["deck"] == deck for p in phrases):
        raise PhrasebookError("audio.err.unknown_deck", deck=deck)
    return phrases


def _items(phrases: list[dict], deck: str | None, langs: tuple[str, ...] = ()) -> list[Item]:
    return items_from_phrases([p for p in phrases if not deck or p["deck"] == deck], langs or None)


def _lang_name(lang: str) -> str:
    return t(f"lang.{lang}")


@click.group("audio", cls=Group, help=t("audio.cli.help"))
def audio() -> None:
    pass


@audio.command("build", help=t("audio.cli.build"))
@click.option("--deck", metavar="DECK", help=t("audio.cli.deck_build"))
@click.option("--lang", "langs", multiple=True, type=click.Choice(SPEAKABLE), help=t("audio.cli.lang"))
@click.option("--engine", type=click.Choice(CHOICES), default="auto", show_default=True,
              help=t("audio.cli.engine"))
@click.option("--jobs", type=click.IntRange(1, 16), default=2, show_default=True, help=t("audio.cli.jobs"))
@click.pass_obj
def audio_build(opts: Options, deck: str | None, langs: tuple[str, ...], engine: str, jobs: int) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    phrases = _phrases(opts, deck)
    items = _items(phrases, deck, langs)
    cache = default_cache()
    console = Console(stderr=True)
    builder = Builder(cache, engine, jobs=jobs,
                      on_fallback=lambda lang: console.print(t("audio.fallback"), highlight=False))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(t("audio.building"), total=len(items))

        def advance(outcome: Outcome) -> None:
            bar.advance(task)

        report = builder.run(items, progress=advance)
    cache.write_manifest(items_from_phrases(phrases))
    _print_summary(report)
    if not report.ok:
        sys.exit(1)


def _print_summary(report: BuildReport) -> None:
    if report.offline or report.missing_engine:  # one cause for every failure: say it once, list nothing
        click.echo(t("audio.offline") if report.offline else t("audio.err.no_espeak"), err=True)
        return
    for lang, counts in sorted(report.by_language().items(), key=lambda kv: SPEAKABLE.index(kv[0])):
        click.echo(t("audio.summary_lang", lang=_lang_name(lang), made=counts["made"], cached=counts["cached"],
                     failed=counts["failed"] + counts["skipped"]))
    click.echo(t("audio.summary", made=report.total("made"), cached=report.total("cached"),
                 failed=report.total("failed") + report.total("skipped")))
    if report.fallback:
        click.echo(t("audio.fallback_langs", langs="、".join(_lang_name(x) for x in SPEAKABLE if x in report.fallback)))
    if report.interrupted:
        click.echo(t("audio.interrupted"), err=True)
    failures = [o for o in report.outcomes if o.status == "failed"]
    for o in failures[:10]:
        click.echo(t("audio.failed_item", deck=o.item.deck, phrase=o.item.phrase_id,
                     lang=o.item.utterance.lang, error=o.error or ""), err=True)
    if len(failures) > 10:
        click.echo(t("audio.more_failed", count=len(failures) - 10), err=True)


@audio.command("status", help=t("audio.cli.status"))
@click.option("--deck", metavar="DECK", help=t("audio.cli.deck_status"))
@click.pass_obj
def audio_status(opts: Options, deck: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    cov = coverage(default_cache(), _items(_phrases(opts, deck), deck))
    decks = list(dict.fromkeys(d for d, _ in cov))  # deck order, as the phrases came
    table = Table(t("cli.col.deck"), *(_lang_name(x) for x in SPEAKABLE), box=None)
    for d in decks:
        cells = []
        for lang in SPEAKABLE:
            c = cov.get((d, lang))
            cells.append("-" if c is None else f"{c.have}/{c.total}" + ("" if c.have == c.total else " ·"))
        table.add_row(d, *cells)
    Console().print(table)
    have, total = sum(c.have for c in cov.values()), sum(c.total for c in cov.values())
    click.echo(t("audio.status_total", have=have, total=total, pct=round(100 * have / total) if total else 0,
                 gtts=sum(c.gtts for c in cov.values()), espeak=sum(c.espeak for c in cov.values())))


@audio.command("prune", help=t("audio.cli.prune"))
@click.option("--dry-run", is_flag=True, help=t("audio.cli.dry_run"))
@click.pass_obj
def audio_prune(opts: Options, dry_run: bool) -> None:
    cache = default_cache()
    items = items_from_phrases(_phrases(opts))
    doomed = cache.unused(items)
    size = sum(p.stat().st_size for p in doomed)
    if not dry_run:
        cache.prune(items)
        cache.write_manifest(items)
    click.echo(t("audio.pruned_dry" if dry_run else "audio.pruned", count=len(doomed), kb=round(size / 1024)))


@audio.command("play", help=t("audio.cli.play"))
@click.argument("phrase")
@click.option("--lang", type=click.Choice(SPEAKABLE), default="en", show_default=True)
@click.pass_obj
def audio_play(opts: Options, phrase: str, lang: str) -> None:
    from phrasebook.audio.player import Player

    deck, _, phrase_id = phrase.rpartition("/")
    matches = [i for i in _items(_phrases(opts), deck or None, (lang,)) if i.phrase_id == phrase_id]
    if not matches:
        raise PhrasebookError("audio.err.unknown_phrase", phrase=phrase, lang=lang)
    path = default_cache().find(matches[0].utterance)
    if path is None:
        raise PhrasebookError("audio.err.no_audio", phrase=phrase, lang=_lang_name(lang))
    result = Player().play(path)
    if not result.ok:
        raise PhrasebookError(f"audio.play.{result.reason}", detail=result.detail)
    click.echo(t("audio.played", file=str(path)))

