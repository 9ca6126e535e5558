"""Events: a page per event (`/events/<slug>/`) and `/events/` (upcoming and past)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pelican import signals
from pelican.generators import Generator

EVENTS_INDEX_SAVE_AS = "events/index.html"


class EventsGenerator(Generator):
    """Renders `event.html` per event and `events.html` split at the build date."""

    def generate_context(self) -> None:
        """Nothing to read: the portal generator has indexed the events."""

    def generate_output(self, writer: Any) -> None:
        portal = self.context["portal"]
        template = self.get_template("event")
        for page in portal.events:
            writer.write_file(
                page.save_as,
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=page.url,
                event=page,
            )
        today = self.settings.get("PORTAL", {}).get("today") or dt.date.today()
        upcoming = [e for e in portal.events if e.record.last_day >= today]
        past = [e for e in reversed(portal.events) if e.record.last_day < today]
        writer.write_file(
            EVENTS_INDEX_SAVE_AS,
            self.get_template("events"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url="events/",
            upcoming_events=upcoming,
            past_events=past,
        )


def add_generator(_pelican: Any) -> type:
    return EventsGenerator


def register() -> None:
    # Event pages render from context["portal"], after the portal generator.
    signals.get_generators.connect(add_generator)
