"""Small display helpers shared by screens."""

from __future__ import annotations

from datetime import timedelta

from phrasebook.i18n import t


def interval(delta: timedelta) -> str:
    """Anki-style short interval for the grade buttons: <1分钟, 10分钟, 3天, 1.5月, 2.1年."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return t("unit.lt_minute")
    if seconds < 3600:
        return t("unit.minutes", n=round(seconds / 60))
    if seconds < 86400:
        return t("unit.hours", n=round(seconds / 3600))
    days = seconds / 86400
    if days < 30:
        return t("unit.days", n=round(days))
    if days < 365:
        return t("unit.months", n=f"{days / 30:.1f}".removesuffix(".0"))
    return t("unit.years", n=f"{days / 365:.1f}".removesuffix(".0"))
