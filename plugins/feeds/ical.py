"""The events as an iCalendar file (RFC 5545), one VEVENT per event.

Dates keep their precision and never gain a day they do not have:

- a day (`2010-09-06`, optionally with an `End` day): an all-day event, DTEND the
  day after the last day (DTEND is exclusive);
- a time (`2010-09-06 10:00`): DTSTART/DTEND as UTC date-times;
- a month or a year only (the WeGMF of July 2008): the event spans the whole month
  or year as an all-day, "free" (TRANSP:TRANSPARENT) entry, its SUMMARY says
  "(exact dates unknown)" and its DESCRIPTION begins by saying the date is known only
  to the month or year. Skipping it would hide a real event from subscribers;
  picking a day would invent one.

UID is `<slug>.event@<id_authority>` (stable while the slug stays); DTSTAMP and
LAST-MODIFIED are the newest publication of the event's source articles, so the
same content gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from icalendar import Calendar, vText
from icalendar import Event as VEvent
from portal.dates import PartialDate, Precision

from .entries import Entry

PRODID = "-//{authority}//Portal feeds//EN"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def event_times(start: PartialDate, end: PartialDate | None) -> tuple[Any, Any, bool]:
    """(DTSTART, DTEND or None, exact): date-times in UTC, or all-day dates."""
    exact = start.precision >= Precision.DAY and (end is None or end.precision >= Precision.DAY)
    if start.precision == Precision.MINUTE and (end is None or end.precision == Precision.MINUTE):
        return _utc(start.time), _utc(end.time) if end else None, True
    last = (end or start).last_day()
    return start.as_date(), last + dt.timedelta(days=1), exact


def render_calendar(
    events: Iterable[tuple[Any, Entry]],
    *,
    name: str,
    description: str,
    url: str,
    authority: str,
    lang: str,
    labels: Mapping[str, str],
) -> bytes:
    """The calendar of `(EventPage, its feed Entry)` pairs, oldest first.

    `labels` come translated from the caller: "organizer", "unknown_days" ("exact
    dates unknown") and "imprecise" ("Date known only to %(date)s; …").
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID.format(authority=authority))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", vText(name))
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", vText(description))
    calendar.add("url", url)
    calendar.add("source", url, parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "P1D")
    for page, entry in events:
        record = page.record
        start, end, exact = event_times(record.start, record.end)
        event = VEvent()
        event.add("uid", f"{record.slug}.event@{authority}")
        event.add("dtstamp", _utc(entry.updated))
        event.add("created", _utc(entry.published))
        event.add("last-modified", _utc(entry.updated))
        summary = record.title
        text = [entry.summary] if entry.summary and entry.summary != record.title else []
        if not exact:
            shown = record.start.display(lang)
            if record.end is not None and record.end != record.start:
                shown += f" – {record.end.display(lang)}"
            summary += f" ({labels['unknown_days']})"
            text.insert(0, labels["imprecise"] % {"date": shown})
            event.add("transp", "TRANSPARENT")
        event.add("summary", summary)
        event.add("dtstart", start)
        if end is not None:
            event.add("dtend", end)
        event.add("location", record.location)
        text.append(f"{labels['organizer']}: {record.organizer}")
        text.append(entry.url)
        event.add("description", "\n\n".join(text))
        event.add("url", entry.url, parameters={"VALUE": "URI"})
        event.add("class", "PUBLIC")
        event.add("x-portal-date-precision", record.start.precision.name.lower())
        calendar.add_component(event)
    return calendar.to_ical()
