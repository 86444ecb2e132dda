"""A report as tables (for the CLI table, CSV and XLSX) and as JSON. Headers and labels follow the UI
language; shares are fractions, shown as percentages (an Excel "0.0%" format, or "45.0%" text in CSV)."""

from __future__ import annotations

from datetime import date, datetime

from phrasebook.clock import local
from phrasebook.i18n import current, t
from phrasebook.reports import STATUSES, UNASSIGNED, Report
from phrasebook.sheets import PCT, Sheet

STATUS_ORDER = (*STATUSES, UNASSIGNED)


def _when(moment: datetime | None) -> str:
    return local(moment) if moment else ""


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def cohort_sheet(report: Report) -> Sheet:
    headers = [t("report.col.cohort"), t("report.col.trainer"), t("report.col.starts_on"), t("report.col.ends_on"),
               t("report.col.members"), *(t(f"report.status.{s}") for s in STATUS_ORDER), t("report.col.completion")]
    rows = [[c.name, c.trainer, _day(c.starts_on), _day(c.ends_on), c.members,
             *(c.counts[s] for s in STATUS_ORDER), c.completion] for c in report.cohorts]
    return Sheet(t("report.sheet.cohorts"), headers, rows, formats={len(headers) - 1: PCT})


def trainee_sheet(report: Report) -> Sheet:
    headers = [t("report.col.staff_no"), t("report.col.name"), t("report.col.department"), t("report.col.counter"),
               t("report.col.cohort"), t("report.col.status"), t("report.col.on_track"), t("report.col.introduced"),
               t("report.col.mastered"), t("report.col.cards"), t("report.col.reviews"), t("report.col.minutes"),
               t("report.col.last_active"), t("report.col.due_on"), t("report.col.needed"),
               t("report.col.recall"), t("report.col.leeches")]
    rows = [[r.staff_no, r.name, r.department, r.counter, "、".join(r.cohorts), t(f"report.status.{r.status}"),
             t("report.yes") if r.on_track else t("report.no"), r.pct_introduced, r.pct_mastered,
             f"{r.mastered}/{r.total}", r.reviews, r.minutes, _when(r.last_active), _day(r.due_on), r.needed_per_day,
             r.predicted_recall, r.leeches] for r in report.trainees]
    return Sheet(t("report.sheet.trainees"), headers, rows, formats={0: "@", 7: PCT, 8: PCT, 15: PCT})


def leech_sheet(report: Report) -> Sheet:
    zh = current() == "zh-CN"
    rows = [[x.deck_id, x.title[0] if zh else x.title[1], t(f"lang.{x.lang}"), x.leeches, x.trainees]
            for x in report.leeches]
    return Sheet(t("report.sheet.leeches"), [t("report.col.deck"), t("report.col.title"), t("report.col.lang"),
                                             t("report.col.leeches"), t("report.col.trainees")], rows)


def daily_sheet(report: Report) -> Sheet:
    return Sheet(t("report.sheet.daily"), [t("report.col.day"), t("report.col.reviews"), t("report.col.new")],
                 [[_day(d), n, new] for d, n, new in report.daily])


def distribution_sheet(report: Report) -> Sheet:
    rows = [[f"{low}–{low + 9 if low < 90 else 100}%", n] for low, n in report.distribution]
    return Sheet(t("report.sheet.distribution"), [t("report.col.mastered"), t("report.col.trainees")], rows)


def sheets(report: Report) -> list[Sheet]:
    return [cohort_sheet(report), trainee_sheet(report), leech_sheet(report), daily_sheet(report),
            distribution_sheet(report)]


def to_json(report: Report) -> dict:
    """Everything, machine-readable: keys in English, shares as fractions, dates ISO."""
    return {
        "today": report.today.isoformat(),
        "status_counts": report.status_counts(),
        "cohorts": [{"name": c.name, "trainer": c.trainer, "starts_on": _day(c.starts_on), "ends_on": _day(c.ends_on),
                     "members": c.members, "counts": c.counts, "completion": round(c.completion, 4)}
                    for c in report.cohorts],
        "trainees": [{"staff_no": r.staff_no, "name": r.name, "department": r.department, "counter": r.counter,
                      "cohorts": list(r.cohorts), "status": r.status, "on_track": r.on_track, "cards": r.total,
                      "introduced": r.introduced, "mastered": r.mastered,
                      "pct_introduced": round(r.pct_introduced, 4), "pct_mastered": round(r.pct_mastered, 4),
                      "reviews": r.reviews, "study_minutes": r.minutes,
                      "last_active": r.last_active.isoformat() if r.last_active else None,
                      "due_on": _day(r.due_on) or None, "needed_per_day": r.needed_per_day,
                      "predicted_recall": None if r.predicted_recall is None else round(r.predicted_recall, 4),
                      "leeches": r.leeches} for r in report.trainees],
        "leeches": [{"deck": x.deck_id, "lang": x.lang, "leeches": x.leeches, "trainees": x.trainees}
                    for x in report.leeches],
        "daily": [{"day": _day(d), "reviews": n, "new": new} for d, n, new in report.daily],
        "distribution": [{"from_pct": low, "trainees": n} for low, n in report.distribution],
    }
