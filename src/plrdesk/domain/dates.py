"""Dates in words for people to read, independent of the computer's locale."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """26 November 2008: unambiguous in any country."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_and_year(year: int, month: int) -> str:
    """November 2008."""
    return f"{MONTHS[month - 1]} {year}"
