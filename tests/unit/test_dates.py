import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from portal.dates import DateError, PartialDate, Precision, parse_partial_date

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "precision", "iso"),
    [
        ("2009", Precision.YEAR, "2009"),
        ("2009-06", Precision.MONTH, "2009-06"),
        ("2009-6", Precision.MONTH, "2009-06"),
        ("2009-06-22", Precision.DAY, "2009-06-22"),
        ("2009-06-22 14:30", Precision.MINUTE, "2009-06-22T14:30:00+02:00"),
        ("2009-06-22T14:30+09:00", Precision.MINUTE, "2009-06-22T14:30:00+09:00"),
        ("2009-06-22 14:30Z", Precision.MINUTE, "2009-06-22T14:30:00+00:00"),
        ("2009-01-22 14:30 Asia/Seoul", Precision.MINUTE, "2009-01-22T14:30:00+09:00"),
    ],
)
def test_parse_keeps_the_precision_written(text, precision, iso):
    date = parse_partial_date(text, BERLIN)
    assert date.precision == precision
    assert date.iso == iso


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2009-02-30", "'2009-02-30' is not a date in the calendar"),
        ("2009-13", "month 13 does not exist in '2009-13'"),
        ("2009-06-22 25:00", "'2009-06-22 25:00' has an impossible time of day"),
        ("22.06.2009", "expected a date as YYYY, YYYY-MM, YYYY-MM-DD or 'YYYY-MM-DD HH:MM', "
         "got '22.06.2009'"),
        ("2009-06-22 10:00 Mars/Base", "unknown time zone 'Mars/Base'"),
        ("2009-06-22 10:00+15:00", "impossible UTC offset '+15:00'"),
        ("0999", "year 999 is out of range in '0999'"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(text, message):
    with pytest.raises(DateError) as excinfo:
        parse_partial_date(text, BERLIN)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("date", "english", "german"),
    [
        (PartialDate(2009, 6, 22), "22 June 2009", "22. Juni 2009"),
        (PartialDate(2009, 6), "June 2009", "Juni 2009"),
        (PartialDate(2009), "2009", "2009"),
        (PartialDate(2009, 7, bound=True), "by July 2009", "bis Juli 2009"),
        (PartialDate(2009, 7, 10, bound=True), "by 10 July 2009", "bis 10. Juli 2009"),
    ],
)
def test_display_at_own_precision_per_language(date, english, german):
    assert date.display("en") == english
    assert date.display("de") == german


def test_display_with_time():
    date = parse_partial_date("2009-06-22 14:30", BERLIN)
    assert date.display("en") == "22 June 2009, 14:30"


def test_mixed_precision_sorts_deterministically():
    texts = ["2009-06-22", "2009", "2009-06", "2008-12-31", "2009-06-15", "2010"]
    ordered = sorted((parse_partial_date(t, BERLIN) for t in texts), key=lambda d: d.sort_key)
    assert [d.iso for d in ordered] == [
        "2008-12-31", "2009", "2009-06", "2009-06-15", "2009-06-22", "2010",
    ]
    # A bound ("by 10 July") sorts after the exact date of the same day.
    exact, bound = PartialDate(2009, 7, 10), PartialDate(2009, 7, 10, bound=True)
    assert sorted([bound, exact]) == [exact, bound]


def test_earliest_moment_is_aware_and_invents_nothing_visible():
    date = PartialDate(2009, 6)
    assert date.earliest(BERLIN) == dt.datetime(2009, 6, 1, tzinfo=BERLIN)
    assert date.iso == "2009-06"  # what is shown keeps the month precision
