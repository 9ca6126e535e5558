"""Partial dates: a date known to the year, the month, the day or the minute.

A `PartialDate` never gains precision it does not have: "2009" stays a year when it
is sorted, displayed or written into `<time datetime>`. A date may also be an upper
bound ("by 10 July 2009"): what the portal knows of an MOU whose signing date no
source gives, only that a report of that date mentions it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time


class Precision(IntEnum):
    """How much of a date is known; higher is more precise."""

    YEAR = 1
    MONTH = 2
    DAY = 3
    MINUTE = 4


_DATE_RE = re.compile(
    r"""^(?P<year>\d{4})
        (?:-(?P<month>\d{1,2})
          (?:-(?P<day>\d{1,2})
            (?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?
              (?:\s*(?P<offset>Z|[+-]\d{2}:?\d{2})|\s+(?P<zone>[A-Za-z_]+(?:/[A-Za-z_+-]+)*))?
            )?
          )?
        )?$""",
    re.VERBOSE,
)

# Display patterns per language (CLDR patterns, formatted by Babel).
_PATTERNS = {
    "en": {Precision.YEAR: "y", Precision.MONTH: "MMMM y", Precision.DAY: "d MMMM y"},
    "de": {Precision.YEAR: "y", Precision.MONTH: "MMMM y", Precision.DAY: "d. MMMM y"},
}
_BY_WORD = {"en": "by {}", "de": "bis {}"}


class DateError(ValueError):
    """A date string that cannot be a date; the message says why."""


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to `precision`; `bound` marks "on or before"."""

    year: int
    month: int | None = None
    day: int | None = None
    time: dt.datetime | None = None  # aware; set only at MINUTE precision
    bound: bool = False

    @property
    def precision(self) -> Precision:
        if self.time is not None:
            return Precision.MINUTE
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def sort_key(self) -> tuple:
        """Deterministic order: by the earliest moment the date can mean.

        Then by precision (a year before the days in it), exact dates before bounds.
        """
        minute = (self.time.hour * 60 + self.time.minute) if self.time else -1
        return (
            self.year,
            self.month or 0,
            self.day or 0,
            minute,
            int(self.bound),
        )

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key < other.sort_key

    @property
    def iso(self) -> str:
        """The value for `<time datetime>`: only as precise as the date is."""
        if self.time is not None:
            return self.time.isoformat()
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def earliest(self, tz: dt.tzinfo) -> dt.datetime:
        """The first moment the date can mean, as an aware datetime."""
        if self.time is not None:
            return self.time
        return dt.datetime(self.year, self.month or 1, self.day or 1, tzinfo=tz)

    def as_date(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last calendar day the date can mean (31 Dec for a year)."""
        if self.day is not None:
            return self.as_date()
        if self.month is not None:
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def display(self, lang: str = "en") -> str:
        """E.g. "22 June 2009", "June 2009", "2009", "by 10 July 2009"."""
        patterns = _PATTERNS.get(lang, _PATTERNS["en"])
        precision = min(self.precision, Precision.DAY)
        text = format_date(self.as_date(), patterns[precision], locale=lang)
        if self.time is not None:
            text += ", " + format_time(self.time, "HH:mm", locale=lang)
        if self.bound:
            text = _BY_WORD.get(lang, _BY_WORD["en"]).format(text)
        return text

    def __str__(self) -> str:
        return self.display("en")


def get_zone(name: str) -> dt.tzinfo:
    """The IANA time zone `name`; raises DateError naming it when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: "America" is a folder
        raise DateError(f"unknown time zone {name!r}") from exc


def parse_partial_date(text: str, tz: dt.tzinfo, *, bound: bool = False) -> PartialDate:
    """Parse `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[ zone|±HH:MM]`.

    A time without an explicit zone is in `tz` (the site's TIMEZONE).
    """
    text = text.strip()
    match = _DATE_RE.match(text)
    if not match:
        raise DateError(
            f"expected a date as YYYY, YYYY-MM, YYYY-MM-DD or 'YYYY-MM-DD HH:MM', got {text!r}"
        )
    parts = match.groupdict()
    year = int(parts["year"])
    month = int(parts["month"]) if parts["month"] else None
    day = int(parts["day"]) if parts["day"] else None
    if year < 1000:
        raise DateError(f"year {year} is out of range in {text!r}")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"month {month} does not exist in {text!r}")
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise DateError(f"{text!r} is not a date in the calendar") from None
    time = None
    if parts["hour"] is not None:
        hour, minute = int(parts["hour"]), int(parts["minute"])
        second = int(parts["second"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise DateError(f"{text!r} has an impossible time of day")
        zone: dt.tzinfo = tz
        if parts["offset"]:
            zone = _parse_offset(parts["offset"])
        elif parts["zone"]:
            zone = get_zone(parts["zone"])
        time = dt.datetime(year, month, day, hour, minute, second, tzinfo=zone)
    return PartialDate(year, month, day, time, bound)


def _parse_offset(offset: str) -> dt.tzinfo:
    if offset == "Z":
        return dt.UTC
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        raise DateError(f"impossible UTC offset {offset!r}")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
